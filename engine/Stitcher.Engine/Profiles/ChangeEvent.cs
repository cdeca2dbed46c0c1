using MessagePack;

namespace Stitcher.Engine.Profiles;

/// <summary>What happened to a profile.</summary>
public enum ChangeEventType
{
    ProfileCreated = 1,
    ProfileUpdated = 2,
    /// <summary><see cref="ChangeEvent.RelatedProfileId"/> was merged into <see cref="ChangeEvent.ProfileId"/> and is now its alias.</summary>
    ProfileMerged = 3,
    ProfileSplit = 4,
    ProfileDeleted = 5,
}

/// <summary>
/// One entry of the durable change log kept in the store, in sequence order: every profile create, update and merge
/// (splits and deletes with the identity graph's next slice). Written in the same batch as the change itself, so
/// the log and the profiles never disagree after a restart.
/// </summary>
/// <param name="Sequence">1, 2, 3, … across the whole store.</param>
/// <param name="Type">What happened.</param>
/// <param name="ProfileId">The profile it happened to (for a merge, the survivor).</param>
/// <param name="RelatedProfileId">For a merge, the retired profile id.</param>
/// <param name="Version">The profile's version after the change, which is <paramref name="Sequence"/> (0 for a merge, split or delete).</param>
/// <param name="AtUtcTicks">When the engine made the change.</param>
[MessagePackObject]
public sealed record ChangeEvent(
    [property: Key(0)] long Sequence,
    [property: Key(1)] ChangeEventType Type,
    [property: Key(2)] string ProfileId,
    [property: Key(3)] string? RelatedProfileId,
    [property: Key(4)] long Version,
    [property: Key(5)] long AtUtcTicks);
