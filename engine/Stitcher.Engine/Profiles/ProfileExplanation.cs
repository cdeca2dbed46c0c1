using Stitcher.Engine.Matching;
using Stitcher.Engine.Matching.Comparators;
using Stitcher.Engine.Store;
using Stitcher.Plugins;

namespace Stitcher.Engine.Profiles;

/// <summary>Why a golden profile is what it is: its records, the evidence that joined them, refused links, lineage.</summary>
/// <param name="Profile">The profile, with each golden attribute's lineage (record, channel, timestamp).</param>
/// <param name="Members">Every record in the profile with the evidence found when it was linked.</param>
public sealed record ProfileExplanation(StitchedProfile Profile, IReadOnlyList<RecordExplanation> Members);

/// <summary>One member record and the evidence recorded when it was linked.</summary>
public sealed record RecordExplanation(
    string Channel,
    string RecordId,
    DateTimeOffset Timestamp,
    string SourceFile,
    long SourceLine,
    IReadOnlyList<EvidenceExplanation> Evidence);

/// <summary>
/// One reason: <c>identifier</c> (a deterministic rule), <c>probabilistic</c> (the model's match), <c>review</c>
/// (undecided), <c>refused</c> (a guard stopped the link) or <c>reviewer</c> (a person decided).
/// </summary>
/// <param name="Kind">identifier, probabilistic, review, refused or reviewer.</param>
/// <param name="Rule">The identifier rule, for identifier and refused-identifier evidence.</param>
/// <param name="OtherRecord">The record compared with, or the first record that carried the identifier (channel:id).</param>
/// <param name="OtherProfile">The profile that record belongs to now.</param>
/// <param name="Probability">Match probability (1 for an identifier rule).</param>
/// <param name="Levels">Per compared field, its agreement level (exact, close, loose, different); missing fields are left out.</param>
/// <param name="Reason">For a person to read.</param>
/// <param name="Value">For identifier evidence, the shared identifier value (normalized).</param>
public sealed record EvidenceExplanation(
    string Kind,
    string? Rule,
    string? OtherRecord,
    string? OtherProfile,
    double Probability,
    IReadOnlyDictionary<string, string>? Levels,
    string Reason,
    string? Value = null)
{
    internal static EvidenceExplanation From(StoredEvidence evidence, Func<string, string> resolveProfile) => new(
        evidence.Kind,
        evidence.Rule,
        evidence.OtherRecord is null ? null : DisplayRecord(evidence.OtherRecord),
        evidence.OtherProfile is null ? null : resolveProfile(evidence.OtherProfile),
        evidence.Probability,
        DecodeLevels(evidence.Levels),
        evidence.Reason,
        evidence.Value);

    /// <summary>A link resolution refused between this member and a record of <paramref name="otherProfile"/>.</summary>
    internal static EvidenceExplanation FromRefusal(StoredRefusal refusal, string otherProfile) => new(
        StoredEvidence.Refused,
        null,
        DisplayRecord(refusal.OtherRecord),
        otherProfile.Length == 0 ? null : otherProfile,
        Math.Min(refusal.Strength, 1),
        null,
        refusal.Reason);

    /// <summary>A reviewer's decision about this member and another record.</summary>
    internal static EvidenceExplanation FromDecision(StoredDecision decision, string otherProfile) => new(
        Reviewer,
        null,
        DisplayRecord(decision.OtherRecord),
        otherProfile.Length == 0 ? null : otherProfile,
        decision.SamePerson ? 1 : 0,
        null,
        decision.SamePerson
            ? $"a reviewer linked these records (same person) on {new DateTime(decision.AtUtcTicks, DateTimeKind.Utc):yyyy-MM-dd HH:mm} UTC"
            : $"a reviewer decided these are different people on {new DateTime(decision.AtUtcTicks, DateTimeKind.Utc):yyyy-MM-dd HH:mm} UTC");

    /// <summary>Kind of the evidence a reviewer's decision gives.</summary>
    public const string Reviewer = "reviewer";

    /// <summary><c>R|crm|C42</c> → <c>crm:C42</c>.</summary>
    internal static string DisplayRecord(string recordKey) => StoreKeys.DisplayRecord(recordKey);

    internal static Dictionary<string, string>? DecodeLevels(string? levels)
    {
        if (levels is null)
        {
            return null;
        }
        var decoded = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var f = 0; f < levels.Length && f < MatchRecord.FieldCount; f++)
        {
            var level = (ComparisonLevel)(levels[f] - '0');
            if (level != ComparisonLevel.Missing)
            {
                decoded[((MatchField)f).ToString()] = level.ToString().ToLowerInvariant();
            }
        }
        return decoded;
    }
}

/// <summary>A pair in the review queue, for a person: both records by reference, their profiles, and each field's agreement by name.</summary>
/// <param name="RecordA">The record with the smaller key, written <c>channel:id</c>.</param>
/// <param name="RecordB">The other record, written <c>channel:id</c>.</param>
/// <param name="ProfileA">The profile holding <paramref name="RecordA"/> now.</param>
/// <param name="ProfileB">The profile holding <paramref name="RecordB"/> now.</param>
/// <param name="Probability">Match probability from the model.</param>
/// <param name="Agreement">Per compared field (GivenName, Email, …), exact, close, loose or different; missing fields are left out.</param>
public sealed record ReviewItem(string RecordA, string RecordB, string ProfileA, string ProfileB, double Probability, IReadOnlyDictionary<string, string> Agreement)
{
    internal static ReviewItem From(ReviewPair pair, string profileA, string profileB) => new(
        EvidenceExplanation.DisplayRecord(pair.RecordA),
        EvidenceExplanation.DisplayRecord(pair.RecordB),
        profileA,
        profileB,
        pair.Probability,
        EvidenceExplanation.DecodeLevels(pair.Levels) ?? new Dictionary<string, string>());
}
