using Microsoft.Extensions.Logging;

namespace Stitcher.Plugins;

/// <summary>
/// Entry point of a sink plugin. A plugin assembly holds one or more non-abstract classes implementing this
/// interface with a public or non-public parameterless constructor; the host creates one sink per configured use.
/// </summary>
public interface ISinkPlugin
{
    /// <summary>The name configuration uses to pick this plugin, e.g. <c>csv</c>.</summary>
    string Name { get; }

    /// <summary>Creates a sink with the settings of one configured use of the plugin.</summary>
    IProfileSink CreateSink(SinkContext context);
}

/// <summary>What a plugin is given to create a sink.</summary>
/// <param name="SinkName">The configured name of this use of the plugin (a plugin may be used more than once).</param>
/// <param name="Settings">Free-form settings from configuration, keys compared case-insensitively.</param>
/// <param name="BaseDirectory">The directory relative paths in settings resolve against (the configuration file's).</param>
/// <param name="LoggerFactory">Creates loggers; sinks never log profile values at Information or above.</param>
public sealed record SinkContext(
    string SinkName,
    IReadOnlyDictionary<string, string> Settings,
    string BaseDirectory,
    ILoggerFactory LoggerFactory);

/// <summary>Receives stitched profiles in batches. Calls on one sink never overlap.</summary>
public interface IProfileSink : IAsyncDisposable
{
    /// <summary>The configured name of this sink.</summary>
    string Name { get; }

    /// <summary>
    /// Takes a batch of changed profiles. A profile id seen before replaces the earlier version;
    /// ids in <see cref="ProfileBatch.RetiredProfileIds"/> no longer exist (merged into another profile).
    /// </summary>
    ValueTask WriteAsync(ProfileBatch batch, CancellationToken cancellationToken);

    /// <summary>Makes everything written so far durable at the destination.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);
}

/// <summary>A batch of profile changes.</summary>
/// <param name="Profiles">Profiles created or changed, at most once each.</param>
/// <param name="RetiredProfileIds">Profiles that were merged away and must disappear downstream.</param>
public sealed record ProfileBatch(IReadOnlyList<StitchedProfile> Profiles, IReadOnlyList<string> RetiredProfileIds);

/// <summary>A golden customer record: the single view stitched from many channel records.</summary>
/// <param name="Id">Stable profile id.</param>
/// <param name="Attributes">Best value per canonical attribute name (e.g. <c>email</c>), each with where it came from.</param>
/// <param name="Records">Every source record stitched into this profile.</param>
/// <param name="FirstSeen">Earliest source record timestamp.</param>
/// <param name="LastSeen">Latest source record timestamp.</param>
public sealed record StitchedProfile(
    string Id,
    IReadOnlyDictionary<string, ProfileAttribute> Attributes,
    IReadOnlyList<SourceRecordRef> Records,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen)
{
    /// <summary>The customer's journey across the profile's records; null when the host does not track journeys.</summary>
    public ProfileTimeline? Timeline { get; init; }

    /// <summary>
    /// The B2B accounts the customer belongs to, each prefixed by its kind: <c>company:</c> and a normalized company
    /// name (legal forms dropped), <c>domain:</c> and a business email domain. Empty for consumers.
    /// </summary>
    public IReadOnlyList<string> Accounts { get; init; } = [];

    /// <summary>
    /// Every distinct value per attribute name (all emails, phones, addresses, spellings of a name), most recently
    /// seen first, each with how many records carried it and when it was first and last seen.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ProfileValue>> Values { get; init; } = new Dictionary<string, IReadOnlyList<ProfileValue>>();
}

/// <summary>A customer's journey: every source record of a profile is one touchpoint.</summary>
/// <param name="TouchpointsByStage">Touchpoints per journey stage (e.g. <c>Interest</c>, <c>Action</c>); stages without any are absent.</param>
/// <param name="TouchpointsByContext">
/// Touchpoints per context category of their channel (<c>relationship &amp; transactional</c>, <c>personal &amp; social</c>,
/// <c>situational / real-time</c>); categories without any are absent.
/// </param>
/// <param name="LastTouchByChannel">When each channel last saw the customer.</param>
/// <param name="CurrentStage">Stage of the most recent touchpoint that has one; null when none has.</param>
public sealed record ProfileTimeline(
    IReadOnlyDictionary<string, int> TouchpointsByStage,
    IReadOnlyDictionary<string, int> TouchpointsByContext,
    IReadOnlyDictionary<string, DateTimeOffset> LastTouchByChannel,
    string? CurrentStage);

/// <summary>One of the values an attribute has across a profile's records.</summary>
/// <param name="Value">The value for display, as last seen.</param>
/// <param name="Count">How many records carried it.</param>
/// <param name="FirstSeen">Timestamp of the earliest record that carried it.</param>
/// <param name="LastSeen">Timestamp of the latest record that carried it.</param>
/// <param name="Channel">Channel of that latest record.</param>
/// <param name="RecordId">Id of that latest record.</param>
public sealed record ProfileValue(string Value, int Count, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, string Channel, string RecordId);

/// <summary>A golden attribute value and its lineage.</summary>
/// <param name="Value">The value for display, tidied for people (name case, reading order, a phone's national format).</param>
/// <param name="Channel">Channel of the record it came from.</param>
/// <param name="RecordId">Id of the record it came from, within that channel.</param>
/// <param name="Timestamp">Timestamp of that record.</param>
public sealed record ProfileAttribute(string Value, string Channel, string RecordId, DateTimeOffset Timestamp)
{
    /// <summary>
    /// The value as that record carried it (a name as the source spelt it, a phone in E.164), when
    /// <see cref="Value"/> tidied it; null when they are the same.
    /// </summary>
    public string? Original { get; init; }
}

/// <summary>A source record stitched into a profile.</summary>
/// <param name="Channel">The channel the record came from.</param>
/// <param name="RecordId">The record's id within its channel.</param>
/// <param name="Timestamp">When the touchpoint happened.</param>
public readonly record struct SourceRecordRef(string Channel, string RecordId, DateTimeOffset Timestamp);
