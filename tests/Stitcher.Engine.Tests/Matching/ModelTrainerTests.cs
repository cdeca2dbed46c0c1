using Stitcher.Engine.Configuration;
using Stitcher.Engine.Evaluation;
using Stitcher.Engine.Matching;
using Stitcher.Engine.Matching.Comparators;
using Stitcher.Engine.Tests.Evaluation;

namespace Stitcher.Engine.Tests.Matching;

public sealed class ModelTrainerTests
{
    [Fact]
    public void RunEm_VectorsFromKnownParameters_RecoversMAndPrior()
    {
        double[][] m = [[0, 0.05, 0.05, 0.1, 0.8], [0, 0.1, 0.1, 0.1, 0.7], [0, 0.02, 0.03, 0.05, 0.9]];
        double[][] u = [[0, 0.9, 0.05, 0.03, 0.02], [0, 0.8, 0.1, 0.05, 0.05], [0, 0.95, 0.02, 0.02, 0.01]];
        const double Prior = 0.2;
        var random = new Random(11);
        var counts = new Dictionary<string, (ComparisonLevel[] Levels, long Count)>();
        for (var pair = 0; pair < 200_000; pair++)
        {
            var table = random.NextDouble() < Prior ? m : u;
            var levels = new ComparisonLevel[3];
            for (var f = 0; f < 3; f++)
            {
                levels[f] = Sample(table[f], random);
            }
            var key = string.Join(',', levels);
            counts[key] = counts.TryGetValue(key, out var entry) ? (entry.Levels, entry.Count + 1) : (levels, 1);
        }
        var patterns = counts.Values.Select(v => v.Levels).ToArray();
        var patternCounts = counts.Values.Select(v => v.Count).ToArray();
        double[][] estimate = [[0, 0.25, 0.25, 0.25, 0.25], [0, 0.25, 0.25, 0.25, 0.25], [0, 0.25, 0.25, 0.25, 0.25]];
        var prior = 0.5;

        ModelTrainer.RunEm(patterns, patternCounts, estimate, u, ref prior, estimateU: false);

        Assert.InRange(prior, Prior - 0.01, Prior + 0.01);
        for (var f = 0; f < 3; f++)
        {
            for (var l = 1; l < 5; l++)
            {
                Assert.InRange(estimate[f][l], m[f][l] - 0.02, m[f][l] + 0.02);
            }
        }
    }

    [Fact]
    public async Task CountCandidatePatterns_OnAllCores_SameCountsAsComparingEachPairInOrder()
    {
        var path = LabelledFileEvaluatorTests.Dataset("febrl2.csv");
        var options = new StitcherOptions
        {
            BaseDirectory = Path.GetTempPath(),
            Channels = { ["eval"] = new ChannelOptions { Path = path, Mapping = HeaderMapping.Infer(File.ReadLines(path).First().Split(','), "entity_id", null) } },
        };
        var (records, _) = await ModelTraining.ReadAsync(options, [("eval", path)], CancellationToken.None);
        var expected = new Dictionary<ulong, long>();
        var comparer = new RecordComparer();
        var expectedPairs = CandidateIndex.ForEachCandidatePair(records, (a, b) =>
        {
            Span<ComparisonLevel> levels = stackalloc ComparisonLevel[MatchRecord.FieldCount];
            comparer.Compare(a, b, levels);
            var key = ModelTrainer.Pack(levels);
            expected[key] = expected.GetValueOrDefault(key) + 1;
        });

        var actual = ModelTrainer.CountCandidatePatterns(records, CandidateIndex.DefaultMaxBlockSize, CandidateIndex.DefaultMaxCandidates, out var pairs);

        Assert.Equal(expectedPairs, pairs);
        Assert.True(pairs > 1000);
        Assert.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
    }

    private static ComparisonLevel Sample(double[] probabilities, Random random)
    {
        var draw = random.NextDouble();
        for (var l = 1; l < probabilities.Length; l++)
        {
            draw -= probabilities[l];
            if (draw <= 0)
            {
                return (ComparisonLevel)l;
            }
        }
        return ComparisonLevel.Exact;
    }
}
