using Stitcher.Engine.Matching;
using Stitcher.Engine.Matching.Comparators;
using Stitcher.Engine.Resolution;
using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Profiles;

/// <summary>One deterministic identifier rule, compiled from configuration.</summary>
internal sealed record IdentifierRule(string Name, CanonicalAttribute Attribute, bool WithinChannel, HashSet<string> IgnoreValues, int MaxPeople = 2, int MaxRecords = 0);

/// <summary>What happened to the profiles while a batch was linked.</summary>
internal sealed class LinkOutcome
{
    public HashSet<string> ChangedProfiles { get; } = new(StringComparer.Ordinal);
    public HashSet<string> RetiredProfiles { get; } = new(StringComparer.Ordinal);
    public int ProfilesCreated { get; set; }
    public int ProfilesMerged { get; set; }
    public int RecordsLinked { get; set; }
    public int RecordsUnchanged { get; set; }

    /// <summary>Identifier values that stopped linking (too many people or too many records share them).</summary>
    public int IdentifiersDisabled => DisabledIdentifiers.Count;

    /// <summary>Each value that stopped linking: its rule and why (never the value, which is personal data).</summary>
    public List<(string Rule, string Why)> DisabledIdentifiers { get; } = [];

    public void Disabled(string rule, string why) => DisabledIdentifiers.Add((rule, why));

    public void Clear()
    {
        ChangedProfiles.Clear();
        RetiredProfiles.Clear();
        ProfilesCreated = 0;
        ProfilesMerged = 0;
        RecordsLinked = 0;
        RecordsUnchanged = 0;
        DisabledIdentifiers.Clear();
    }
}

/// <summary>
/// Links records into golden profiles through shared identifiers, transitively: the identifier index maps
/// each (rule, value) to a profile; when a record's identifiers point at several profiles they merge into the one
/// with the smallest id and the others become aliases of it. Profiles touched in a batch are cached and written once.
/// </summary>
internal sealed partial class IdentityGraph
{
    private readonly KeyValueStore _store;
    private readonly IReadOnlyList<IdentifierRule> _rules;
    private readonly Dictionary<string, StoredProfile> _dirtyProfiles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredIdentifier> _identifierCache = new(StringComparer.Ordinal);
    // Profiles read from the store while one record is linked: finding that a candidate's profile exists and then
    // loading it is one read (from disk, once the log outgrows memory), not two. Emptied when the record is linked.
    private readonly Dictionary<string, StoredProfile> _readForLink = new(StringComparer.Ordinal);
    private readonly NameComparator _names = new();
    // Distinct people kept per identifier value until it is disabled: more than enough to find MaxPeople clearly
    // different ones among them (a value this many sketches share is a placeholder or a shop's phone).
    private const int MaxSketchesPerIdentifier = 32;
    private readonly List<string> _candidateIds = new(8);
    private readonly HashSet<string> _resplit = new(StringComparer.Ordinal);
    private const double IdentifierStrength = 2;
    private readonly List<MatchEvidence> _matches = new(8);
    private readonly List<(string Key, StoredIdentifier Entry, IdentifierRule Rule)> _recordIdentifiers = new(8);
    private readonly ProbabilisticMatcher? _matcher;
    private readonly Survivorship _survivorship;
    private readonly HashSet<string> _created = new(StringComparer.Ordinal);
    private readonly List<(ChangeEventType Type, string ProfileId, string? Related)> _lifecycle = [];
    private readonly IReadOnlyDictionary<string, int> _channelPriorities;
    private StoredCounters _counters;
    private readonly StoreWriteBatch _writes = new();
    // This flush's change events, oldest first.
    private readonly List<ChangeEvent> _changes = [];
    // Whether every stored record is in the matcher's index, so that a key it does not know is a new record and its
    // store read (a miss: 0.7 s per million records on the linking thread) can be skipped. True from the start: the
    // engine indexes the stored records before linking any, and a record is indexed in the same Link that writes it,
    // and leaves the index only when it leaves the store or is about to be written again. A failure half way through
    // a link or a delete can break that, so Discard turns it off for good.
    private bool _matcherHoldsStoredRecords = true;

    /// <summary>A graph over <paramref name="store"/>; <paramref name="matcher"/>, if any, must already index every record stored there.</summary>
    /// <param name="store">The store the graph lives in.</param>
    /// <param name="rules">The identifier rules.</param>
    /// <param name="matcher">The probabilistic matcher; null without a model.</param>
    /// <param name="survivorship">How golden values are picked.</param>
    /// <param name="channelPriorities">Survivorship priority per channel.</param>
    /// <param name="maxProfileBytes">The largest profile document, estimated (<c>MaxProfileBytes</c>): links past it are refused.</param>
    public IdentityGraph(KeyValueStore store, IReadOnlyList<IdentifierRule> rules, ProbabilisticMatcher? matcher = null, Survivorship? survivorship = null,
        IReadOnlyDictionary<string, int>? channelPriorities = null, long maxProfileBytes = long.MaxValue)
    {
        _maxProfileBytes = maxProfileBytes;
        _resolver = new ClusterResolver(maxProfileBytes);
        _channelPriorities = channelPriorities ?? new Dictionary<string, int>();
        _survivorship = survivorship ?? Survivorship.Default;
        _store = store;
        _rules = rules;
        _matcher = matcher;
        _counters = store.TryRead<StoredCounters>(StoreKeys.Counters, out var counters) ? counters : new StoredCounters();
        LoadDecided();
    }

    public long TotalRecords => _counters.Records;

    public long TotalProfiles => _counters.Profiles;

    /// <summary>The last change event's sequence number, as flushed (nothing is unflushed between batches).</summary>
    public long ChangeSequence => _counters.ChangeSequence;

    /// <summary>
    /// Scores <paramref name="records"/> against the stored records on all cores before they are linked, in this
    /// order, by <see cref="Link"/> after <see cref="UsePrematch"/>: the costly part of probabilistic matching runs in
    /// parallel, the links it leads to stay sequential and the same as without it. It may run while the previous
    /// batch is being linked; nothing else may change the graph meanwhile.
    /// </summary>
    public ProbabilisticMatcher.PrescoredBatch? Prematch(IReadOnlyList<StoredRecord> records)
    {
        if (_matcher is null)
        {
            return null;
        }
        var keyed = new (string Key, string?[] Normalized)[records.Count];
        for (var i = 0; i < keyed.Length; i++)
        {
            keyed[i] = (StoreKeys.Record(records[i].Channel, records[i].RecordId), records[i].Normalized);
        }
        return _matcher.Prescore(keyed);
    }

    /// <summary>The records <see cref="Link"/> gets next were prematched as <paramref name="prematched"/>.</summary>
    public void UsePrematch(ProbabilisticMatcher.PrescoredBatch? prematched) => _matcher?.UsePrescored(prematched);

    /// <summary>
    /// Adds or replaces one normalized record and links it. A record re-sent unchanged is skipped, so reading
    /// the same rows twice (after a crash between checkpoint and progress) changes nothing; so is an older version
    /// than the one stored (<see cref="RecordVersion"/>), so that versions give the same result in any order.
    /// </summary>
    public void Link(StoredRecord record, int channelPriority, LinkOutcome outcome)
    {
        _readForLink.Clear();
        var recordKey = StoreKeys.Record(record.Channel, record.RecordId);
        string? replacedProfile = null;
        StoredRecord? replaced = null;
        if (MayBeStored(recordKey) && _store.TryRead<StoredRecord>(recordKey, out var previous))
        {
            replaced = previous;
            if (RecordVersion.Compare(previous, record) >= 0)
            {
                // The same version again, or an older one arriving late: the stored one stands, whatever the order.
                outcome.RecordsUnchanged++;
                return;
            }
            // A new version replaces the old one: the old version leaves its profile, and that profile is resolved
            // again together with the new version's neighbourhood, in one pass, so that a profile the record stays in
            // keeps its id and version instead of splitting and merging back.
            replacedProfile = Detach(previous, outcome, resolve: false);
        }
        else
        {
            _counters.Records++;
        }

        _candidateIds.Clear();
        _recordIdentifiers.Clear();
        record.Evidence.Clear();
        var person = PersonSketch.Of(record.Normalized);
        for (var i = 0; i < _rules.Count; i++)
        {
            var rule = _rules[i];
            if (IdentifierKey(rule, record, out var value) is not { } identifierKey)
            {
                continue;
            }
            if (!TryGetIdentifier(identifierKey, out var entry))
            {
                entry = new StoredIdentifier { FirstRecord = recordKey, Records = 1 };
                if (person.IsKnown)
                {
                    entry.People.Add(person);
                }
                _recordIdentifiers.Add((identifierKey, entry, rule));
                continue;
            }
            if (!entry.Disabled && (replaced is null || IdentifierKey(rule, replaced, out _) != identifierKey))
            {
                // The number of records holding the value depends on the set of records, not their order.
                entry.Records++;
                _identifierCache[identifierKey] = entry;
                if (rule.MaxRecords > 0 && entry.Records > rule.MaxRecords)
                {
                    // A kiosk or a shop's phone: one profile would grow without bound. The links it made are taken back.
                    entry.Disabled = true;
                    entry.DisabledByRecords = true;
                    _resplit.Add(entry.ProfileId);
                    outcome.Disabled(rule.Name, $"more than {rule.MaxRecords} records");
                }
            }
            if (!entry.Disabled && person.IsKnown && !entry.People.Contains(person) && entry.People.Count < MaxSketchesPerIdentifier)
            {
                entry.People.Add(person);
                if (rule.MaxPeople > 0 && DifferentPeople.AtLeast(entry.People, rule.MaxPeople, _names))
                {
                    // Clearly different people share this value: it identifies nobody from now on, and the links
                    // it made so far are taken back.
                    entry.Disabled = true;
                    _resplit.Add(entry.ProfileId);
                    outcome.Disabled(rule.Name, $"{rule.MaxPeople} or more different people");
                }
                _identifierCache[identifierKey] = entry;
            }
            if (entry.Disabled)
            {
                record.Evidence.Add(new StoredEvidence
                {
                    Kind = StoredEvidence.Refused,
                    Rule = rule.Name,
                    Value = value,
                    OtherRecord = entry.FirstRecord,
                    Reason = entry.DisabledByRecords
                        ? $"{rule.Name} is held by more than {rule.MaxRecords} records (a kiosk, a shop's phone); it no longer links"
                        : $"{rule.Name} is shared by {rule.MaxPeople} or more different people; it no longer links",
                });
                continue;
            }
            _recordIdentifiers.Add((identifierKey, entry, rule));
            var profileId = entry.ProfileId.Length == 0 ? "" : ResolveProfileId(entry.ProfileId);
            if (profileId.Length == 0 || !ProfileExists(profileId))
            {
                // Nobody holds this value any more (its records were deleted or changed): it links nothing.
                continue;
            }
            record.Evidence.Add(new StoredEvidence
            {
                Kind = StoredEvidence.Identifier,
                Rule = rule.Name,
                Value = value,
                OtherRecord = entry.FirstRecord,
                OtherProfile = profileId,
                Probability = 1,
                Reason = $"same {CanonicalAttributes.NameOf(rule.Attribute)} ({rule.Name} rule)",
            });
            if (!_candidateIds.Contains(profileId))
            {
                _candidateIds.Add(profileId);
            }
        }

        MatchRecord? matchRecord = null;
        if (_matcher is not null)
        {
            matchRecord = _matcher.PrepareForLink(recordKey, record.Normalized);
            _matches.Clear();
            _matcher.FindMatches(matchRecord, _matches);
            foreach (var match in _matches)
            {
                var resolved = ProfileOfRecord(match.OtherRecord);
                if (!ProfileExists(resolved))
                {
                    continue;
                }
                record.Evidence.Add(new StoredEvidence
                {
                    Kind = match.Kind,
                    OtherRecord = match.OtherRecord,
                    OtherProfile = resolved,
                    Probability = match.Probability,
                    Levels = match.Levels,
                    Reason = match.Reason,
                });
                if (match.Kind == StoredEvidence.Probabilistic)
                {
                    if (!_candidateIds.Contains(resolved))
                    {
                        _candidateIds.Add(resolved);
                    }
                }
            }
        }

        // A record a reviewer decided about is resolved with the records of those decisions.
        var decided = _decided.Contains(recordKey);
        if (decided)
        {
            AddDecidedProfiles(recordKey, _candidateIds);
        }
        if (replacedProfile is not null && !_candidateIds.Contains(replacedProfile))
        {
            _candidateIds.Add(replacedProfile);
        }
        StoredProfile? profile = null;
        var recordBytes = StoredProfileFormatter.EstimatedBytesOf(record);
        if (_candidateIds.Count == 0)
        {
            profile = new StoredProfile { Id = ClaimId(NewProfileId(recordKey)), MinRecordKey = recordKey, Coherence = ProfileCoherence.Coherent };
            _counters.Profiles++;
            outcome.ProfilesCreated++;
            _created.Add(profile.Id);
        }
        else if (!decided && replacedProfile is null && _candidateIds.Count == 1 && JoinsDirectly(LoadProfile(_candidateIds[0]), record, recordBytes))
        {
            profile = LoadProfile(_candidateIds[0]);
            if (string.CompareOrdinal(recordKey, profile.MinRecordKey) < 0)
            {
                Rename(profile, recordKey, outcome);
            }
        }
        if (profile is not null)
        {
            // A new profile, or one the record joins directly, which JoinsDirectly found coherent with it.
            profile.Coherence = ProfileCoherence.Coherent;
            record.ProfileId = profile.Id;
            profile.Members.Add(new StoredMember { Channel = record.Channel, RecordId = record.RecordId, TimestampUtcTicks = record.TimestampUtcTicks });
            _survivorship.Apply(profile, record, channelPriority);
            profile.EstimatedBytes += recordBytes;
            foreach (var (key, entry, _) in _recordIdentifiers)
            {
                // Only new or re-pointed entries are written; an entry already pointing here stays as it is.
                if (entry.ProfileId != profile.Id)
                {
                    entry.ProfileId = profile.Id;
                    _identifierCache[key] = entry;
                }
            }
            _dirtyProfiles[profile.Id] = profile;
            outcome.ChangedProfiles.Add(profile.Id);
        }
        else
        {
            // Several profiles, or one the record could make incoherent or that was kept apart from others: what
            // happens depends on every link among them, not on which came first.
            Reresolve(_candidateIds, record, outcome, leavingKey: replacedProfile is null ? null : recordKey);
        }
        _store.Write(recordKey, record);
        if (matchRecord is not null)
        {
            _matcher!.Add(matchRecord);
        }
        _readForLink.Clear();
        outcome.RecordsLinked++;
        if (_resplit.Count > 0)
        {
            foreach (var id in _resplit)
            {
                Reresolve([id], null, outcome);
            }
            _resplit.Clear();
        }
    }

    /// <summary>Deletes a record: it leaves its profile, which splits or disappears as its remaining links allow.</summary>
    public bool Delete(string channel, string recordId, LinkOutcome outcome)
    {
        _readForLink.Clear();
        var recordKey = StoreKeys.Record(channel, recordId);
        if (!_store.TryRead<StoredRecord>(recordKey, out var record))
        {
            return false;
        }
        Detach(record, outcome);
        _store.Delete(recordKey);
        _matcher?.Remove(recordKey);
        _counters.Records--;
        return true;
    }

    /// <summary>
    /// Takes a record out of its profile and re-derives the rest from the links that remain between the other
    /// members (shared identifiers still in force, probabilistic evidence between them): one connected group keeps
    /// going, several become separate profiles (ProfileSplit), none deletes the profile (ProfileDeleted). Each
    /// resulting profile's id comes from its smallest record key, its golden values are rebuilt from its records,
    /// and its members' identifier entries and matcher entries point at it. Unrelated profiles are not touched.
    /// </summary>
    /// <returns>
    /// With <paramref name="resolve"/> false (a new version follows), the id of the profile the record left, kept in
    /// memory without it for the new version's resolution to take in; null otherwise.
    /// </returns>
    private string? Detach(StoredRecord record, LinkOutcome outcome, bool resolve = true)
    {
        var recordKey = StoreKeys.Record(record.Channel, record.RecordId);
        _matcher?.Remove(recordKey);
        var profileId = ResolveProfileId(record.ProfileId);
        if (!TryLoadProfile(profileId, out var profile))
        {
            return null;
        }
        profile.Members.RemoveAll(m => m.Channel == record.Channel && m.RecordId == record.RecordId);
        ReleaseIdentifiers(record, profile);
        // Changed in memory: kept as dirty, so that resolving it again to the same members as this copy (all but the
        // record) still writes it. As a clean read, it looked unchanged, and a deleted record stayed listed in its profile.
        _readForLink.Remove(profileId);
        _dirtyProfiles[profileId] = profile;
        if (!resolve)
        {
            return profileId;
        }
        if (profile.Members.Count == 0)
        {
            // The profiles it was kept apart from lose their refusals of it, and get back identifier entries that
            // only this profile's entry pointed at: they are resolved again without it.
            var neighbours = new List<string>();
            foreach (var refusal in profile.Refusals)
            {
                var other = ProfileOfRecord(refusal.OtherRecord);
                if (other.Length > 0 && other != profileId && !neighbours.Contains(other))
                {
                    neighbours.Add(other);
                }
            }
            DeleteEmptyProfile(profileId, outcome);
            if (neighbours.Count > 0)
            {
                Reresolve(neighbours, null, outcome, leavingKey: recordKey);
            }
            return null;
        }
        // The neighbourhood is gathered from this copy, which no longer lists the record.
        Reresolve([profileId], null, outcome, leavingKey: recordKey);
        return null;
    }

    /// <summary>
    /// Writes every profile and identifier entry touched since the last flush, the change events, the pairs for
    /// review and the counters, serialized on all cores (whole profile documents are the costliest part).
    /// </summary>
    public void Flush()
    {
        _matcher?.DiscardPrescored();
        var at = DateTime.UtcNow.Ticks;
        foreach (var (type, profileId, related) in _lifecycle)
        {
            AppendChange(type, type == ChangeEventType.ProfileMerged ? ResolveProfileId(profileId) : profileId, related, at);
        }
        foreach (var (id, profile) in _dirtyProfiles)
        {
            // The version is the change's sequence number: it rises with every change, and an id that is retired and
            // claimed again never gives an earlier version back.
            profile.Version = _counters.ChangeSequence + 1;
            AppendChange(_created.Contains(id) ? ChangeEventType.ProfileCreated : ChangeEventType.ProfileUpdated, id, null, at, profile.Version);
            _writes.Add(StoreKeys.Profile(id), profile);
        }
        ChangeLog.Write(_changes, _writes);
        foreach (var (key, entry) in _identifierCache)
        {
            _writes.Add(key, entry);
        }
        if (_matcher is not null)
        {
            foreach (var review in _matcher.PendingReviews)
            {
                _writes.Add(StoreKeys.Review(review.RecordA, review.RecordB), review);
            }
        }
        _writes.Add(StoreKeys.Counters, _counters);
        _writes.WriteTo(_store);
        _changes.Clear();
        _dirtyProfiles.Clear();
        _created.Clear();
        _lifecycle.Clear();
        _identifierCache.Clear();
        _matcher?.PendingReviews.Clear();
    }

    /// <summary>Whether a record may be stored under <paramref name="recordKey"/>; false means it certainly is not.</summary>
    private bool MayBeStored(string recordKey) => _matcher is null || !_matcherHoldsStoredRecords || _matcher.Contains(recordKey);

    /// <summary>Drops unflushed changes (used when a batch fails half way; the batch is re-read).</summary>
    public void Discard()
    {
        _writes.Clear();
        _changes.Clear();
        _matcher?.PendingReviews.Clear();
        _matcherHoldsStoredRecords = false;
        _matcher?.DiscardPrescored();
        _dirtyProfiles.Clear();
        _readForLink.Clear();
        _created.Clear();
        _lifecycle.Clear();
        _identifierCache.Clear();
        _counters = _store.TryRead<StoredCounters>(StoreKeys.Counters, out var counters) ? counters : new StoredCounters();
    }

    /// <summary>
    /// Follows aliases from a possibly retired profile id to the profile that absorbed it. A profile renamed at every
    /// record (records arriving in descending key order) leaves one alias per rename, so a chain can be as long as the
    /// profile has records: the aliases walked are pointed straight at the end (path compression), and the next walk
    /// from any of them is one hop. Only a cycle is corruption.
    /// </summary>
    public string ResolveProfileId(string profileId)
    {
        var current = profileId;
        List<string>? walked = null;
        HashSet<string>? seen = null;
        for (var hops = 0; ; hops++)
        {
            if (_dirtyProfiles.ContainsKey(current) || !_store.TryRead<string>(StoreKeys.Alias(current), out var survivor))
            {
                break;
            }
            if (hops >= 64 && !(seen ??= new HashSet<string>(walked!, StringComparer.Ordinal)).Add(current))
            {
                throw new InvalidOperationException($"Profile aliases from {profileId} form a cycle; the store is corrupt.");
            }
            (walked ??= []).Add(current);
            current = survivor;
        }
        if (walked is { Count: > 1 })
        {
            // The last alias walked already points at the end.
            for (var i = 0; i < walked.Count - 1; i++)
            {
                _store.Write(StoreKeys.Alias(walked[i]), current);
            }
        }
        return current;
    }

    /// <summary>The profile a stored record belongs to now (its stored id, followed through merges); "" if it is gone.</summary>
    public string ProfileOfRecord(string recordKey) =>
        _store.TryRead<StoredRecordProfile>(recordKey, out var record) && record.ProfileId.Length > 0 ? ResolveProfileId(record.ProfileId) : "";

    /// <summary>A profile to show, golden values included.</summary>
    public bool TryGetProfile(string profileId, out StoredProfile profile)
    {
        var id = ResolveProfileId(profileId);
        if (!_dirtyProfiles.TryGetValue(id, out profile!) && !ReadProfile(id, out profile))
        {
            return false;
        }
        _survivorship.RestoreBest(profile);
        return true;
    }

    private static readonly Func<ReadOnlyMemory<byte>, long, bool> s_notLaterThan =
        static (bytes, sequence) => MessagePack.MessagePackSerializer.Deserialize<StoredProfileVersion>(bytes, StoreSerializer.Options).Version <= sequence;

    /// <summary>
    /// The profile stored under exactly this id (no alias followed), golden values included, when its latest change is
    /// <paramref name="sequence"/> or earlier: what the outbox delivers for a change. Its version is looked at first,
    /// in the bytes of the one read, so that a change a later one superseded costs no deserialization.
    /// </summary>
    public bool TryGetProfileAsOf(string profileId, long sequence, out StoredProfile profile)
    {
        if (_dirtyProfiles.TryGetValue(profileId, out profile!))
        {
            if (profile.Version > sequence)
            {
                return false;
            }
            _survivorship.RestoreBest(profile);
            return true;
        }
        if (!_store.TryReadWhere(StoreKeys.Profile(profileId), s_notLaterThan, sequence, out profile))
        {
            profile = null!;
            return false;
        }
        _survivorship.RestoreBest(profile);
        return true;
    }

    public bool TryGetRecord(string channel, string recordId, out StoredRecord record) =>
        _store.TryRead(StoreKeys.Record(channel, recordId), out record);

    /// <summary>
    /// The identifier values of a record that leaves its profile stop pointing there when no remaining member
    /// carries them: a later record with such a value must not join a profile that no longer holds it.
    /// </summary>
    private void ReleaseIdentifiers(StoredRecord leaving, StoredProfile profile)
    {
        HashSet<string>? kept = null;
        foreach (var rule in _rules)
        {
            if (IdentifierKey(rule, leaving, out _) is not { } key || !TryGetIdentifier(key, out var entry) || entry.Disabled)
            {
                continue;
            }
            if (kept is null)
            {
                kept = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in profile.Members)
                {
                    if (_store.TryRead<StoredRecord>(StoreKeys.Record(member.Channel, member.RecordId), out var remaining))
                    {
                        foreach (var other in _rules)
                        {
                            if (IdentifierKey(other, remaining, out _) is { } remainingKey)
                            {
                                kept.Add(remainingKey);
                            }
                        }
                    }
                }
            }
            if (!kept.Contains(key))
            {
                entry.ProfileId = "";
                _identifierCache[key] = entry;
            }
        }
    }

    /// <summary>The identifier index key a rule gives a record, or null when the record has no usable value for it.</summary>
    private static string? IdentifierKey(IdentifierRule rule, StoredRecord record, out string? value)
    {
        value = record.Normalized[(int)rule.Attribute];
        if (string.IsNullOrEmpty(value) || rule.IgnoreValues.Contains(value))
        {
            return null;
        }
        return StoreKeys.Identifier(rule.Name, rule.WithinChannel ? record.Channel : null, value);
    }

    private bool TryGetIdentifier(string identifierKey, out StoredIdentifier entry)
    {
        if (_identifierCache.TryGetValue(identifierKey, out entry!))
        {
            return true;
        }
        return _store.TryRead(identifierKey, out entry);
    }

    /// <summary>
    /// Reads a stored profile for linking. Golden values are not stored (they follow from the value lists and the
    /// rules) and linking never reads them, so they are left out; <see cref="TryGetProfile"/> picks them for a view.
    /// </summary>
    private bool ReadProfile(string profileId, out StoredProfile profile) => _store.TryRead(StoreKeys.Profile(profileId), out profile);

    /// <summary>Every stored profile, golden values included (a full scan: occasional queries only).</summary>
    public void ScanProfiles(Action<StoredProfile> visit) =>
        _store.ScanPrefix<StoredProfile>(StoreKeys.ProfilePrefix, (_, profile) =>
        {
            _survivorship.RestoreBest(profile);
            visit(profile);
        });

    /// <summary>Whether the profile exists; one that does is kept for <see cref="LoadProfile"/> while the record is linked.</summary>
    private bool ProfileExists(string profileId)
    {
        if (TryGetLoaded(profileId, out _))
        {
            return true;
        }
        if (!ReadProfile(profileId, out var profile))
        {
            return false;
        }
        _readForLink[profileId] = profile;
        return true;
    }

    /// <summary>A profile already in memory: changed in this batch, or read while this record is linked.</summary>
    private bool TryGetLoaded(string profileId, out StoredProfile profile) =>
        _dirtyProfiles.TryGetValue(profileId, out profile!) || _readForLink.TryGetValue(profileId, out profile!);

    private bool TryLoadProfile(string profileId, out StoredProfile profile) => TryGetLoaded(profileId, out profile) || ReadProfile(profileId, out profile);

    private StoredProfile LoadProfile(string profileId) => TryLoadProfile(profileId, out var profile)
        ? profile
        : throw new InvalidOperationException($"Profile {profileId} is indexed but missing from the store.");

    /// <summary>
    /// A record with a smaller key than every member joined: the profile takes the id that key gives, as it would
    /// have had the records come in the other order. The old id becomes an alias, like a merged-away one.
    /// </summary>
    private void Rename(StoredProfile profile, string minRecordKey, LinkOutcome outcome)
    {
        var oldId = profile.Id;
        var wasCreated = _created.Contains(oldId);
        profile.Id = ClaimId(NewProfileId(minRecordKey));
        profile.MinRecordKey = minRecordKey;
        Retire(oldId, profile.Id, outcome);
        if (wasCreated)
        {
            _created.Add(profile.Id);
        }
    }

    private void Retire(string retiredId, string survivorId, LinkOutcome outcome)
    {
        _dirtyProfiles.Remove(retiredId);
        _readForLink.Remove(retiredId);
        _store.Delete(StoreKeys.Profile(retiredId));
        _store.Write(StoreKeys.Alias(retiredId), survivorId);
        outcome.ChangedProfiles.Remove(retiredId);
        outcome.RetiredProfiles.Add(retiredId);
        if (!_created.Remove(retiredId))
        {
            // Sinks and the change log only hear of a retirement of a profile they were told about.
            _lifecycle.Add((ChangeEventType.ProfileMerged, survivorId, retiredId));
        }
    }

    /// <summary>
    /// Ids derive from record keys, so an id retired earlier (its profile merged away) can be needed again when
    /// that record founds a profile once more, after a split or a delete: it stops being an alias.
    /// </summary>
    private string ClaimId(string id)
    {
        var alias = StoreKeys.Alias(id);
        if (_store.TryRead<string>(alias, out _))
        {
            _store.Delete(alias);
        }
        return id;
    }

    private void AppendChange(ChangeEventType type, string profileId, string? relatedProfileId, long atTicks, long version = 0)
    {
        var sequence = ++_counters.ChangeSequence;
        _changes.Add(new ChangeEvent(sequence, type, profileId, relatedProfileId, version, atTicks));
    }

    private static string NewProfileId(string recordKey) => ProfileIds.For(recordKey);
}
