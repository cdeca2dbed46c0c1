using System.Text.Json;
using System.Text.Json.Serialization;
using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Matching;

/// <summary>
/// A Fellegi–Sunter model: per field, the probability of each comparison level among matches (m) and among
/// non-matches (u); the share of candidate pairs that match (the prior); and term frequencies that make a match
/// on a rare name count for more than one on a common name. Saved as readable JSON.
/// </summary>
public sealed class MatchModel
{
    public const int LevelCount = (int)ComparisonLevel.Exact + 1;
    private const double MinProbability = 1e-6;
    private const double MaxTermFrequencyAdjustment = 6;

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private double[]? _weights;
    private double[] _bestWeights = [];
    private SharedValues? _shared;
    private FieldParameters[] _byField = [];
    private double _priorLogOdds;

    public int Version { get; set; } = 1;

    /// <summary>Share of candidate pairs (pairs that share a blocking key) that are the same person.</summary>
    public double Prior { get; set; }

    /// <summary>Pairs at or above this match probability are linked automatically.</summary>
    public double LinkThreshold { get; set; } = 0.95;

    /// <summary>Pairs between this and <see cref="LinkThreshold"/> go to the review queue.</summary>
    public double ReviewThreshold { get; set; } = 0.5;

    public int TrainingRecords { get; set; }
    public long CandidatePairs { get; set; }
    public long RandomPairs { get; set; }
    public int EmIterations { get; set; }

    /// <summary>Whether the last EM run settled before its iteration cap (with <see cref="EmFallback"/>, the run that fitted u and the prior).</summary>
    public bool EmConverged { get; set; }

    /// <summary>True when EM's answer did not look like "same person" and documented m priors were used instead.</summary>
    public bool EmFallback { get; set; }

    /// <summary>Identifier values many people share (placeholders, household landlines), by field: never evidence.</summary>
    public Dictionary<string, List<string>>? SharedValues { get; set; }

    /// <summary>
    /// Expected records per common blocking key, from training; the candidate budget spends them (see
    /// <see cref="CandidateIndex"/>). A model without them (trained before they existed) blocks by arrival order.
    /// </summary>
    public BlockSizeEstimates? BlockSizes { get; set; }

    /// <summary>The shared values as a lookup.</summary>
    [JsonIgnore]
    public SharedValues Shared => _shared ??= Matching.SharedValues.FromDictionary(SharedValues);

    /// <summary>Per field, by <see cref="MatchField"/> name.</summary>
    public Dictionary<string, FieldParameters> Fields { get; set; } = [];

    /// <summary>
    /// Weight in bits of <paramref name="level"/> on <paramref name="field"/>: log2(m/u), capped by the weight of the
    /// next stronger level (loose ≤ close ≤ exact); 0 when missing.
    /// </summary>
    public double Weight(MatchField field, ComparisonLevel level) => Weights()[((int)field * LevelCount) + (int)level];

    /// <summary>Total match weight of a comparison vector, with term-frequency adjustments for exact name matches.</summary>
    internal double Score(ReadOnlySpan<ComparisonLevel> levels, MatchRecord a, MatchRecord b) => Score(levels, open: 0, NameAdjustments(levels, a, b));

    /// <summary>
    /// The term-frequency adjustments a pair's score adds for its exact surname and exact given name (0 for a name that
    /// is not exact), taken once per pair. Names can agree exactly in two spellings (민준 and Minjun) whose frequencies
    /// differ: the more common one counts, so that a pair scores the same whichever of its records came later.
    /// </summary>
    internal (double Surname, double GivenName) NameAdjustments(ReadOnlySpan<ComparisonLevel> levels, MatchRecord a, MatchRecord b) =>
        (levels[(int)MatchField.Surname] == ComparisonLevel.Exact ? PairAdjustment(MatchField.Surname, a.Surname, b.Surname) : 0,
            levels[(int)MatchField.GivenName] == ComparisonLevel.Exact ? PairAdjustment(MatchField.GivenName, a.GivenName, b.GivenName) : 0);

    private double PairAdjustment(MatchField field, string? a, string? b)
    {
        var left = TermFrequencyAdjustment(field, a);
        return string.Equals(a, b, StringComparison.Ordinal) ? left : Math.Min(left, TermFrequencyAdjustment(field, b));
    }

    /// <summary>
    /// The score with <paramref name="names"/> (<see cref="NameAdjustments"/> of these levels) and the fields in
    /// <paramref name="open"/> (bits by <see cref="MatchField"/>, their levels not yet known) at their best weight: the
    /// most the pair can score once they are compared. With none open it is the score itself, summed in the same order.
    /// </summary>
    internal double Score(ReadOnlySpan<ComparisonLevel> levels, int open, (double Surname, double GivenName) names)
    {
        var weights = Weights();
        var total = _priorLogOdds;
        for (var f = 0; f < levels.Length; f++)
        {
            total += ((open >> f) & 1) != 0 ? _bestWeights[f] : weights[(f * LevelCount) + (int)levels[f]];
        }
        // Adding 0 for a name that is not exact changes nothing: the same sum as adding only the exact ones.
        total += names.Surname;
        total += names.GivenName;
        return total;
    }

    /// <summary>Match probability from a total weight (which already includes the prior).</summary>
    public static double Probability(double weight) => 1 / (1 + Math.Pow(2, -weight));

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, s_json));
        File.Move(temp, path, overwrite: true);
    }

    public static MatchModel Load(string path)
    {
        var model = JsonSerializer.Deserialize<MatchModel>(File.ReadAllText(path), s_json)
            ?? throw new InvalidDataException($"Model file '{path}' is empty.");
        model.Validate(path);
        return model;
    }

    private void Validate(string path)
    {
        foreach (var name in Enum.GetNames<MatchField>())
        {
            if (!Fields.TryGetValue(name, out var field) || field.M.Length != LevelCount || field.U.Length != LevelCount)
            {
                throw new InvalidDataException($"Model file '{path}': field '{name}' needs m and u for {LevelCount} levels.");
            }
        }
        if (Prior is <= 0 or >= 1)
        {
            throw new InvalidDataException($"Model file '{path}': prior must be between 0 and 1.");
        }
        BlockSizes?.Validate(path);
    }

    private double TermFrequencyAdjustment(MatchField field, string? value)
    {
        var parameters = _byField[(int)field];
        if (value is null || parameters.TermFrequencies is null || parameters.RandomExactU <= 0)
        {
            return 0;
        }
        // Two random records agree on this value with a probability that follows its frequency, not the field's
        // average agreement (which is what the exact level's weight assumes): rare names count for more.
        var frequency = parameters.TermFrequencies.TryGetValue(value, out var known) ? known : parameters.MinTermFrequency;
        var adjustment = Math.Log2(parameters.RandomExactU / Math.Max(frequency, MinProbability));
        return Math.Clamp(adjustment, -MaxTermFrequencyAdjustment, MaxTermFrequencyAdjustment);
    }

    private double[] Weights()
    {
        if (_weights is not null)
        {
            return _weights;
        }
        var weights = new double[MatchRecord.FieldCount * LevelCount];
        var byField = new FieldParameters[MatchRecord.FieldCount];
        for (var f = 0; f < MatchRecord.FieldCount; f++)
        {
            var parameters = Fields[((MatchField)f).ToString()];
            byField[f] = parameters;
            for (var l = (int)ComparisonLevel.Different; l < LevelCount; l++)
            {
                weights[(f * LevelCount) + l] = Math.Log2(Math.Max(parameters.M[l], MinProbability) / Math.Max(parameters.U[l], MinProbability));
            }
            // A weaker agreement never counts for more than a stronger one. A level that no candidate pair reached
            // (a city typed nearly right) has m and u both near zero, and their ratio is noise: trained on 1M
            // multi-channel records, "close city" came out at 15.6 bits against 0.6 for the same city.
            for (var l = (int)ComparisonLevel.Close; l > (int)ComparisonLevel.Different; l--)
            {
                var i = (f * LevelCount) + l;
                weights[i] = Math.Min(weights[i], weights[i + 1]);
            }
        }
        _priorLogOdds = Math.Log2(Prior / (1 - Prior));
        _byField = byField;
        var best = new double[MatchRecord.FieldCount];
        for (var f = 0; f < best.Length; f++)
        {
            best[f] = weights[f * LevelCount];
            for (var l = 1; l < LevelCount; l++)
            {
                best[f] = Math.Max(best[f], weights[(f * LevelCount) + l]);
            }
        }
        _bestWeights = best;
        _weights = weights;
        return weights;
    }
}

/// <summary>m and u per comparison level (indexed by <see cref="ComparisonLevel"/>; index 0, missing, is unused).</summary>
public sealed class FieldParameters
{
    public double[] M { get; set; } = new double[MatchModel.LevelCount];
    public double[] U { get; set; } = new double[MatchModel.LevelCount];

    /// <summary>How often two random records agree exactly on this field: the baseline of term-frequency adjustments.</summary>
    public double RandomExactU { get; set; }

    /// <summary>Share of records with each value, for the most frequent values (names only).</summary>
    public Dictionary<string, double>? TermFrequencies { get; set; }

    /// <summary>Frequency assumed for a value not in <see cref="TermFrequencies"/>.</summary>
    public double MinTermFrequency { get; set; }
}
