using Stitcher.Engine.Evaluation;

namespace Stitcher.Engine.Tests.Evaluation;

public sealed class ClusterMetricsTests
{
    [Fact]
    public void Compute_PerfectClustering_AllOnes()
    {
        var metrics = ClusterMetrics.Compute([("a", "1"), ("a", "1"), ("b", "2"), ("c", "3")]);

        Assert.Equal(1, metrics.TruePairs);
        Assert.Equal(1, metrics.F1);
        Assert.Equal(1, metrics.BCubedF1);
    }

    [Fact]
    public void Compute_OneOverMergeOneMiss_CountsPairsThroughTheContingencyTable()
    {
        // Truth: {r1,r2,r3} {r4}. Predicted: {r1,r2} {r3,r4}.
        var metrics = ClusterMetrics.Compute([("a", "x"), ("a", "x"), ("a", "y"), ("b", "y")]);

        Assert.Equal(3, metrics.TruePairs);
        Assert.Equal(2, metrics.PredictedPairs);
        Assert.Equal(1, metrics.CorrectPairs);
        Assert.Equal(0.5, metrics.Precision, 6);
        Assert.Equal(1.0 / 3, metrics.Recall, 6);
        Assert.Equal(0.4, metrics.F1, 6);
        // B-cubed precision: r1,r2: 1; r3,r4: 1/2 → 0.75. Recall: r1,r2: 2/3; r3: 1/3; r4: 1 → 2/3.
        Assert.Equal(0.75, metrics.BCubedPrecision, 6);
        Assert.Equal(2.0 / 3, metrics.BCubedRecall, 6);
    }

    [Fact]
    public void Compute_ChainedCluster_ReportsTheLargestProfileAndTheEntitiesItMixes()
    {
        // Predicted "big" holds four records of three people; the rest are right.
        var metrics = ClusterMetrics.Compute([("a", "big"), ("a", "big"), ("b", "big"), ("c", "big"), ("d", "small"), ("d", "small"), ("e", "one")]);

        Assert.Equal(4, metrics.LargestCluster);
        Assert.Equal(3, metrics.LargestClusterEntities);
        // Pairs: big has 6, of which 1 correct; small 1, correct.
        Assert.Equal(7, metrics.PredictedPairs);
        Assert.Equal(2, metrics.CorrectPairs);
    }
}
