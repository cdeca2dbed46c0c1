using BenchmarkDotNet.Attributes;
using Stitcher.Engine.Matching;
using Stitcher.Engine.Matching.Comparators;
using Stitcher.Engine.Schema;

namespace Stitcher.Benchmarks.Matching;

/// <summary>
/// Candidate scoring: compare a pair into a comparison vector and weigh it with a model. Per pair, so the
/// figure to read is ns/op divided by <see cref="Pairs"/>; allocations must be 0 B.
/// </summary>
[MemoryDiagnoser]
public class CandidateScoringBenchmarks
{
    public const int Pairs = 10_000;
    private static readonly string[] s_given = ["james", "mary", "john", "patricia", "robert", "jennifer", "michael", "linda", "minjun", "seoyeon", "jose", "zoe"];
    private static readonly string[] s_family = ["smith", "johnson", "williams", "brown", "garcia", "kim", "lee", "park", "obrien", "muller"];
    private static readonly string[] s_streets = ["high street", "main street", "oak avenue", "maple road", "park boulevard"];

    private MatchRecord[] _left = [];
    private MatchRecord[] _right = [];
    private RecordComparer _comparer = null!;
    private MatchModel _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var records = new MatchRecord[2_000];
        for (var i = 0; i < records.Length; i++)
        {
            var values = new string?[CanonicalAttributes.Count];
            values[(int)CanonicalAttribute.GivenName] = s_given[random.Next(s_given.Length)];
            values[(int)CanonicalAttribute.Surname] = s_family[random.Next(s_family.Length)];
            values[(int)CanonicalAttribute.DateOfBirth] = $"19{random.Next(40, 99)}-{random.Next(1, 13):00}-{random.Next(1, 29):00}";
            values[(int)CanonicalAttribute.Street] = $"{random.Next(1, 300)} {s_streets[random.Next(s_streets.Length)]}";
            values[(int)CanonicalAttribute.City] = "town" + random.Next(50);
            values[(int)CanonicalAttribute.Postcode] = random.Next(10000, 99999).ToString();
            values[(int)CanonicalAttribute.Email] = random.Next(3) == 0 ? null : $"p{i}@example.org";
            values[(int)CanonicalAttribute.Phone] = random.Next(3) == 0 ? null : $"+1415555{random.Next(1000, 9999)}";
            records[i] = MatchRecord.From("R|b|" + i, values);
        }
        _left = new MatchRecord[Pairs];
        _right = new MatchRecord[Pairs];
        for (var p = 0; p < Pairs; p++)
        {
            _left[p] = records[random.Next(records.Length)];
            _right[p] = records[random.Next(records.Length)];
        }
        _comparer = new RecordComparer();
        _model = ModelTrainer.Train(records);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Pairs)]
    public int Compare_AllFields()
    {
        Span<ComparisonLevel> levels = stackalloc ComparisonLevel[MatchRecord.FieldCount];
        var exact = 0;
        for (var p = 0; p < Pairs; p++)
        {
            _comparer.Compare(_left[p], _right[p], levels);
            exact += (int)levels[0];
        }
        return exact;
    }

    [Benchmark(OperationsPerInvoke = Pairs)]
    public double CompareAndScore_AllFields()
    {
        Span<ComparisonLevel> levels = stackalloc ComparisonLevel[MatchRecord.FieldCount];
        var total = 0.0;
        for (var p = 0; p < Pairs; p++)
        {
            _comparer.Compare(_left[p], _right[p], levels);
            total += _model.Score(levels, _left[p], _right[p]);
        }
        return total;
    }
}
