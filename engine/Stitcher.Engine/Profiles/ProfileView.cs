using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;
using Stitcher.Plugins;

namespace Stitcher.Engine.Profiles;

/// <summary>Turns a stored profile into the contract type sinks and embedders see.</summary>
internal static class ProfileView
{
    public static StitchedProfile ToStitched(StoredProfile profile, JourneyMap journey)
    {
        var attributes = new Dictionary<string, ProfileAttribute>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < profile.Best.Length; i++)
        {
            var best = profile.Best[i];
            if (best is null || (CanonicalAttribute)i is CanonicalAttribute.RecordId or CanonicalAttribute.Timestamp)
            {
                continue;
            }
            attributes[CanonicalAttributes.NameOf((CanonicalAttribute)i)] =
                new ProfileAttribute(best.Value, best.Channel, best.RecordId, ToUtc(best.TimestampUtcTicks));
        }
        var records = new SourceRecordRef[profile.Members.Count];
        for (var i = 0; i < records.Length; i++)
        {
            var member = profile.Members[i];
            records[i] = new SourceRecordRef(member.Channel, member.RecordId, ToUtc(member.TimestampUtcTicks));
        }
        return new StitchedProfile(profile.Id, attributes, records, ToUtc(profile.FirstSeenUtcTicks), ToUtc(profile.LastSeenUtcTicks))
        {
            Timeline = JourneyTimeline.ToContract(profile.Timeline),
            Accounts = AccountKey.OfProfile(profile, journey),
        };
    }

    private static DateTimeOffset ToUtc(long ticks) => new(Math.Clamp(ticks, DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
}
