using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Matching;

/// <summary>
/// Estimates a <see cref="MatchModel"/> without labels: u from random record pairs (almost all non-matches),
/// m and the prior by expectation–maximisation over the candidate pairs that blocking produces. Pairs are
/// reduced to distinct comparison vectors with counts first, so EM costs nothing next to comparing.
/// </summary>
/// <summary>Where training time went.</summary>
public readonly record struct TrainingTimings(TimeSpan RandomPairs, TimeSpan CandidatePairs, TimeSpan Em, int DistinctVectors);

internal static class ModelTrainer
{
    public const int DefaultRandomPairs = 20_000;
    private const int MaxIterations = 200;
    private const double Tolerance = 1e-7;
    private const int MaxTermFrequencies = 20_000;
    private const double Smoothing = 1;

    public static MatchModel Train(IReadOnlyList<MatchRecord> records, int seed = 20261125, int randomPairs = DefaultRandomPairs) =>
        Train(records, out _, seed, randomPairs);

    /// <summary>
    /// Estimates the model; candidate pairs are those the engine would score with the same block limits. The result
    /// depends on the order of <paramref name="records"/> (random pairs are drawn by position, block limits apply in
    /// arrival order): callers hand them over in <see cref="ModelTraining.CanonicalOrder"/>. <c>scale</c> is how many
    /// records of the data the model is for each of <paramref name="records"/> stands for (they may be a sample).
    /// </summary>
    public static MatchModel Train(IReadOnlyList<MatchRecord> records, out TrainingTimings timings, int seed = 20261125, int randomPairs = DefaultRandomPairs,
        int maxBlockSize = CandidateIndex.DefaultMaxBlockSize, int maxCandidates = CandidateIndex.DefaultMaxCandidates, double scale = 1)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ArgumentOutOfRangeException.ThrowIfLessThan(records.Count, 2, nameof(records));
        var comparer = new RecordComparer();
        Span<ComparisonLevel> levels = stackalloc ComparisonLevel[MatchRecord.FieldCount];

        // u: level frequencies over random pairs.
        var uCounts = new double[MatchRecord.FieldCount, MatchModel.LevelCount];
        var random = new Random(seed);
        var sampled = 0L;
        var maxPairs = (long)records.Count * (records.Count - 1) / 2;
        var target = Math.Min(randomPairs, maxPairs);
        for (var i = 0; i < target; i++)
        {
            var a = random.Next(records.Count);
            var b = random.Next(records.Count - 1);
            if (b >= a)
            {
                b++;
            }
            comparer.Compare(records[a], records[b], levels);
            for (var f = 0; f < levels.Length; f++)
            {
                uCounts[f, (int)levels[f]]++;
            }
            sampled++;
        }

        var randomTime = clock.Elapsed;
        clock.Restart();
        // The block sizes linking will spend its candidate budget by, expected in the whole data. Keys estimated below
        // what twelve keys could spend of the budget never change a choice, and are not kept.
        var blockSizes = BlockSizeEstimates.Count(records, scale, Math.Max(2, maxCandidates / Blocking.MaxKeys));
        // Candidate pairs, as distinct comparison vectors with counts, by the block sizes of the (canonically ordered)
        // records as they come. Not by the estimates: on a sample those choose a quarter of the pairs per key that
        // linking then compares, and the prior learnt on them is too high (Korean 1M: precision 0.980, not 0.996).
        var patterns = CountCandidatePatterns(records, maxBlockSize, maxCandidates, out var candidatePairs);

        var model = new MatchModel
        {
            TrainingRecords = records.Count,
            CandidatePairs = candidatePairs,
            RandomPairs = sampled,
            BlockSizes = blockSizes,
        };
        var randomU = new double[MatchRecord.FieldCount][];
        var u = new double[MatchRecord.FieldCount][];
        var m = new double[MatchRecord.FieldCount][];
        for (var f = 0; f < MatchRecord.FieldCount; f++)
        {
            u[f] = Normalise(f, uCounts);
            randomU[f] = (double[])u[f].Clone();
            // Start m leaning to agreement; EM moves it from there.
            m[f] = [0, 0.05, 0.05, 0.1, 0.8];
        }
        var candidateTime = clock.Elapsed;
        clock.Restart();
        var prior = 0.1;
        var (patternKeys, patternCounts) = Unpack(patterns);
        var (iterations, converged) = RunEm(patternKeys, patternCounts, m, u, ref prior);
        if (!IsPlausible(m, Observed(patternKeys, patternCounts)))
        {
            // EM settled on a class that is not "same person" (on multi-channel data where names and birth dates
            // never meet in one channel, "same neighbourhood" can win). Fall back to documented m priors, u from
            // random pairs to start from, and let EM fit only the non-match class and the share of matches.
            for (var f = 0; f < MatchRecord.FieldCount; f++)
            {
                m[f] = (double[])s_priorM[f].Clone();
                u[f] = (double[])randomU[f].Clone();
            }
            prior = 0.1;
            (iterations, converged) = RunEm(patternKeys, patternCounts, m, u, ref prior, estimateU: true, estimateM: false);
            model.EmFallback = true;
        }
        timings = new TrainingTimings(randomTime, candidateTime, clock.Elapsed, patterns.Count);

        model.Prior = Math.Clamp(prior, 1e-6, 1 - 1e-6);
        model.EmIterations = iterations;
        model.EmConverged = converged;
        for (var f = 0; f < MatchRecord.FieldCount; f++)
        {
            var field = (MatchField)f;
            var parameters = new FieldParameters { M = m[f], U = u[f], RandomExactU = randomU[f][(int)ComparisonLevel.Exact] };
            if (field is MatchField.GivenName or MatchField.Surname)
            {
                (parameters.TermFrequencies, parameters.MinTermFrequency) = TermFrequencies(records, field);
            }
            model.Fields[field.ToString()] = parameters;
        }
        return model;
    }

    /// <summary>
    /// Two-class EM over the candidate-pair comparison vectors. Both m and u are re-estimated: the non-matches
    /// among candidate pairs agree far more often than random pairs do (they share a blocking key), so u from
    /// random pairs alone would push every candidate pair into the match class. u starts from the random pairs,
    /// m from a strong-agreement guess, which keeps the match class the agreeing one.
    /// </summary>
    /// <returns>The iterations run, and whether the estimates settled (moved less than the tolerance) before the cap.</returns>
    internal static (int Iterations, bool Converged) RunEm(ComparisonLevel[][] patterns, long[] counts, double[][] m, double[][] u, ref double prior,
        bool estimateU = true, bool estimateM = true)
    {
        var fields = m.Length;
        var mSums = new double[fields, MatchModel.LevelCount];
        var uSums = new double[fields, MatchModel.LevelCount];
        var mTotals = new double[fields];
        var uTotals = new double[fields];
        var iteration = 0;
        while (iteration < MaxIterations)
        {
            iteration++;
            Array.Clear(mSums);
            Array.Clear(uSums);
            Array.Clear(mTotals);
            Array.Clear(uTotals);
            double matchMass = 0, total = 0;
            for (var p = 0; p < patterns.Length; p++)
            {
                var levels = patterns[p];
                double logMatch = Math.Log(prior), logNon = Math.Log(1 - prior);
                for (var f = 0; f < fields; f++)
                {
                    var level = (int)levels[f];
                    if (level == (int)ComparisonLevel.Missing)
                    {
                        continue;
                    }
                    logMatch += Math.Log(Math.Max(m[f][level], 1e-12));
                    logNon += Math.Log(Math.Max(u[f][level], 1e-12));
                }
                var posterior = 1 / (1 + Math.Exp(logNon - logMatch));
                var matchWeight = posterior * counts[p];
                var nonWeight = (1 - posterior) * counts[p];
                matchMass += matchWeight;
                total += counts[p];
                for (var f = 0; f < fields; f++)
                {
                    var level = (int)levels[f];
                    if (level != (int)ComparisonLevel.Missing)
                    {
                        mSums[f, level] += matchWeight;
                        mTotals[f] += matchWeight;
                        uSums[f, level] += nonWeight;
                        uTotals[f] += nonWeight;
                    }
                }
            }
            var change = 0.0;
            for (var f = 0; f < fields; f++)
            {
                for (var l = (int)ComparisonLevel.Different; l < MatchModel.LevelCount; l++)
                {
                    if (estimateM)
                    {
                        var updatedM = mTotals[f] > 0 ? (mSums[f, l] + 1e-9) / (mTotals[f] + 4e-9) : m[f][l];
                        change = Math.Max(change, Math.Abs(updatedM - m[f][l]));
                        m[f][l] = updatedM;
                    }
                    if (estimateU)
                    {
                        var updatedU = uTotals[f] > 0 ? (uSums[f, l] + 1e-9) / (uTotals[f] + 4e-9) : u[f][l];
                        change = Math.Max(change, Math.Abs(updatedU - u[f][l]));
                        u[f][l] = updatedU;
                    }
                }
            }
            for (var f = 0; estimateM && f < fields; f++)
            {
                KeepAgreementDirection(m[f], u[f]);
            }
            var newPrior = Math.Clamp(matchMass / Math.Max(total, 1), 1e-6, 1 - 1e-6);
            change = Math.Max(change, Math.Abs(newPrior - prior));
            prior = newPrior;
            if (change < Tolerance)
            {
                return (iteration, true);
            }
        }
        return (iteration, false);
    }

    /// <summary>
    /// m priors (levels: missing, different, loose, close, exact) for when EM cannot be trusted: what agreement
    /// looks like between two records of one person, allowing typos, moves and second emails or phones.
    /// </summary>
    private static readonly double[][] s_priorM =
    [
        [0, 0.05, 0.05, 0.15, 0.75], // given name
        [0, 0.05, 0.03, 0.12, 0.80], // surname
        [0, 0.03, 0.02, 0.10, 0.85], // date of birth
        [0, 0.20, 0.10, 0.15, 0.55], // street
        [0, 0.15, 0.05, 0.05, 0.75], // city
        [0, 0.15, 0.05, 0.05, 0.75], // postcode
        [0, 0.05, 0.00, 0.00, 0.95], // state
        [0, 0.30, 0.05, 0.05, 0.60], // email
        [0, 0.40, 0.05, 0.05, 0.50], // phone
        [0, 0.02, 0.03, 0.05, 0.90], // national id
    ];

    /// <summary>Comparisons per field in which both records had a value.</summary>
    private static long[] Observed(ComparisonLevel[][] patterns, long[] counts)
    {
        var observed = new long[MatchRecord.FieldCount];
        for (var p = 0; p < patterns.Length; p++)
        {
            for (var f = 0; f < observed.Length; f++)
            {
                if (patterns[p][f] != ComparisonLevel.Missing)
                {
                    observed[f] += counts[p];
                }
            }
        }
        return observed;
    }

    /// <summary>
    /// Whether EM's match class looks like "same person": on the person fields it saw often enough, records of
    /// one person mostly agree (exact at least half the time) and rarely differ outright.
    /// </summary>
    private static bool IsPlausible(double[][] m, long[] observed)
    {
        const long Enough = 50;
        ReadOnlySpan<MatchField> personal = [MatchField.GivenName, MatchField.Surname, MatchField.DateOfBirth, MatchField.NationalId];
        foreach (var field in personal)
        {
            var f = (int)field;
            if (observed[f] >= Enough && (m[f][(int)ComparisonLevel.Exact] < 0.5 || m[f][(int)ComparisonLevel.Different] > 0.3))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Identifies the match class: agreeing exactly never counts against a match and disagreeing never for it.
    /// Without this, EM on data where some field is noisy per channel (a city typed differently by every store)
    /// can settle on a "match" class that means "different city", and link strangers.
    /// </summary>
    internal static void KeepAgreementDirection(double[] m, double[] u)
    {
        const int Different = (int)ComparisonLevel.Different;
        const int Exact = (int)ComparisonLevel.Exact;
        var changed = false;
        if (m[Different] > u[Different])
        {
            m[Different] = u[Different];
            changed = true;
        }
        if (m[Exact] < u[Exact])
        {
            m[Exact] = u[Exact];
            changed = true;
        }
        if (!changed)
        {
            return;
        }
        var total = 0.0;
        for (var l = Different; l <= Exact; l++)
        {
            total += m[l];
        }
        for (var l = Different; l <= Exact; l++)
        {
            m[l] /= total;
        }
    }

    private static double[] Normalise(int field, double[,] counts)
    {
        var result = new double[MatchModel.LevelCount];
        double total = 0;
        for (var l = (int)ComparisonLevel.Different; l < MatchModel.LevelCount; l++)
        {
            total += counts[field, l] + Smoothing;
        }
        for (var l = (int)ComparisonLevel.Different; l < MatchModel.LevelCount; l++)
        {
            result[l] = (counts[field, l] + Smoothing) / total;
        }
        return result;
    }

    private static (Dictionary<string, double>, double) TermFrequencies(IReadOnlyList<MatchRecord> records, MatchField field)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var withValue = 0;
        foreach (var record in records)
        {
            var value = field == MatchField.Surname ? record.Surname : record.GivenName;
            if (value is null)
            {
                continue;
            }
            withValue++;
            counts[value] = counts.TryGetValue(value, out var c) ? c + 1 : 1;
        }
        var frequencies = new Dictionary<string, double>(StringComparer.Ordinal);
        if (withValue == 0)
        {
            return (frequencies, 1);
        }
        var ordered = counts.ToList();
        ordered.Sort(static (x, y) => y.Value != x.Value ? y.Value.CompareTo(x.Value) : string.CompareOrdinal(x.Key, y.Key));
        for (var i = 0; i < ordered.Count && i < MaxTermFrequencies; i++)
        {
            frequencies[ordered[i].Key] = (double)ordered[i].Value / withValue;
        }
        return (frequencies, 1.0 / withValue);
    }

    /// <summary>
    /// The comparison vectors of every candidate pair an online run would meet, with their counts. Which pairs those
    /// are is found in record order (each record against the ones before it); comparing them, most of the cost, runs
    /// on all cores, a million pairs at a time. Only counts are kept, so the order pairs are compared in does not matter.
    /// </summary>
    internal static Dictionary<ulong, long> CountCandidatePatterns(IReadOnlyList<MatchRecord> records, int maxBlockSize, int maxCandidates, out long candidatePairs)
    {
        const int PairsPerRound = 1 << 20;
        var patterns = new Dictionary<ulong, long>();
        var pairs = new List<(MatchRecord A, MatchRecord B)>(PairsPerRound);
        candidatePairs = CandidateIndex.ForEachCandidatePair(records, (a, b) =>
        {
            pairs.Add((a, b));
            if (pairs.Count == PairsPerRound)
            {
                CountPatterns(pairs, patterns);
                pairs.Clear();
            }
        }, maxBlockSize, maxCandidates);
        CountPatterns(pairs, patterns);
        return patterns;
    }

    private static void CountPatterns(List<(MatchRecord A, MatchRecord B)> pairs, Dictionary<ulong, long> patterns)
    {
        Parallel.For(0, pairs.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            static () => (Comparer: new RecordComparer(), Counts: new Dictionary<ulong, long>()),
            (i, _, local) =>
            {
                Span<ComparisonLevel> levels = stackalloc ComparisonLevel[MatchRecord.FieldCount];
                local.Comparer.Compare(pairs[i].A, pairs[i].B, levels);
                var key = Pack(levels);
                local.Counts[key] = local.Counts.TryGetValue(key, out var count) ? count + 1 : 1;
                return local;
            },
            local =>
            {
                lock (patterns)
                {
                    foreach (var (key, count) in local.Counts)
                    {
                        patterns[key] = patterns.TryGetValue(key, out var total) ? total + count : count;
                    }
                }
            });
    }

    internal static ulong Pack(ReadOnlySpan<ComparisonLevel> levels)
    {
        ulong key = 0;
        for (var f = 0; f < levels.Length; f++)
        {
            key |= (ulong)levels[f] << (f * 3);
        }
        return key;
    }

    /// <summary>
    /// The vectors in the order of their packed keys: EM sums them in that order, so the model's last digits do not
    /// depend on which scoring thread counted a vector first.
    /// </summary>
    private static (ComparisonLevel[][], long[]) Unpack(Dictionary<ulong, long> patterns)
    {
        var keys = new ComparisonLevel[patterns.Count][];
        var counts = new long[patterns.Count];
        var ordered = patterns.Keys.ToArray();
        Array.Sort(ordered);
        var i = 0;
        foreach (var key in ordered)
        {
            var count = patterns[key];
            var levels = new ComparisonLevel[MatchRecord.FieldCount];
            for (var f = 0; f < levels.Length; f++)
            {
                levels[f] = (ComparisonLevel)((key >> (f * 3)) & 0b111);
            }
            keys[i] = levels;
            counts[i] = count;
            i++;
        }
        return (keys, counts);
    }
}
