using Stitcher.Engine.Matching;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Profiles;

/// <summary>
/// Resolving every stored record again, as after training a new model: each record's match evidence is scored anew
/// against all the others, and every neighbourhood the new evidence forms is resolved from its records, so that the
/// profiles are those a fresh ingest with the model would give. Identifier links and reviewer decisions carry over.
/// </summary>
internal sealed partial class IdentityGraph
{
    /// <summary>
    /// Scores every record against the others with the current model, then resolves every neighbourhood again,
    /// flushing after about <paramref name="flushEvery"/> records. Returns the number of records rescored; <paramref name="flushed"/> counts profiles done.
    /// </summary>
    /// <param name="flushEvery">Records to resolve between flushes: what the graph holds in memory before writing it.</param>
    /// <param name="flushed">Called after each flush with the changes since the previous one, and the records done so far.</param>
    public long ResolveAll(int flushEvery, Action<LinkOutcome, long> flushed)
    {
        if (_matcher is null)
        {
            return 0;
        }
        var keys = new List<string>();
        _store.ScanPrefix<StoredRecordProfile>(StoreKeys.RecordPrefix, (key, _) => keys.Add(key));
        keys.Sort(StringComparer.Ordinal);

        // Old reviews belong to the old model.
        var reviews = new List<string>();
        _store.ScanPrefix<ReviewPair>(StoreKeys.ReviewPrefix, (key, _) => reviews.Add(key));
        foreach (var key in reviews)
        {
            _store.Delete(key);
        }
        var matches = new List<MatchEvidence>();
        var outcome = new LinkOutcome();
        // Profiles grouped as the new evidence is found, so that each group can be resolved on its own.
        var groups = new ProfileGroups();
        foreach (var key in keys)
        {
            if (!_store.TryRead<StoredRecord>(key, out var record))
            {
                continue;
            }
            var profile = ResolveProfileId(record.ProfileId);
            groups.Add(profile);
            foreach (var decision in DecisionsOf(key))
            {
                groups.Union(profile, ProfileOfRecord(decision.OtherRecord));
            }
            matches.Clear();
            _matcher.FindMatches(_matcher.Prepare(key, record.Normalized), matches);
            // The evidence the model gave is replaced; what identifiers said stays. Each pair is kept once, on the record
            // with the greater key, as arrival in key order would have found it.
            record.Evidence.RemoveAll(static e => e.Kind is StoredEvidence.Probabilistic or StoredEvidence.Review || (e.Kind == StoredEvidence.Refused && e.Levels is not null));
            foreach (var match in matches)
            {
                if (string.CompareOrdinal(match.OtherRecord, key) < 0)
                {
                    var other = ProfileOfRecord(match.OtherRecord);
                    record.Evidence.Add(new StoredEvidence
                    {
                        Kind = match.Kind,
                        OtherRecord = match.OtherRecord,
                        OtherProfile = other,
                        Probability = match.Probability,
                        Levels = match.Levels,
                        Reason = match.Reason,
                    });
                    if (match.Kind == StoredEvidence.Probabilistic)
                    {
                        groups.Union(profile, other);
                    }
                }
            }
            _store.Write(key, record);
        }
        // A pair in the review band is found from both sides; both give the same document (ReviewPair keys by the smaller record).
        var done = 0L;
        var sinceFlush = 0;
        // Refused links tie profiles too: a refusal can turn into a link once the evidence around it changed.
        _store.ScanPrefix<StoredProfile>(StoreKeys.ProfilePrefix, (_, stored) =>
        {
            foreach (var refusal in stored.Refusals)
            {
                groups.Union(stored.Id, ProfileOfRecord(refusal.OtherRecord));
            }
        });
        foreach (var group in groups.Groups())
        {
            _readForLink.Clear();
            Reresolve(group, null, outcome);
            foreach (var id in group)
            {
                sinceFlush += _dirtyProfiles.TryGetValue(id, out var piece) ? piece.Members.Count : 1;
            }
            done += group.Count;
            if (sinceFlush >= flushEvery)
            {
                Flush();
                flushed(outcome, done);
                outcome = new LinkOutcome();
                sinceFlush = 0;
            }
        }
        _readForLink.Clear();
        Flush();
        flushed(outcome, done);
        return keys.Count;
    }

    /// <summary>
    /// Profile ids grouped so that every link between records of two profiles (match evidence, refused links, reviewer
    /// decisions) lies inside one group: each group can be resolved on its own. Union–find over the ids.
    /// </summary>
    private sealed class ProfileGroups
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
        private readonly List<int> _parent = [];

        public void Add(string profile) => Id(profile);

        public void Union(string a, string b)
        {
            if (a.Length > 0 && b.Length > 0)
            {
                _parent[Find(Id(a))] = Find(Id(b));
            }
        }

        /// <summary>The groups, each sorted, by their smallest id.</summary>
        public List<List<string>> Groups()
        {
            var byRoot = new Dictionary<int, List<string>>();
            foreach (var (profile, i) in _index)
            {
                var root = Find(i);
                if (!byRoot.TryGetValue(root, out var group))
                {
                    group = [];
                    byRoot[root] = group;
                }
                group.Add(profile);
            }
            var result = new List<List<string>>(byRoot.Values);
            foreach (var group in result)
            {
                group.Sort(StringComparer.Ordinal);
            }
            result.Sort(static (a, b) => string.CompareOrdinal(a[0], b[0]));
            return result;
        }

        private int Id(string profile)
        {
            if (!_index.TryGetValue(profile, out var i))
            {
                i = _parent.Count;
                _index[profile] = i;
                _parent.Add(i);
            }
            return i;
        }

        private int Find(int x)
        {
            while (_parent[x] != x)
            {
                _parent[x] = _parent[_parent[x]];
                x = _parent[x];
            }
            return x;
        }
    }
}
