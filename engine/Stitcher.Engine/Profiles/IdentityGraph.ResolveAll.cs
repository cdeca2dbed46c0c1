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
        foreach (var key in keys)
        {
            if (!_store.TryRead<StoredRecord>(key, out var record))
            {
                continue;
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
                    record.Evidence.Add(new StoredEvidence
                    {
                        Kind = match.Kind,
                        OtherRecord = match.OtherRecord,
                        OtherProfile = ProfileOfRecord(match.OtherRecord),
                        Probability = match.Probability,
                        Levels = match.Levels,
                        Reason = match.Reason,
                    });
                }
            }
            _store.Write(key, record);
        }
        // A pair in the review band is found from both sides; both give the same document (ReviewPair keys by the smaller record).
        var done = 0L;
        var sinceFlush = 0;
        foreach (var group in Neighbourhoods(keys))
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
    /// The profiles of the store, grouped so that every link between records of two profiles (match evidence, refused
    /// links, reviewer decisions) lies inside one group: each group can be resolved on its own.
    /// </summary>
    private List<List<string>> Neighbourhoods(List<string> recordKeys)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var parent = new List<int>();
        int Id(string profile)
        {
            if (!index.TryGetValue(profile, out var i))
            {
                i = parent.Count;
                index[profile] = i;
                parent.Add(i);
            }
            return i;
        }
        int Find(int x)
        {
            while (parent[x] != x)
            {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            return x;
        }
        void Union(string a, string b)
        {
            if (a.Length > 0 && b.Length > 0)
            {
                parent[Find(Id(a))] = Find(Id(b));
            }
        }
        foreach (var key in recordKeys)
        {
            if (!_store.TryRead<StoredRecord>(key, out var record))
            {
                continue;
            }
            var profile = ResolveProfileId(record.ProfileId);
            Id(profile);
            foreach (var evidence in record.Evidence)
            {
                if (evidence.Kind == StoredEvidence.Probabilistic && evidence.OtherRecord is not null)
                {
                    Union(profile, ProfileOfRecord(evidence.OtherRecord));
                }
            }
            foreach (var decision in DecisionsOf(key))
            {
                Union(profile, ProfileOfRecord(decision.OtherRecord));
            }
        }
        _store.ScanPrefix<StoredProfile>(StoreKeys.ProfilePrefix, (_, profile) =>
        {
            foreach (var refusal in profile.Refusals)
            {
                Union(profile.Id, ProfileOfRecord(refusal.OtherRecord));
            }
        });
        var groups = new Dictionary<int, List<string>>();
        foreach (var (profile, i) in index)
        {
            var root = Find(i);
            if (!groups.TryGetValue(root, out var group))
            {
                group = [];
                groups[root] = group;
            }
            group.Add(profile);
        }
        var result = new List<List<string>>(groups.Values);
        foreach (var group in result)
        {
            group.Sort(StringComparer.Ordinal);
        }
        result.Sort(static (a, b) => string.CompareOrdinal(a[0], b[0]));
        return result;
    }
}
