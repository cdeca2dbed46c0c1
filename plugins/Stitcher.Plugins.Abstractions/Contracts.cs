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
    ILoggerFactory LoggerFactory)
{
    /// <summary>
    /// The purpose the sink's destination uses profiles for (<c>marketing</c>, <c>service</c>, <c>analytics</c>, …), from
    /// the sink's <c>Purpose</c> setting; null when not configured. Consent is checked per purpose.
    /// </summary>
    public string? Purpose { get; init; }

    /// <summary>
    /// A directory the sink may keep its own state in (the destination's ids for profiles, say), inside the engine's
    /// data directory and kept with it; null when the host gives none. Created by the sink when it needs it.
    /// </summary>
    public string? StateDirectory { get; init; }

    /// <summary>
    /// The custom attributes the configured channels map (<c>trait.shoe_size</c>), in name order. Profiles carry them in
    /// <see cref="StitchedProfile.Attributes"/> and <see cref="StitchedProfile.Values"/> under these names; a sink with
    /// fixed columns can add them. Empty when none are mapped.
    /// </summary>
    public IReadOnlyList<string> TraitNames { get; init; } = [];
}

/// <summary>
/// Receives profile changes in batches, from the sink's own durable outbox. Calls on one sink never overlap. Delivery is
/// at least once: after a crash or a retry a change may come again, with the same <see cref="ProfileChange.IdempotencyKey"/>
/// and the same content.
/// </summary>
public interface IProfileSink : IAsyncDisposable
{
    /// <summary>The configured name of this sink.</summary>
    string Name { get; }

    /// <summary>
    /// Takes a batch of changes, in the order they were committed. Returns the changes the destination refused for good
    /// (a required field missing, a value it rejects): those go to the sink's dead letters and the rest count as
    /// delivered. A failure of the whole batch is thrown: a <see cref="SinkException"/> says whether a retry can help
    /// (any other exception is retried a few times, then dead-lettered).
    /// </summary>
    ValueTask<IReadOnlyList<ChangeRejection>> WriteAsync(ProfileBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Makes everything written so far durable at the destination. The outbox moves the sink's cursor past a batch only
    /// after this returns, so a sink that writes through on <see cref="WriteAsync"/> returns at once.
    /// </summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);
}

/// <summary>A batch of profile changes, oldest first; a profile appears at most once per version.</summary>
/// <param name="Changes">The changes, to be applied in this order (an id retired early in a batch may be claimed again later in it).</param>
public sealed record ProfileBatch(IReadOnlyList<ProfileChange> Changes)
{
    /// <summary>The current content of every upserted profile, in order.</summary>
    public IReadOnlyList<StitchedProfile> Profiles => [.. Changes.Where(static c => c.Kind == ProfileChangeKind.Upserted && c.Profile is not null).Select(static c => c.Profile!)];

    /// <summary>The ids retired (merged into another profile) or deleted, in order.</summary>
    public IReadOnlyList<string> RetiredProfileIds => [.. Changes.Where(static c => c.Kind != ProfileChangeKind.Upserted).Select(static c => c.ProfileId)];
}

/// <summary>What happened to a profile.</summary>
public enum ProfileChangeKind
{
    /// <summary>The profile was created or changed: <see cref="ProfileChange.Profile"/> is its current content.</summary>
    Upserted = 1,

    /// <summary>The profile was merged into <see cref="ProfileChange.SurvivorId"/>; its id now stands for the survivor.</summary>
    Retired = 2,

    /// <summary>The profile's last record was deleted: it no longer exists.</summary>
    Deleted = 3,
}

/// <summary>One change to deliver.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="ProfileId">The profile it happened to.</param>
/// <param name="Version">
/// The change log's sequence number of the change: it rises with every change to the profile and is never reused, so a
/// destination that keeps the highest version it applied can ignore anything older or repeated.
/// </param>
/// <param name="ChangedAt">When the engine committed the change.</param>
public sealed record ProfileChange(ProfileChangeKind Kind, string ProfileId, long Version, DateTimeOffset ChangedAt)
{
    /// <summary>The profile as it is now (for <see cref="ProfileChangeKind.Upserted"/>); null otherwise.</summary>
    public StitchedProfile? Profile { get; init; }

    /// <summary>The profile this one was merged into (for <see cref="ProfileChangeKind.Retired"/>); null otherwise.</summary>
    public string? SurvivorId { get; init; }

    /// <summary>The profile id and the version: the same for every delivery of this change, and only for this change.</summary>
    public string IdempotencyKey => string.Concat(ProfileId, ":", Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>A change of a batch that the destination refused for good.</summary>
/// <param name="Index">The change's position in <see cref="ProfileBatch.Changes"/>.</param>
/// <param name="Code">The destination's error code (e.g. <c>REQUIRED_FIELD_MISSING</c>, an HTTP status).</param>
/// <param name="Message">The destination's message; never profile values a log should not hold.</param>
public sealed record ChangeRejection(int Index, string Code, string Message);

/// <summary>A sink's whole batch failed; <see cref="Retryable"/> says whether trying again later can help.</summary>
public sealed class SinkException : Exception
{
    /// <summary>A retryable failure with no message.</summary>
    public SinkException()
    {
        Retryable = true;
    }

    /// <summary>A retryable failure.</summary>
    public SinkException(string message)
        : base(message)
    {
        Retryable = true;
    }

    /// <summary>A retryable failure with its cause.</summary>
    public SinkException(string message, Exception innerException)
        : base(message, innerException)
    {
        Retryable = true;
    }

    /// <summary>Creates the exception for a failure of a whole batch.</summary>
    /// <param name="message">What failed, for logs and dead letters.</param>
    /// <param name="retryable">Whether the destination may take the batch later (unavailable, throttled, locked).</param>
    /// <param name="code">The destination's error code.</param>
    /// <param name="retryAfter">How long the destination asked to wait (<c>Retry-After</c>); null for the outbox's backoff.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public SinkException(string message, bool retryable, string? code = null, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Retryable = retryable;
        Code = code;
        RetryAfter = retryAfter;
    }

    /// <summary>Whether trying again later can help; false sends the batch to the dead letters at once.</summary>
    public bool Retryable { get; }

    /// <summary>The destination's error code, e.g. an HTTP status or <c>REQUEST_LIMIT_EXCEEDED</c>.</summary>
    public string? Code { get; }

    /// <summary>
    /// Changes of the batch the destination refused for good in the call that failed, as
    /// <see cref="IProfileSink.WriteAsync"/> would have returned them (a batch with one locked row and one record
    /// missing a required field). When the outbox gives the batch up, these are dead-lettered with their own codes and
    /// messages, the others with this exception's.
    /// </summary>
    public IReadOnlyList<ChangeRejection> Rejections { get; init; } = [];

    /// <summary>How long the destination asked to wait before the next try.</summary>
    public TimeSpan? RetryAfter { get; }
}

/// <summary>
/// Optionally implemented by a sink that knows how much of its destination's quota it has used (Salesforce's
/// <c>Sforce-Limit-Info</c>); shown by <c>stitcher sinks status</c>.
/// </summary>
public interface ISinkUsage
{
    /// <summary>The latest usage as the destination reported it, e.g. <c>api-usage=120/15000</c>; null when not known.</summary>
    string? Usage { get; }
}

/// <summary>A golden customer record: the single view stitched from many channel records.</summary>
/// <param name="Id">Stable profile id.</param>
/// <param name="Attributes">
/// Best value per attribute name, each with where it came from: the canonical attributes (e.g. <c>email</c>) and the
/// custom ones channels map (<c>trait.shoe_size</c>, see <see cref="SinkContext.TraitNames"/>).
/// </param>
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
