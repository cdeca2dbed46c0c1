using BenchmarkDotNet.Attributes;
using Stitcher.Engine.Matching;

namespace Stitcher.Benchmarks.Blocking;

/// <summary>
/// <see cref="CandidateIndex"/> over FEBRL records. Looking up: 16,000 records already indexed, then the candidates
/// of 4,000 more (their duplicates among the indexed ones), the steady state of an online run; it must allocate
/// 0 B. Adding: 20,000 records into an empty index, as the engine rebuilds it at start-up; this grows the index and
/// allocates. Figures are per record.
/// </summary>
[MemoryDiagnoser]
public class CandidateIndexBenchmarks
{
    private const int IndexedCount = 16_000;
    private const int ArrivingCount = 4_000;
    private const int RecordCount = IndexedCount + ArrivingCount;

    private readonly List<int> _candidates = new(CandidateIndex.DefaultMaxBlockSize);
    private MatchRecord[] _records = [];
    private MatchRecord[] _arriving = [];
    private CandidateIndex _index = new();

    [GlobalSetup]
    public async Task Setup()
    {
        _records = await BlockingInput.FebrlAsync(RecordCount);
        _arriving = _records[IndexedCount..];
        foreach (var record in _records.AsSpan(0, IndexedCount))
        {
            _index.Add(record);
        }
        // One pass outside the measurement grows whatever a look-up reuses (the candidate list, the index's scratch
        // space), so the measured passes are the steady state.
        Candidates_PrefilledIndex();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = ArrivingCount)]
    public long Candidates_PrefilledIndex()
    {
        long total = 0;
        foreach (var record in _arriving)
        {
            _index.Candidates(record, _candidates);
            total += _candidates.Count;
        }
        return total;
    }

    [Benchmark(OperationsPerInvoke = RecordCount)]
    public int Add_EmptyIndex()
    {
        var index = new CandidateIndex();
        foreach (var record in _records)
        {
            index.Add(record);
        }
        return index.Count;
    }
}
