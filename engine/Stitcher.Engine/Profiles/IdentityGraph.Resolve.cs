using Stitcher.Engine.Resolution;
using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Profiles;

/// <summary>
/// Sequence neutrality: wherever what arrived first could decide (a record pointing at several profiles, one that
/// could conflict with its profile, an identifier that stopped linking, a record leaving), the graph gathers the
/// neighbourhood the change touches (the profiles involved and, through refused links, the profiles those were
/// kept apart from) and lets <see cref="ClusterResolver"/> decide it afresh from its records and links. The answer is
/// then what resolving all the records in one batch gives, in any order.
/// </summary>
internal sealed partial class IdentityGraph
{
    // A neighbourhood this large is resolved as far as it was gathered: past it, one change would read a whole
    // namesake chain. Reaching it means blocking or an identifier let far too much through; what lies beyond is not
    // resolved again, so sequence neutrality stops there.
    private const int MaxNeighbourhoodRecords = 20_000;

    // Up to this many holders, an identifier links every pair of them; past it, each holder to the smallest (a star),
    // so that a value shared by thousands costs thousands of links, not millions.
    private const int MaxIdentifierClique = 8;

    private readonly ClusterResolver _resolver;
    private readonly long _maxProfileBytes;

    /// <summary>How many times a neighbourhood was resolved again since the graph was opened.</summary>
    public long NeighbourhoodsResolved { get; private set; }

    /// <summary>
    /// Whether <paramref name="record"/> can join <paramref name="profile"/>, its only candidate, without resolving
    /// anything again: the profile was kept apart from nobody, no two of its members conflict, and the record conflicts
    /// with none of them (its given name is compatible with every given name there, or its birth date with every birth
    /// date), and the profile stays within <c>MaxProfileBytes</c> with it (a document written before its size was kept is
    /// resolved again, which works it out). Then no order of the links could refuse any of them.
    /// </summary>
    private bool JoinsDirectly(StoredProfile profile, StoredRecord record, int recordBytes) =>
        profile.Refusals.Count == 0
        && (profile.EstimatedBytes > 0 || profile.Members.Count == 0)
        && profile.EstimatedBytes + recordBytes <= _maxProfileBytes
        && CoherenceWith(profile, record) == ProfileCoherence.Coherent;

    /// <summary>The profile's coherence once <paramref name="record"/> is a member.</summary>
    private ProfileCoherence CoherenceWith(StoredProfile profile, StoredRecord record)
    {
        if (KnownCoherence(profile) != ProfileCoherence.Coherent)
        {
            return ProfileCoherence.Incoherent;
        }
        // Birth dates first: comparing two is cheaper than comparing two names.
        return Fits(profile, record, CanonicalAttribute.DateOfBirth, names: false) || Fits(profile, record, CanonicalAttribute.GivenName, names: true)
            ? ProfileCoherence.Coherent
            : ProfileCoherence.Incoherent;
    }

    /// <summary>Whether the record's value of <paramref name="attribute"/> is compatible with every value the profile has.</summary>
    private bool Fits(StoredProfile profile, StoredRecord record, CanonicalAttribute attribute, bool names)
    {
        var value = record.Normalized[(int)attribute];
        if (string.IsNullOrEmpty(value) || profile.Values.Length <= (int)attribute || profile.Values[(int)attribute] is not { } values)
        {
            return true;
        }
        foreach (var other in values)
        {
            if (!string.Equals(value, other.Key, StringComparison.Ordinal) && !_resolver.Compatible(value, other.Key, names))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The profile's coherence, worked out from its values when the document does not say: coherent for sure when all
    /// its given names, or all its birth dates, are compatible with one another.
    /// </summary>
    private ProfileCoherence KnownCoherence(StoredProfile profile)
    {
        if (profile.Coherence == ProfileCoherence.None)
        {
            profile.Coherence = _resolver.AllCompatible(ValueKeys(profile, CanonicalAttribute.GivenName), names: true)
                || _resolver.AllCompatible(ValueKeys(profile, CanonicalAttribute.DateOfBirth), names: false)
                ? ProfileCoherence.Coherent
                : ProfileCoherence.Incoherent;
        }
        return profile.Coherence;
    }

    private static List<string> ValueKeys(StoredProfile profile, CanonicalAttribute attribute)
    {
        var keys = new List<string>();
        if (profile.Values.Length > (int)attribute && profile.Values[(int)attribute] is { } values)
        {
            foreach (var value in values)
            {
                keys.Add(value.Key);
            }
        }
        return keys;
    }

    /// <summary>
    /// Resolves again the neighbourhood of the seed profiles (with the record being linked, when there is one) and writes what changed: profiles rebuilt from their members,
    /// new ones created or split off, ones that lost their identity retired into the profile that holds their smallest
    /// record, members and identifier entries pointed at their profile, refusals kept on both sides.
    /// </summary>
    /// <param name="seedProfileIds">The profiles the change touches.</param>
    /// <param name="adding">The record being linked, not stored yet; null when none is.</param>
    /// <param name="outcome">Collects what changed.</param>
    /// <param name="leavingKey">
    /// A record that left (changed or deleted): the evidence other records hold of it was found against the version that
    /// left, so it is dropped from them; its new version, if any, is scored afresh when it is linked.
    /// </param>
    private void Reresolve(IReadOnlyList<string> seedProfileIds, StoredRecord? adding, LinkOutcome outcome, string? leavingKey = null)
    {
        NeighbourhoodsResolved++;
        var (oldProfiles, records, origins) = GatherNeighbourhood(seedProfileIds);
        if (leavingKey is not null)
        {
            foreach (var record in records)
            {
                if (record.Evidence.RemoveAll(e => e.OtherRecord == leavingKey && e.Kind != StoredEvidence.Identifier) > 0)
                {
                    _store.Write(StoreKeys.Record(record.Channel, record.RecordId), record);
                }
            }
        }
        if (adding is not null)
        {
            records.Add(adding);
        }
        var nodes = new ResolutionNode[records.Count];
        var byKey = new Dictionary<string, int>(records.Count, StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var key = StoreKeys.Record(records[i].Channel, records[i].RecordId);
            nodes[i] = new ResolutionNode(key, records[i].Normalized[(int)CanonicalAttribute.GivenName], records[i].Normalized[(int)CanonicalAttribute.DateOfBirth],
                StoredProfileFormatter.EstimatedBytesOf(records[i]));
            byKey[key] = i;
        }
        var links = new List<ResolutionLink>();
        var identifiers = IdentifierLinks(records, nodes, links);
        for (var i = 0; i < records.Count; i++)
        {
            foreach (var evidence in records[i].Evidence)
            {
                if (evidence.Kind == StoredEvidence.Probabilistic && evidence.OtherRecord is not null && byKey.TryGetValue(evidence.OtherRecord, out var other))
                {
                    links.Add(new ResolutionLink(i, other, evidence.Probability, evidence.Reason));
                }
            }
        }
        var (mustLink, cannotLink) = Decisions(nodes, byKey);
        var result = _resolver.Resolve(nodes, links, mustLink, cannotLink);

        var pieces = new StoredProfile[result.Clusters.Count];
        for (var c = 0; c < pieces.Length; c++)
        {
            var cluster = result.Clusters[c];
            var piece = new StoredProfile
            {
                Id = cluster.Id,
                MinRecordKey = cluster.MinKey,
                Version = oldProfiles.TryGetValue(cluster.Id, out var old) ? old.Version : 0,
            };
            var withPriorities = new List<(StoredRecord, int)>(cluster.Members.Count);
            foreach (var member in cluster.Members)
            {
                var record = records[member];
                piece.Members.Add(new StoredMember { Channel = record.Channel, RecordId = record.RecordId, TimestampUtcTicks = record.TimestampUtcTicks });
                withPriorities.Add((record, _channelPriorities.TryGetValue(record.Channel, out var priority) ? priority : 0));
                if (ReferenceEquals(record, adding))
                {
                    record.ProfileId = cluster.Id;
                }
                else if (record.ProfileId != cluster.Id)
                {
                    record.ProfileId = cluster.Id;
                    _store.Write(nodes[member].Key, record);
                }
            }
            _survivorship.Rebuild(piece, withPriorities);
            foreach (var member in cluster.Members)
            {
                piece.EstimatedBytes += nodes[member].Bytes;
            }
            piece.Coherence = _resolver.Coherent(nodes, cluster.Members) ? ProfileCoherence.Coherent : ProfileCoherence.Incoherent;
            pieces[c] = piece;
        }
        // Refusals come strongest first. A profile keeps them within a quarter of MaxProfileBytes, which the estimate of
        // its records leaves free: thousands of links refused at a full profile would otherwise grow its document past a
        // page again. The strongest refused links are the ones that tie neighbourhoods together.
        var refusalBytes = new long[pieces.Length];
        foreach (var refusal in result.Refused)
        {
            var a = nodes[refusal.A].Key;
            var b = nodes[refusal.B].Key;
            var bytes = StoredProfileFormatter.EstimatedBytesOf(refusal.Reason, a, b);
            var (pa, pb) = (result.ClusterOf[refusal.A], result.ClusterOf[refusal.B]);
            if (refusalBytes[pa] + bytes <= _maxProfileBytes / 4)
            {
                refusalBytes[pa] += bytes;
                pieces[pa].Refusals.Add(new StoredRefusal { Record = a, OtherRecord = b, Strength = refusal.Strength, Reason = refusal.Reason });
            }
            if (refusalBytes[pb] + bytes <= _maxProfileBytes / 4)
            {
                refusalBytes[pb] += bytes;
                pieces[pb].Refusals.Add(new StoredRefusal { Record = b, OtherRecord = a, Strength = refusal.Strength, Reason = refusal.Reason });
            }
        }
        foreach (var (key, (entry, holder)) in identifiers)
        {
            var id = result.Clusters[result.ClusterOf[holder]].Id;
            if (entry.ProfileId != id)
            {
                entry.ProfileId = id;
                _identifierCache[key] = entry;
            }
        }
        ApplyPieces(oldProfiles, pieces, result, nodes, origins, outcome);
    }

    /// <summary>
    /// Writes the resolved pieces over the old profiles of the neighbourhood. An old id no piece keeps is retired into
    /// the piece holding its smallest remaining member; a new id is a profile created (it holds only the new record, or
    /// took over a profile created in this batch), the survivor of a merge, or a piece split off an old profile.
    /// </summary>
    private void ApplyPieces(Dictionary<string, StoredProfile> oldProfiles, StoredProfile[] pieces, ResolutionResult result, ResolutionNode[] nodes,
        List<string> origins, LinkOutcome outcome)
    {
        var pieceOfId = new Dictionary<string, int>(pieces.Length, StringComparer.Ordinal);
        for (var c = 0; c < pieces.Length; c++)
        {
            pieceOfId[pieces[c].Id] = c;
        }
        // Per old profile, the piece its smallest remaining member went to; per piece, the old profiles it draws from,
        // the first one holding its smallest member (members are in key order).
        var survivorOf = new Dictionary<string, int>(oldProfiles.Count, StringComparer.Ordinal);
        var smallestOf = new Dictionary<string, string>(oldProfiles.Count, StringComparer.Ordinal);
        var sources = new List<string>?[pieces.Length];
        for (var c = 0; c < pieces.Length; c++)
        {
            foreach (var member in result.Clusters[c].Members)
            {
                if (member >= origins.Count)
                {
                    continue; // the record being linked
                }
                var origin = origins[member];
                if (!smallestOf.TryGetValue(origin, out var smallest) || string.CompareOrdinal(nodes[member].Key, smallest) < 0)
                {
                    smallestOf[origin] = nodes[member].Key;
                    survivorOf[origin] = c;
                }
                var list = sources[c] ??= [];
                if (!list.Contains(origin))
                {
                    list.Add(origin);
                }
            }
        }
        var createdNow = new bool[pieces.Length];
        var absorbed = new bool[pieces.Length];
        for (var c = 0; c < pieces.Length; c++)
        {
            if (oldProfiles.ContainsKey(pieces[c].Id))
            {
                continue;
            }
            ClaimId(pieces[c].Id);
            _counters.Profiles++;
            outcome.ProfilesCreated++;
            // New to sinks when it holds only the new record, or took over a profile they have not heard of yet.
            createdNow[c] = sources[c] is null || sources[c]!.Exists(_created.Contains);
        }
        foreach (var oldId in oldProfiles.Keys)
        {
            if (pieceOfId.ContainsKey(oldId))
            {
                continue;
            }
            if (!survivorOf.TryGetValue(oldId, out var survivor))
            {
                // Its only record left with a new version that went elsewhere: nothing of it remains.
                DeleteEmptyProfile(oldId, outcome);
                continue;
            }
            absorbed[survivor] = true;
            Retire(oldId, pieces[survivor].Id, outcome);
            _counters.Profiles--;
            if (sources[survivor]!.Count > 1)
            {
                outcome.ProfilesMerged++;
            }
        }
        for (var c = 0; c < pieces.Length; c++)
        {
            var id = pieces[c].Id;
            if (oldProfiles.TryGetValue(id, out var old) && !_dirtyProfiles.ContainsKey(id) && SameProfile(old, pieces[c]))
            {
                // Resolved again to what it was: nothing to write, nothing for sinks to hear.
                continue;
            }
            if (createdNow[c])
            {
                _created.Add(id);
            }
            else if (!oldProfiles.ContainsKey(id) && !absorbed[c])
            {
                // Split off a profile that goes on; split off one that was retired, it is new to sinks.
                var from = sources[c]!.Find(pieceOfId.ContainsKey);
                if (from is null)
                {
                    _created.Add(id);
                }
                else
                {
                    _lifecycle.Add((ChangeEventType.ProfileSplit, from, id));
                }
            }
            _readForLink.Remove(id);
            _dirtyProfiles[id] = pieces[c];
            outcome.ChangedProfiles.Add(id);
        }
    }

    private void DeleteEmptyProfile(string profileId, LinkOutcome outcome)
    {
        _dirtyProfiles.Remove(profileId);
        _readForLink.Remove(profileId);
        _store.Delete(StoreKeys.Profile(profileId));
        _counters.Profiles--;
        outcome.ChangedProfiles.Remove(profileId);
        outcome.RetiredProfiles.Add(profileId);
        if (!_created.Remove(profileId))
        {
            _lifecycle.Add((ChangeEventType.ProfileDeleted, profileId, null));
        }
    }

    /// <summary>Whether a resolved piece has the same members and refusals as the stored profile of its id.</summary>
    private static bool SameProfile(StoredProfile old, StoredProfile piece)
    {
        if (old.Members.Count != piece.Members.Count || old.Refusals.Count != piece.Refusals.Count)
        {
            return false;
        }
        var members = new HashSet<(string, string)>(old.Members.Count);
        foreach (var member in old.Members)
        {
            members.Add((member.Channel, member.RecordId));
        }
        foreach (var member in piece.Members)
        {
            if (!members.Contains((member.Channel, member.RecordId)))
            {
                return false;
            }
        }
        var refusals = new HashSet<(string, string, string)>(old.Refusals.Count);
        foreach (var refusal in old.Refusals)
        {
            refusals.Add((refusal.Record, refusal.OtherRecord, refusal.Reason));
        }
        foreach (var refusal in piece.Refusals)
        {
            if (!refusals.Contains((refusal.Record, refusal.OtherRecord, refusal.Reason)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The reviewer decisions between records of the neighbourhood, by node index, each pair once.</summary>
    private (List<(int, int)>? MustLink, List<(int, int)>? CannotLink) Decisions(ResolutionNode[] nodes, Dictionary<string, int> byKey)
    {
        List<(int, int)>? mustLink = null, cannotLink = null;
        for (var i = 0; i < nodes.Length; i++)
        {
            if (!_decided.Contains(nodes[i].Key))
            {
                continue;
            }
            foreach (var decision in DecisionsOf(nodes[i].Key))
            {
                // Each side keeps the decision: take it from the side with the smaller index.
                if (byKey.TryGetValue(decision.OtherRecord, out var other) && other > i)
                {
                    (decision.SamePerson ? mustLink ??= [] : cannotLink ??= []).Add((i, other));
                }
            }
        }
        return (mustLink, cannotLink);
    }

    /// <summary>
    /// Links from the identifiers the records share, for every rule whose value still links (not disabled): between every
    /// two holders of a value held by a few, from the smallest holder to each other one of a value held by many. Returns
    /// each value's entry and its smallest holder, to point the entry at that holder's profile.
    /// </summary>
    private Dictionary<string, (StoredIdentifier Entry, int Holder)> IdentifierLinks(List<StoredRecord> records, ResolutionNode[] nodes, List<ResolutionLink> links)
    {
        var groups = new Dictionary<string, (StoredIdentifier Entry, IdentifierRule Rule, List<int> Holders)>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            foreach (var rule in _rules)
            {
                if (IdentifierKey(rule, records[i], out _) is not { } key)
                {
                    continue;
                }
                if (!groups.TryGetValue(key, out var group))
                {
                    if (!TryGetIdentifier(key, out var entry) && !TryGetRecordIdentifier(key, out entry))
                    {
                        entry = new StoredIdentifier { FirstRecord = nodes[i].Key };
                    }
                    group = (entry, rule, []);
                    groups[key] = group;
                }
                group.Holders.Add(i);
            }
        }
        var result = new Dictionary<string, (StoredIdentifier, int)>(groups.Count, StringComparer.Ordinal);
        foreach (var (key, (entry, rule, holders)) in groups)
        {
            if (entry.Disabled)
            {
                continue;
            }
            var smallest = holders[0];
            foreach (var holder in holders)
            {
                if (string.CompareOrdinal(nodes[holder].Key, nodes[smallest].Key) < 0)
                {
                    smallest = holder;
                }
            }
            result[key] = (entry, smallest);
            var reason = $"same {CanonicalAttributes.NameOf(rule.Attribute)} ({rule.Name} rule)";
            if (holders.Count <= MaxIdentifierClique)
            {
                // Every pair: so that a pair sharing two identifiers weighs more than a pair sharing one.
                for (var x = 0; x < holders.Count; x++)
                {
                    for (var y = x + 1; y < holders.Count; y++)
                    {
                        links.Add(new ResolutionLink(holders[x], holders[y], IdentifierStrength, reason));
                    }
                }
                continue;
            }
            foreach (var holder in holders)
            {
                if (holder != smallest)
                {
                    links.Add(new ResolutionLink(smallest, holder, IdentifierStrength, reason));
                }
            }
        }
        return result;
    }

    private bool TryGetRecordIdentifier(string key, out StoredIdentifier entry)
    {
        foreach (var (itemKey, itemEntry, _) in _recordIdentifiers)
        {
            if (itemKey == key)
            {
                entry = itemEntry;
                return true;
            }
        }
        entry = null!;
        return false;
    }

    /// <summary>
    /// The profiles of the neighbourhood (by id) and their member records: the seeds, and every profile a refused
    /// link ties to one already gathered, transitively.
    /// </summary>
    private (Dictionary<string, StoredProfile> Profiles, List<StoredRecord> Records, List<string> Origins) GatherNeighbourhood(IReadOnlyList<string> seedProfileIds)
    {
        var profiles = new Dictionary<string, StoredProfile>(StringComparer.Ordinal);
        var records = new List<StoredRecord>();
        var origins = new List<string>();
        var queue = new Queue<string>();
        foreach (var seed in seedProfileIds)
        {
            queue.Enqueue(ResolveProfileId(seed));
        }
        while (queue.Count > 0 && records.Count < MaxNeighbourhoodRecords)
        {
            var id = queue.Dequeue();
            if (profiles.ContainsKey(id) || !TryLoadProfile(id, out var profile))
            {
                continue;
            }
            profiles[id] = profile;
            foreach (var member in profile.Members)
            {
                if (_store.TryRead<StoredRecord>(StoreKeys.Record(member.Channel, member.RecordId), out var record))
                {
                    records.Add(record);
                    origins.Add(id);
                }
            }
            foreach (var refusal in profile.Refusals)
            {
                var other = ProfileOfRecord(refusal.OtherRecord);
                if (other.Length > 0 && !profiles.ContainsKey(other))
                {
                    queue.Enqueue(other);
                }
            }
            foreach (var member in profile.Members)
            {
                var key = StoreKeys.Record(member.Channel, member.RecordId);
                if (_decided.Contains(key))
                {
                    foreach (var decision in DecisionsOf(key))
                    {
                        var other = ProfileOfRecord(decision.OtherRecord);
                        if (other.Length > 0 && !profiles.ContainsKey(other))
                        {
                            queue.Enqueue(other);
                        }
                    }
                }
            }
        }
        return (profiles, records, origins);
    }
}
