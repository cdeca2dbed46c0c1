using Stitcher.Engine.Matching;
using Stitcher.Engine.Profiles;
using Stitcher.Plugins;

namespace Stitcher.Engine;

/// <summary>Reads of the store for people and tools: profiles, explanations, the change log, the review queue.</summary>
public sealed partial class StitcherEngine
{
    /// <summary>The golden profile holding a channel record, or null when the record is unknown.</summary>
    public StitchedProfile? FindProfileByRecord(string channel, string recordId)
    {
        Enter();
        try
        {
            return _graph.TryGetRecord(channel, recordId, out var record) && _graph.TryGetProfile(record.ProfileId, out var profile)
                ? ProfileView.ToStitched(profile, _journey, _normalizer.DefaultPhoneRegion)
                : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The id of the golden profile holding a channel record, or null when the record is unknown.</summary>
    public string? FindProfileIdByRecord(string channel, string recordId)
    {
        Enter();
        try
        {
            return _graph.TryGetRecord(channel, recordId, out var record) ? _graph.ResolveProfileId(record.ProfileId) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Explains a profile (a retired id resolves to its survivor): its members, the evidence that joined each,
    /// refused links, and the lineage of every golden attribute. Null when the profile is unknown.
    /// </summary>
    public ProfileExplanation? Explain(string profileId)
    {
        Enter();
        try
        {
            if (!_graph.TryGetProfile(profileId, out var profile))
            {
                return null;
            }
            var members = new List<RecordExplanation>(profile.Members.Count);
            foreach (var member in profile.Members)
            {
                if (!_graph.TryGetRecord(member.Channel, member.RecordId, out var record))
                {
                    continue;
                }
                var evidence = new List<EvidenceExplanation>(record.Evidence.Count);
                foreach (var item in record.Evidence)
                {
                    evidence.Add(EvidenceExplanation.From(item, _graph.ResolveProfileId));
                }
                // Links resolution refused, kept on the profile: the member's side of each; and reviewer decisions.
                var memberKey = StoreKeys.Record(record.Channel, record.RecordId);
                foreach (var decision in _graph.DecisionsOf(memberKey))
                {
                    evidence.Add(EvidenceExplanation.FromDecision(decision, _graph.ProfileOfRecord(decision.OtherRecord)));
                }
                foreach (var refusal in profile.Refusals)
                {
                    if (refusal.Record == memberKey)
                    {
                        evidence.Add(EvidenceExplanation.FromRefusal(refusal, _graph.ProfileOfRecord(refusal.OtherRecord)));
                    }
                }
                members.Add(new RecordExplanation(record.Channel, record.RecordId, new DateTimeOffset(record.TimestampUtcTicks, TimeSpan.Zero),
                    record.SourceFile, record.SourceLine, evidence));
            }
            return new ProfileExplanation(ProfileView.ToStitched(profile, _journey, _normalizer.DefaultPhoneRegion), members);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Explains the profile holding a channel record; null when the record is unknown.</summary>
    public ProfileExplanation? ExplainRecord(string channel, string recordId)
    {
        var profileId = FindProfileIdByRecord(channel, recordId);
        return profileId is null ? null : Explain(profileId);
    }

    /// <summary>Change events after <paramref name="afterSequence"/>, oldest first, at most <paramref name="max"/>.</summary>
    public IReadOnlyList<ChangeEvent> ReadChanges(long afterSequence = 0, int max = int.MaxValue)
    {
        Enter();
        try
        {
            var changes = new List<ChangeEvent>();
            ChangeLog.Read(_store, afterSequence, _graph.ChangeSequence, max, changes);
            return changes;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The B2B account view: every profile (contact) whose records name the account, by company
    /// (<c>company:acme</c>) or business email domain (<c>domain:acme.com</c>); see <see cref="StitchedProfile.Accounts"/>.
    /// Scans the profiles: an occasional query, not a hot path.
    /// </summary>
    public IReadOnlyList<StitchedProfile> ProfilesInAccount(string accountKey)
    {
        Enter();
        try
        {
            var contacts = new List<StitchedProfile>();
            _graph.ScanProfiles(profile =>
            {
                if (AccountKey.OfProfile(profile, _journey).Contains(accountKey, StringComparer.Ordinal))
                {
                    contacts.Add(ProfileView.ToStitched(profile, _journey, _normalizer.DefaultPhoneRegion));
                }
            });
            contacts.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
            return contacts;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The review queue: record pairs the model could not decide that are still in different profiles and that no
    /// reviewer has decided, most probable first (then by record, so the list is the same in any order of ingest).
    /// </summary>
    public IReadOnlyList<ReviewItem> ListReviews(int limit = int.MaxValue)
    {
        Enter();
        try
        {
            var reviews = new List<ReviewItem>();
            _store.ScanPrefix<ReviewPair>(StoreKeys.ReviewPrefix, (_, review) =>
            {
                var profileA = _graph.ProfileOfRecord(review.RecordA);
                var profileB = _graph.ProfileOfRecord(review.RecordB);
                if (profileA.Length > 0 && profileB.Length > 0 && profileA != profileB && !_graph.IsDecided(review.RecordA, review.RecordB))
                {
                    reviews.Add(ReviewItem.From(review, profileA, profileB));
                }
            });
            reviews.Sort(static (a, b) =>
            {
                var byProbability = b.Probability.CompareTo(a.Probability);
                return byProbability != 0 ? byProbability : string.CompareOrdinal(a.RecordA + "#" + a.RecordB, b.RecordA + "#" + b.RecordB);
            });
            return reviews.Count > limit ? reviews.GetRange(0, limit) : reviews;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A golden profile by id; a retired id resolves to the profile that absorbed it.</summary>
    public StitchedProfile? GetProfile(string profileId)
    {
        Enter();
        try
        {
            return _graph.TryGetProfile(profileId, out var profile) ? ProfileView.ToStitched(profile, _journey, _normalizer.DefaultPhoneRegion) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A stored record as the engine keeps it (normalized values, evidence), for tools inside the engine.</summary>
    internal bool TryGetStoredRecord(string channel, string recordId, out Store.StoredRecord record)
    {
        Enter();
        try
        {
            return _graph.TryGetRecord(channel, recordId, out record);
        }
        finally
        {
            _gate.Release();
        }
    }
}
