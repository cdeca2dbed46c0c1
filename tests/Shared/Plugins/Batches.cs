using Stitcher.Plugins;

namespace Stitcher.Tests;

/// <summary>Batches as the outbox builds them: upserts, then retirements, versions rising in that order.</summary>
internal static class Batches
{
    public static ProfileBatch Of(IEnumerable<StitchedProfile> upserted, IEnumerable<string> retired)
    {
        var changes = new List<ProfileChange>();
        var version = 1L;
        foreach (var profile in upserted)
        {
            changes.Add(new ProfileChange(ProfileChangeKind.Upserted, profile.Id, version++, DateTimeOffset.UnixEpoch) { Profile = profile });
        }
        foreach (var id in retired)
        {
            changes.Add(new ProfileChange(ProfileChangeKind.Retired, id, version++, DateTimeOffset.UnixEpoch) { SurvivorId = "survivor" });
        }
        return new ProfileBatch(changes);
    }
}
