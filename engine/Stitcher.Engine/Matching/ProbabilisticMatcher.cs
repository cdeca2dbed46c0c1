using System.Collections.Concurrent;
using Stitcher.Engine.Matching.Comparators;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Matching;

/// <summary>
/// Online probabilistic linking: a new record is blocked against the records seen so far, each candidate pair
/// is scored with the model, and the profiles of candidates at or above the link threshold are returned for
/// the identity graph to join. Every pair is scored once, when its later record arrives, so a batch run and an
/// online run over the same records in the same order score the same pairs and make the same links.
/// </summary>
internal sealed class ProbabilisticMatcher
{
    private readonly MatchModel _model;
    private readonly CandidateIndex _index;
    private readonly RecordComparer _comparer = new();
    private readonly List<bool> _replaced = [];
    private readonly Dictionary<string, int> _positionByKey = new(StringComparer.Ordinal);
    private readonly List<int> _candidates = [];
    private readonly ValuePool _values = new();
    private readonly TextArena _text = new();

    // Scoring workers outlive a batch, so that what their comparers remember carries over to the next one.
    private readonly ConcurrentBag<ScoringWorker> _workers = [];
    private IReadOnlyList<Prescored> _prescored = [];
    private int _prescoredNext;
    // The prescored record being linked, from PrepareForLink until it is indexed.
    private Prescored? _current;
    private readonly double _linkWeight;
    private readonly double _reviewWeight;

    public ProbabilisticMatcher(MatchModel model, int maxBlockSize, double? linkThreshold = null, double? reviewThreshold = null,
        int maxCandidates = CandidateIndex.DefaultMaxCandidates)
    {
        _model = model;
        _index = new CandidateIndex(maxBlockSize, maxCandidates, model.BlockSizes);
        LinkThreshold = linkThreshold ?? model.LinkThreshold;
        ReviewThreshold = Math.Min(reviewThreshold ?? model.ReviewThreshold, LinkThreshold);
        // Compare weights, not probabilities: no exponent per pair.
        _linkWeight = Math.Log2(LinkThreshold / (1 - Math.Min(LinkThreshold, 1 - 1e-12)));
        _reviewWeight = Math.Log2(Math.Max(ReviewThreshold, 1e-12) / (1 - Math.Min(ReviewThreshold, 1 - 1e-12)));
        // Built now, so that scoring threads only read them.
        _ = model.Shared;
        _ = model.Weight(MatchField.GivenName, ComparisonLevel.Exact);
    }

    /// <summary>The matcher's view of a record under this model (shared identifier values removed).</summary>
    public MatchRecord Prepare(string key, string?[] normalized) => MatchRecord.From(key, normalized, _model.Shared);

    public double LinkThreshold { get; }
    public double ReviewThreshold { get; }
    public long PairsScored { get; private set; }
    public long PairsLinked { get; private set; }
    public long PairsForReview { get; private set; }
    public int OversizedBlocks => _index.OversizedBlocks;
    public long BlocksOverBudget => _index.BlocksOverBudget;

    /// <summary>Whether blocks are chosen by the model's estimated sizes (order-free) or by their sizes on arrival.</summary>
    public bool BlocksByEstimates => _index.UsesEstimates;

    /// <summary>What the model's block sizes are multiplied by, above 1 once the index outgrew the data they describe.</summary>
    public int BlockGrowth => _index.Growth;
    public int Count => _positionByKey.Count;

    /// <summary>Whether a record is indexed under <paramref name="recordKey"/>.</summary>
    public bool Contains(string recordKey) => _positionByKey.ContainsKey(recordKey);

    /// <summary>Pairs in the review band found since the identity graph last flushed them to the store.</summary>
    public List<ReviewPair> PendingReviews { get; } = [];

    private static string Describe(ReadOnlySpan<ComparisonLevel> levels)
    {
        Span<char> text = stackalloc char[MatchRecord.FieldCount];
        for (var f = 0; f < levels.Length; f++)
        {
            text[f] = (char)('0' + (int)levels[f]);
        }
        return new string(text);
    }

    /// <summary>
    /// Scores, on all cores, each of <paramref name="records"/> against the records indexed so far, ahead of linking
    /// them one by one. Scoring a pair is pure, so <see cref="FindMatches"/> then reuses these scores and compares
    /// only with the records indexed since (earlier records of the same batch, and of a batch linked meanwhile): the
    /// outcome is exactly that of scoring one record at a time. Records may be indexed while this runs (the previous
    /// batch being linked): only the records indexed when it started are compared.
    /// </summary>
    public PrescoredBatch Prescore(IReadOnlyList<(string Key, string?[] Normalized)> records)
    {
        if (records.Count == 0)
        {
            return new PrescoredBatch([]);
        }
        var indexed = _index.Count;
        var results = new Prescored[records.Count];
        // One buffer for the whole batch's blocking keys, a fixed slice per record.
        var keyBuffer = new ulong[records.Count * Blocking.MaxKeys];
        Parallel.For(0, records.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            () => _workers.TryTake(out var worker) ? worker : new ScoringWorker(),
            (i, _, worker) =>
            {
                var (key, normalized) = records[i];
                var record = Prepare(key, normalized);
                var slice = keyBuffer.AsMemory(i * Blocking.MaxKeys, Blocking.MaxKeys);
                var keys = slice[..Blocking.Keys(record, slice.Span)];
                _index.Candidates(keys.Span, worker.Candidates, countSkipped: false);
                var positions = IndexedBefore(worker.Candidates, indexed);
                var keyHash = record.KeyHash;
                List<(int Position, double Weight, ulong Levels)>? hits = null;
                Span<ComparisonLevel> levels = stackalloc ComparisonLevel[MatchRecord.FieldCount];
                for (var p = 0; p < positions.Length; p++)
                {
                    // Candidates lie anywhere in a heap of a million records: the ones a few steps ahead are asked
                    // for from memory while this one is compared.
                    _index.PrefetchAhead(positions, p);
                    var position = positions[p];
                    var candidate = _index[position];
                    if (candidate.HasKey(key, keyHash))
                    {
                        continue;
                    }
                    var weight = ScorePair(worker.Comparer, candidate, record, levels);
                    if (weight >= _reviewWeight)
                    {
                        (hits ??= []).Add((position, weight, Pack(levels)));
                    }
                }
                results[i] = new Prescored(record, normalized, keys, indexed, positions, hits);
                return worker;
            },
            _workers.Add);
        return new PrescoredBatch(results);
    }

    /// <summary>
    /// The candidates among the first <paramref name="indexed"/> records, sorted for <see cref="FindMatches"/>'s search.
    /// A block read while records are added and removed can come out unsorted or with a position twice.
    /// </summary>
    private static int[] IndexedBefore(List<int> candidates, int indexed)
    {
        var count = 0;
        foreach (var position in candidates)
        {
            count += (uint)position < (uint)indexed ? 1 : 0;
        }
        var positions = new int[count];
        var sorted = true;
        var at = 0;
        foreach (var position in candidates)
        {
            if ((uint)position < (uint)indexed)
            {
                sorted &= at == 0 || positions[at - 1] <= position;
                positions[at++] = position;
            }
        }
        if (!sorted)
        {
            Array.Sort(positions);
        }
        return positions;
    }

    /// <summary>The records about to be linked were prescored as <paramref name="batch"/> (null: they were not).</summary>
    public void UsePrescored(PrescoredBatch? batch)
    {
        _prescored = batch?.Records ?? [];
        _prescoredNext = 0;
        _current = null;
    }

    /// <summary>
    /// The matcher's view of the record about to be linked: the one <see cref="Prescore"/> prepared when the record
    /// is the next one it scored, otherwise a new one.
    /// </summary>
    public MatchRecord PrepareForLink(string key, string?[] normalized)
    {
        _current = null;
        // Records are linked in the order they were scored; one skipped as unchanged leaves its entry behind. An
        // entry is this record only if it was prepared from these very values (a batch may hold two versions of it).
        for (var i = _prescoredNext; i < _prescored.Count; i++)
        {
            if (ReferenceEquals(_prescored[i].Normalized, normalized) && _prescored[i].Record.Key == key)
            {
                _prescoredNext = i + 1;
                _current = _prescored[i];
                return _current.Record;
            }
        }
        return Prepare(key, normalized);
    }

    /// <summary>What prescoring found for <paramref name="record"/>, when it is the one being linked; null otherwise.</summary>
    private Prescored? PrescoredFor(MatchRecord record) => _current is not null && ReferenceEquals(_current.Record, record) ? _current : null;

    /// <summary>Forgets prescored records that will not be linked (the batch failed).</summary>
    public void DiscardPrescored() => UsePrescored(null);

    /// <summary>
    /// Adds what the model found for <paramref name="record"/>: links (kind probabilistic) to the profiles, possibly
    /// since retired, of records it matches; pairs in the review band; and links refused by the person-conflict guard.
    /// </summary>
    public void FindMatches(MatchRecord record, List<MatchEvidence> matches)
    {
        var prescored = PrescoredFor(record);
        if (prescored is not null)
        {
            _index.Candidates(prescored.Keys.Span, _candidates);
        }
        else
        {
            _index.Candidates(record, _candidates);
        }
        Span<ComparisonLevel> levels = stackalloc ComparisonLevel[MatchRecord.FieldCount];
        foreach (var position in _candidates)
        {
            if (_replaced[position])
            {
                continue;
            }
            MatchRecord candidate;
            double weight;
            if (prescored is not null && position < prescored.Indexed && prescored.Positions.AsSpan().BinarySearch(position) >= 0)
            {
                // Scored already, and most candidates scored too low: they are counted without being read at all
                // (at a million records each read is a cache miss). The record itself is never among them: its
                // earlier version was replaced before linking, and scoring skipped it.
                PairsScored++;
                if (!prescored.TryGetHit(position, out weight, levels))
                {
                    continue;
                }
                candidate = _index[position];
            }
            else
            {
                candidate = _index[position];
                if (candidate.HasKey(record.Key, record.KeyHash))
                {
                    continue;
                }
                PairsScored++;
                weight = ScorePair(_comparer, candidate, record, levels);
                if (weight < _reviewWeight)
                {
                    continue;
                }
            }
            var probability = MatchModel.Probability(weight);
            var described = Describe(levels);
            if (weight >= _linkWeight && !IsPersonConflict(levels) && HasPersonalEvidence(levels))
            {
                PairsLinked++;
                matches.Add(new MatchEvidence(StoredEvidence.Probabilistic, candidate.Key, probability, described, "probabilistic match"));
                continue;
            }
            PairsForReview++;
            var conflict = weight >= _linkWeight;
            matches.Add(new MatchEvidence(conflict ? StoredEvidence.Refused : StoredEvidence.Review, candidate.Key, probability, described,
                conflict ? "linked by the model, but names differ or nothing personal agrees (household, twins, neighbours)" : "in the review band"));
            // By key, not by arrival: the queue holds the same pairs, under the same keys, in any order.
            PendingReviews.Add(string.CompareOrdinal(candidate.Key, record.Key) <= 0
                ? new ReviewPair(candidate.Key, record.Key, probability, described)
                : new ReviewPair(record.Key, candidate.Key, probability, described));
        }
    }

    /// <summary>
    /// The pair's weight, its levels in <paramref name="levels"/>; or negative infinity as soon as the fields compared
    /// so far leave it below the review band even if the rest (the street, then the email) turned out at their best:
    /// those are then not compared. At 300k records this skips 99% of 3.0M email comparisons and 5% of 1.5M street
    /// comparisons. A pair that can reach the band gets exactly the weight scoring every field gives.
    /// </summary>
    private double ScorePair(RecordComparer comparer, MatchRecord candidate, MatchRecord record, Span<ComparisonLevel> levels)
    {
        var open = comparer.CompareCheap(candidate, record, levels);
        // The names are compared by now, so their term-frequency adjustments are known: taken once for every bound.
        var names = _model.NameAdjustments(levels, candidate, record);
        while (open != 0)
        {
            // The bound adds the same terms in the same order as the score, the open ones no smaller: floating-point
            // addition never decreases when a term grows, so it is never below the score, and no pair that reaches
            // the band is dropped.
            if (_model.Score(levels, open, names) < _reviewWeight)
            {
                return double.NegativeInfinity;
            }
            // The street first: most streets that share a token are still different, and a different street leaves
            // little for the email to rescue.
            var next = open & -open;
            RecordComparer.CompareCostly(candidate, record, levels, next);
            open &= ~next;
        }
        return _model.Score(levels, open: 0, names);
    }

    private static ulong Pack(ReadOnlySpan<ComparisonLevel> levels)
    {
        ulong packed = 0;
        for (var f = 0; f < levels.Length; f++)
        {
            packed |= (ulong)levels[f] << (f * 4);
        }
        return packed;
    }

    private static void Unpack(ulong packed, Span<ComparisonLevel> levels)
    {
        for (var f = 0; f < levels.Length; f++)
        {
            levels[f] = (ComparisonLevel)((packed >> (f * 4)) & 0xF);
        }
    }

    /// <summary>One worker's reusable state while prescoring.</summary>
    private sealed class ScoringWorker
    {
        public RecordComparer Comparer { get; } = new();
        public List<int> Candidates { get; } = [];
    }

    /// <summary>A batch of records scored ahead of linking, in the order they will be linked.</summary>
    internal sealed class PrescoredBatch(IReadOnlyList<Prescored> records)
    {
        public IReadOnlyList<Prescored> Records { get; } = records;
    }

    /// <summary>
    /// A record scored ahead of linking: the candidates it had among the first <see cref="Indexed"/> records (sorted),
    /// and those that reached the review band, with their weight and levels.
    /// </summary>
    internal sealed class Prescored(MatchRecord record, string?[] normalized, ReadOnlyMemory<ulong> keys, int indexed, int[] positions,
        List<(int Position, double Weight, ulong Levels)>? hits)
    {
        public MatchRecord Record { get; } = record;

        /// <summary>The record's blocking keys, computed once for scoring, linking and indexing.</summary>
        public ReadOnlyMemory<ulong> Keys { get; } = keys;

        /// <summary>The values it was prepared from: the same key can come twice in a batch, in two versions.</summary>
        public string?[] Normalized { get; } = normalized;
        public int Indexed { get; } = indexed;
        public int[] Positions { get; } = positions;

        public bool TryGetHit(int position, out double weight, Span<ComparisonLevel> levels)
        {
            if (hits is not null)
            {
                foreach (var hit in hits)
                {
                    if (hit.Position == position)
                    {
                        weight = hit.Weight;
                        Unpack(hit.Levels, levels);
                        return true;
                    }
                }
            }
            weight = 0;
            return false;
        }
    }

    /// <summary>
    /// Two people who share everything a household shares (surname, address, landline, even a birth date for
    /// twins) but whose given names clearly differ are not one person, however strong the shared fields make the
    /// score, when nothing personal can tell them apart: no national id on both sides for the model to weigh, and
    /// no exact email. Such pairs go to review instead of being linked. Where both carry a national id the
    /// model's weights decide, since a differing id already counts heavily against the pair.
    /// </summary>
    internal static bool IsPersonConflict(ReadOnlySpan<ComparisonLevel> levels)
    {
        var personalIdentifierAgrees = levels[(int)MatchField.Email] == ComparisonLevel.Exact
            || levels[(int)MatchField.NationalId] >= ComparisonLevel.Close;
        if (personalIdentifierAgrees)
        {
            return false;
        }
        return levels[(int)MatchField.GivenName] == ComparisonLevel.Different && levels[(int)MatchField.NationalId] == ComparisonLevel.Missing;
    }

    /// <summary>The record was deleted: it is never a candidate again.</summary>
    public void Remove(string recordKey)
    {
        if (_positionByKey.Remove(recordKey, out var position))
        {
            _replaced[position] = true;
            _index.Remove(position);
        }
    }

    /// <summary>
    /// A link needs agreement on something that identifies a person, not just a place: the same email or phone, the
    /// national id up to a typo, or names and birth date that agree (a name with the birth date), both names with
    /// something else that places the person (a date, a street, a postcode, a contact), or the given name at the
    /// very same street address (a surname change after marriage).
    /// An address, a postcode or a city alone never links two records, whatever weight the model gives them:
    /// on multi-channel data without labels, EM can learn that "same neighbourhood" looks like "same person".
    /// Nor do names alone: at a million records a common name (권건우, "Gunwoo Kwon") belongs to a hundred people,
    /// and name-only records (a till receipt with a name) chained them into one profile.
    /// </summary>
    internal static bool HasPersonalEvidence(ReadOnlySpan<ComparisonLevel> levels)
    {
        var given = levels[(int)MatchField.GivenName];
        var surname = levels[(int)MatchField.Surname];
        var birth = levels[(int)MatchField.DateOfBirth];
        return levels[(int)MatchField.Email] == ComparisonLevel.Exact
            || levels[(int)MatchField.Phone] == ComparisonLevel.Exact
            || levels[(int)MatchField.NationalId] >= ComparisonLevel.Close
            || (given >= ComparisonLevel.Close && surname >= ComparisonLevel.Close && PlacesThePerson(levels))
            || (surname >= ComparisonLevel.Close && birth >= ComparisonLevel.Close)
            || (given >= ComparisonLevel.Close && birth == ComparisonLevel.Exact)
            || (given >= ComparisonLevel.Close && levels[(int)MatchField.Street] == ComparisonLevel.Exact)
            || (birth == ComparisonLevel.Exact && (given >= ComparisonLevel.Loose || surname >= ComparisonLevel.Loose))
            || (levels[(int)MatchField.NationalId] == ComparisonLevel.Loose && birth >= ComparisonLevel.Close);
    }

    /// <summary>
    /// Agreement beyond the names: a birth date at least loosely, the street up to a typo (its numbers agreeing), a
    /// postcode up to a typo, the mailbox of an email, or a phone up to a typo. Not a city: 서울특별시 alone holds a
    /// hundred people of each common Korean name; nor neighbours on one road; nor emails that merely look alike, since
    /// namesakes' addresses are made of their names (choi.gunwoo147797@ and choi.gunwoo289414@).
    /// </summary>
    private static bool PlacesThePerson(ReadOnlySpan<ComparisonLevel> levels) =>
        levels[(int)MatchField.DateOfBirth] >= ComparisonLevel.Loose
        || levels[(int)MatchField.Street] >= ComparisonLevel.Close
        || levels[(int)MatchField.Postcode] >= ComparisonLevel.Close
        || levels[(int)MatchField.Email] >= ComparisonLevel.Close
        || levels[(int)MatchField.Phone] >= ComparisonLevel.Loose;

    /// <summary>Indexes a record; a new version replaces the old one.</summary>
    public void Add(MatchRecord record)
    {
        record.ShareValues(_values, _text);
        if (_positionByKey.TryGetValue(record.Key, out var previous))
        {
            _replaced[previous] = true;
            _index.Remove(previous);
        }
        var position = PrescoredFor(record) is { } prescored ? _index.Add(record, prescored.Keys.Span) : _index.Add(record);
        _current = null;
        _replaced.Add(false);
        _positionByKey[record.Key] = position;
    }
}

/// <summary>What the model concluded about a new record and one candidate.</summary>
/// <remarks>
/// The other record's profile is not kept by the matcher: the identity graph reads it from the stored record when a
/// match is found (about once per record). A profile id per indexed record, mostly each its own copy deserialized
/// with its profile, grew with the store.
/// </remarks>
internal readonly record struct MatchEvidence(string Kind, string OtherRecord, double Probability, string Levels, string Reason);

/// <summary>
/// A pair the model could not decide: its match probability lies between the review and link thresholds, or it
/// scored above the link threshold but conflicts (see <see cref="ProbabilisticMatcher.IsPersonConflict"/>).
/// </summary>
/// <param name="RecordA">Store key of the record with the smaller key (<c>R|channel|id</c>).</param>
/// <param name="RecordB">Store key of the other record.</param>
/// <param name="Probability">Match probability from the model.</param>
/// <param name="Levels">Comparison level per <see cref="MatchField"/>, one digit each (0 missing … 4 exact).</param>
[MessagePack.MessagePackObject]
public sealed record ReviewPair(
    [property: MessagePack.Key(0)] string RecordA,
    [property: MessagePack.Key(1)] string RecordB,
    [property: MessagePack.Key(2)] double Probability,
    [property: MessagePack.Key(3)] string Levels);
