namespace Stitcher.Engine.Evaluation;

/// <summary>Quality of a clustering against truth: pairwise and B-cubed precision, recall and F1.</summary>
public sealed record ClusterMetrics(
    long TruePairs,
    long PredictedPairs,
    long CorrectPairs,
    double Precision,
    double Recall,
    double F1,
    double BCubedPrecision,
    double BCubedRecall,
    double BCubedF1,
    long LargestCluster,
    int LargestClusterEntities)
{
    /// <summary>
    /// Computes the metrics from (truth cluster, predicted cluster) per record, in O(n) through the contingency
    /// table: correct pairs = Σ over cells C(n,2), so no pair is ever enumerated.
    /// </summary>
    public static ClusterMetrics Compute(IReadOnlyList<(string Truth, string Predicted)> assignments)
    {
        var truthSizes = new Dictionary<string, long>(StringComparer.Ordinal);
        var predictedSizes = new Dictionary<string, long>(StringComparer.Ordinal);
        var cells = new Dictionary<(string, string), long>();
        foreach (var (truth, predicted) in assignments)
        {
            truthSizes[truth] = truthSizes.GetValueOrDefault(truth) + 1;
            predictedSizes[predicted] = predictedSizes.GetValueOrDefault(predicted) + 1;
            cells[(truth, predicted)] = cells.GetValueOrDefault((truth, predicted)) + 1;
        }
        static long Pairs(long n) => n * (n - 1) / 2;
        long truePairs = 0, predictedPairs = 0, correct = 0;
        foreach (var size in truthSizes.Values)
        {
            truePairs += Pairs(size);
        }
        foreach (var size in predictedSizes.Values)
        {
            predictedPairs += Pairs(size);
        }
        // The largest predicted cluster, and how many true entities it mixes: one chained cluster of a few hundred
        // records costs pairwise precision far more than its share of records.
        var largest = "";
        long largestSize = 0;
        foreach (var (predicted, size) in predictedSizes)
        {
            if (size > largestSize)
            {
                (largest, largestSize) = (predicted, size);
            }
        }
        var largestEntities = 0;
        double bPrecision = 0, bRecall = 0;
        foreach (var ((truth, predicted), count) in cells)
        {
            correct += Pairs(count);
            if (predicted == largest)
            {
                largestEntities++;
            }
            // Each of the `count` records in this cell has precision count/|predicted| and recall count/|truth|.
            bPrecision += count * (double)count / predictedSizes[predicted];
            bRecall += count * (double)count / truthSizes[truth];
        }
        var n = Math.Max(assignments.Count, 1);
        var precision = predictedPairs == 0 ? 1 : (double)correct / predictedPairs;
        var recall = truePairs == 0 ? 1 : (double)correct / truePairs;
        bPrecision /= n;
        bRecall /= n;
        return new ClusterMetrics(truePairs, predictedPairs, correct, precision, recall, Harmonic(precision, recall),
            bPrecision, bRecall, Harmonic(bPrecision, bRecall), largestSize, largestEntities);
    }

    private static double Harmonic(double a, double b) => a + b == 0 ? 0 : 2 * a * b / (a + b);
}
