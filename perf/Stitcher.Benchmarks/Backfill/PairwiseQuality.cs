namespace Stitcher.Benchmarks.Backfill;

/// <summary>Pairwise clustering scores: of all record pairs put in one profile, and of all pairs of one person.</summary>
/// <param name="Records">Records scored.</param>
/// <param name="Unstitched">Records the store does not hold (rejected); each counts as a profile of its own.</param>
/// <param name="Profiles">Distinct profiles the scored records landed in.</param>
/// <param name="Persons">Distinct people the scored records belong to.</param>
/// <param name="LargestProfile">Records in the biggest profile.</param>
/// <param name="PredictedPairs">Record pairs sharing a profile.</param>
/// <param name="TruePairs">Record pairs sharing a person.</param>
/// <param name="TruePositivePairs">Record pairs sharing both.</param>
internal sealed record PairwiseScores(
    long Records,
    long Unstitched,
    long Profiles,
    long Persons,
    long LargestProfile,
    long PredictedPairs,
    long TruePairs,
    long TruePositivePairs)
{
    /// <summary>1 when nothing was merged: no pair was claimed, so none was wrong.</summary>
    public double Precision => PredictedPairs == 0 ? 1 : (double)TruePositivePairs / PredictedPairs;

    public double Recall => TruePairs == 0 ? 1 : (double)TruePositivePairs / TruePairs;

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}

/// <summary>
/// Accumulates (profile, person) assignments one record at a time and scores them without enumerating pairs:
/// a group of n records holds n(n−1)/2 pairs, so true positives are summed over the (profile, person) cells,
/// predicted pairs over profiles and true pairs over people.
/// </summary>
internal sealed class PairwiseQuality
{
    private readonly Dictionary<string, int> _profileIndex = new(StringComparer.Ordinal);
    private readonly List<long> _profileSizes = [];
    private readonly Dictionary<(int Profile, int Person), long> _cells = [];
    private readonly long[] _personSizes;
    private long _records;
    private long _unstitched;

    /// <param name="persons">People in the population; person numbers run from 0 to this, exclusive.</param>
    public PairwiseQuality(int persons) => _personSizes = new long[persons];

    /// <summary>Counts one record of <paramref name="person"/> that landed in <paramref name="profileId"/> (null: not in the store).</summary>
    public void Add(string? profileId, int person)
    {
        _records++;
        _personSizes[person]++;
        if (profileId is null)
        {
            _unstitched++;
            return;
        }
        if (!_profileIndex.TryGetValue(profileId, out var profile))
        {
            profile = _profileSizes.Count;
            _profileIndex.Add(profileId, profile);
            _profileSizes.Add(0);
        }
        _profileSizes[profile]++;
        var key = (profile, person);
        _cells[key] = _cells.GetValueOrDefault(key) + 1;
    }

    public PairwiseScores Score()
    {
        long predicted = 0;
        long largest = _unstitched > 0 ? 1 : 0;
        foreach (var size in _profileSizes)
        {
            predicted += Pairs(size);
            largest = Math.Max(largest, size);
        }
        long truePairs = 0;
        long persons = 0;
        foreach (var size in _personSizes)
        {
            truePairs += Pairs(size);
            persons += size > 0 ? 1 : 0;
        }
        long truePositives = 0;
        foreach (var count in _cells.Values)
        {
            truePositives += Pairs(count);
        }
        return new PairwiseScores(_records, _unstitched, _profileSizes.Count, persons, largest, predicted, truePairs, truePositives);
    }

    private static long Pairs(long n) => n * (n - 1) / 2;
}
