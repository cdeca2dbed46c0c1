using System.ComponentModel.DataAnnotations;

namespace Stitcher.Engine.Configuration;

/// <summary>Everything the engine is configured with; bound from the <c>Stitcher</c> section of stitcher.json.</summary>
public sealed class StitcherOptions
{
    public const string SectionName = "Stitcher";
    internal const int DefaultBatchSize = 1000;
    internal const int DefaultCheckpointIntervalSeconds = 60;
    internal const double DefaultPollIntervalSeconds = 2;

    /// <summary>Where the store, checkpoints and dead-letter files live. Relative to <see cref="BaseDirectory"/>.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// The directory relative paths resolve against. The host sets it to the configuration file's directory;
    /// an embedder may leave it empty for the current directory.
    /// </summary>
    public string BaseDirectory { get; set; } = "";

    /// <summary>ISO 3166 region used to read phone numbers written without a country code, e.g. <c>US</c> or <c>KR</c>.</summary>
    [Required]
    public string DefaultRegion { get; set; } = "US";

    /// <summary>
    /// Regions tried in order for a number without a country code that is not valid in <see cref="DefaultRegion"/>,
    /// when the record has no country: e.g. <c>["KR"]</c> for a channel mixing US and Korean stores.
    /// </summary>
    public List<string> FallbackPhoneRegions { get; set; } = [];

    /// <summary>Whether an ambiguous date such as 03/04/1985 is day-first (4 March) rather than month-first.</summary>
    public bool DayFirstDates { get; set; }

    /// <summary>Records processed and persisted together; progress is saved per batch.</summary>
    [Range(1, 1_000_000)]
    public int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>
    /// The largest record stored, in bytes of its values (as read and normalized); a larger one is dead-lettered with
    /// its size and the rest of its batch is stitched. 0: an eighth of <c>Store:PageSizeBytes</c>, so that a profile of
    /// several such records still fits a page of the store's log.
    /// </summary>
    [Range(0, 1L << 30)]
    public long MaxRecordBytes { get; set; }

    /// <summary>
    /// The longest row (CSV) or line (NDJSON) read. A quote never closed within it loses only the line it opened on, a
    /// longer line its rest; either is dead-lettered with its start, and reading resumes at the next line. Memory per
    /// file stays within about this size.
    /// </summary>
    [Range(1024, int.MaxValue)]
    public int MaxRowBytes { get; set; } = Ingest.ChannelFile.DefaultMaxRowBytes;

    /// <summary><see cref="MaxRecordBytes"/>, or its default from the store's page size.</summary>
    public long EffectiveMaxRecordBytes => MaxRecordBytes > 0 ? MaxRecordBytes : Math.Max(1024, Store.PageSizeBytes / 8);

    /// <summary>
    /// The largest profile document, in estimated bytes (what its records add to it, counted as if none shared a value).
    /// A link that would make a profile larger is refused, explained like any refused link, so that a chain of records
    /// through many identifier values never grows a document past a page of the store's log, which FASTER cannot write.
    /// 0: half of <c>Store:PageSizeBytes</c> (about 8,000 typical records for the default 4 MiB page).
    /// </summary>
    [Range(0, 1L << 30)]
    public long MaxProfileBytes { get; set; }

    /// <summary><see cref="MaxProfileBytes"/>, or its default from the store's page size; never more than the page can hold.</summary>
    public long EffectiveMaxProfileBytes => MaxProfileBytes > 0 ? Math.Min(MaxProfileBytes, Store.PageSizeBytes * 3 / 4) : Store.PageSizeBytes / 2;

    /// <summary>The custom attributes (<c>trait.&lt;name&gt;</c>) any channel maps, in their canonical spelling and name order.</summary>
    public IReadOnlyList<string> MappedTraits()
    {
        var traits = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var channel in Channels.Values)
        {
            foreach (var attribute in channel.Mapping.Keys)
            {
                if (Schema.Traits.TryParse(attribute, out var trait, out _))
                {
                    traits.Add(trait);
                }
            }
        }
        return [.. traits];
    }

    /// <summary>How often a running service takes a checkpoint of the store.</summary>
    [Range(1, 86_400)]
    public int CheckpointIntervalSeconds { get; set; } = DefaultCheckpointIntervalSeconds;

    /// <summary>How often a running service looks for new data in its sources.</summary>
    [Range(0.05, 3600)]
    public double PollIntervalSeconds { get; set; } = DefaultPollIntervalSeconds;

    /// <summary>The channels to read, by channel name.</summary>
    public Dictionary<string, ChannelOptions> Channels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Deterministic identifier rules: records sharing a value of one of these are the same customer.</summary>
    public List<IdentifierRuleOptions> Rules { get; set; } = [];

    /// <summary>Where stitched profiles go, by sink name.</summary>
    public Dictionary<string, SinkOptions> Sinks { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Folders holding plugin subfolders (<c>&lt;dir&gt;/&lt;Name&gt;/&lt;Name&gt;.dll</c>). Empty means the <c>plugins</c> folder beside the executable.</summary>
    public List<string> PluginDirectories { get; set; } = [];

    /// <summary>Sizing of the FASTER key-value store.</summary>
    public StoreOptions Store { get; set; } = new();

    /// <summary>How the golden value of each attribute is chosen.</summary>
    public SurvivorshipOptions Survivorship { get; set; } = new();

    /// <summary>Journey stages, channel contexts and B2B account detection.</summary>
    public JourneyOptions Journey { get; set; } = new();

    /// <summary>Probabilistic matching: the trained model and its thresholds.</summary>
    public MatchingOptions Matching { get; set; } = new();

    /// <summary>Resolves <paramref name="path"/> against <see cref="BaseDirectory"/>.</summary>
    public string ResolvePath(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }
        var root = string.IsNullOrEmpty(BaseDirectory) ? Environment.CurrentDirectory : BaseDirectory;
        return Path.GetFullPath(Path.Combine(root, path));
    }
}

/// <summary>One channel: where its files are and how their fields map onto canonical attributes.</summary>
public sealed class ChannelOptions
{
    /// <summary>A file, or a folder whose files matching <see cref="Pattern"/> are read in name order.</summary>
    [Required]
    public string Path { get; set; } = "";

    /// <summary>File name pattern when <see cref="Path"/> is a folder, e.g. <c>*.csv</c>.</summary>
    public string? Pattern { get; set; }

    /// <summary><c>csv</c> or <c>ndjson</c>.</summary>
    [Required]
    public string Format { get; set; } = "csv";

    /// <summary>CSV field delimiter.</summary>
    public string Delimiter { get; set; } = ",";

    /// <summary>Breaks ties between equally recent values: the higher priority channel's value wins.</summary>
    public int Priority { get; set; }

    /// <summary>Canonical attribute name → source column (CSV) or dotted JSON path (NDJSON).</summary>
    public Dictionary<string, string> Mapping { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A deterministic matching rule on one identifier attribute.</summary>
public sealed class IdentifierRuleOptions
{
    /// <summary>Name of the rule, kept in the identifier index and in explanations.</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>The canonical attribute compared, e.g. <c>email</c>.</summary>
    [Required]
    public string Attribute { get; set; } = "";

    /// <summary>When true only records of the same channel link on this identifier (e.g. a CRM-local customer id).</summary>
    public bool WithinChannel { get; set; }

    /// <summary>Normalized values that never link (placeholders such as <c>test@test.com</c>).</summary>
    public List<string> IgnoreValues { get; set; } = [];

    /// <summary>
    /// How many clearly different people (different given names and birth dates) may share one value before it stops
    /// linking: 2 means a household landline or a shared inbox links nobody. 0 means no limit (a trusted key).
    /// </summary>
    [Range(0, 1_000_000)]
    public int MaxPeople { get; set; } = 2;

    /// <summary>
    /// How many records one value may join before it stops linking and is reported (a kiosk's device id, a shop's
    /// phone on every till receipt): a profile cannot grow without bound on such a value. 0 means no limit.
    /// </summary>
    [Range(0, 100_000_000)]
    public int MaxRecords { get; set; } = 10_000;
}

/// <summary>One configured use of a sink plugin.</summary>
public sealed class SinkOptions
{
    /// <summary>The plugin's name, e.g. <c>csv</c>.</summary>
    [Required]
    public string Plugin { get; set; } = "";

    /// <summary>Whether this sink receives profiles.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Plugin-specific settings.</summary>
    public Dictionary<string, string> Settings { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What the destination uses profiles for (<c>marketing</c>, <c>service</c>, <c>analytics</c>, …): consent is checked per purpose.</summary>
    public string? Purpose { get; set; }

    /// <summary>Changes per call to the sink.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>Changes read ahead into the sink's queue; memory per sink stays within this many profiles.</summary>
    [Range(1, 10_000_000)]
    public int QueueChanges { get; set; } = 20_000;

    /// <summary>
    /// Tries per batch before its changes go to the dead letters (0: retry a retryable failure for ever, holding the
    /// cursor). A failure the sink calls permanent is dead-lettered at once.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first retry's delay; each next one doubles it, with jitter, up to <see cref="MaxRetryDelayMilliseconds"/>.</summary>
    [Range(1, 3_600_000)]
    public int RetryDelayMilliseconds { get; set; } = 1000;

    /// <summary>The longest delay between tries, unless the destination asks for longer (<c>Retry-After</c>).</summary>
    [Range(1, 86_400_000)]
    public int MaxRetryDelayMilliseconds { get; set; } = 60_000;

    /// <summary>How long one call to the sink may take before it counts as failed (a hung plugin).</summary>
    [Range(1, 86_400)]
    public int TimeoutSeconds { get; set; } = 100;
}

/// <summary>Sizing of the FASTER log; the defaults suit a few million records.</summary>
public sealed class StoreOptions
{
    /// <summary>Size of the hash index in bytes (rounded down to a power of two).</summary>
    [Range(1L << 16, 1L << 34)]
    public long IndexSizeBytes { get; set; } = 1L << 24;

    /// <summary>In-memory part of the log in bytes; older pages live on disk.</summary>
    [Range(1L << 20, 1L << 40)]
    public long MemorySizeBytes { get; set; } = 1L << 28;

    /// <summary>Log page size in bytes.</summary>
    [Range(1L << 12, 1L << 30)]
    public long PageSizeBytes { get; set; } = 1L << 22;

    internal const int DefaultCheckpointTimeoutSeconds = 600;

    /// <summary>
    /// The longest a checkpoint may take before the engine stops with an error, as a last resort: a failed write stops
    /// it at once, this bounds one that hangs without failing (a storage that no longer answers).
    /// </summary>
    [Range(1, 86_400)]
    public int CheckpointTimeoutSeconds { get; set; } = DefaultCheckpointTimeoutSeconds;
}

/// <summary>Probabilistic matching. Without a trained model (<c>stitcher train</c>) only identifier rules link records.</summary>
public sealed class MatchingOptions
{
    /// <summary>Whether records are also linked by the probabilistic model when one is present.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The model file; empty means <c>model.json</c> in the data directory, where <c>stitcher train</c> saves it.</summary>
    public string ModelPath { get; set; } = "";

    /// <summary>Overrides the model's auto-link probability threshold.</summary>
    [Range(0.5, 1.0)]
    public double? LinkThreshold { get; set; }

    /// <summary>Overrides the model's review-band lower threshold.</summary>
    [Range(0.0, 1.0)]
    public double? ReviewThreshold { get; set; }

    /// <summary>A blocking key shared by more records than this stops producing candidate pairs.</summary>
    [Range(2, 1_000_000)]
    public int MaxBlockSize { get; set; } = Matching.CandidateIndex.DefaultMaxBlockSize;

    /// <summary>
    /// The most candidate records one record is compared with. Its blocks are scanned most selective first (same
    /// email, phone, birth date and name) and a block that would exceed this is skipped, so the cost per record stays
    /// flat as the store grows; raise it to compare records with more of their common-name namesakes.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxCandidates { get; set; } = Matching.CandidateIndex.DefaultMaxCandidates;

    /// <summary>
    /// Training estimates the model on at most this many records: a sample chosen by a hash of the record key, so the
    /// same records always give the same sample. Shared identifier values are still found among all records.
    /// </summary>
    [Range(1000, int.MaxValue)]
    public int TrainingSampleRecords { get; set; } = DefaultTrainingSampleRecords;

    internal const int DefaultTrainingSampleRecords = 250_000;
}

/// <summary>
/// Survivorship: rules tried in order until one prefers a value — <c>most_recent</c>, <c>source_priority</c>
/// (channel <c>Priority</c>), <c>most_frequent</c>, <c>most_complete</c>.
/// </summary>
public sealed class SurvivorshipOptions
{
    /// <summary>
    /// Rules for every attribute without its own list; empty means most_recent, source_priority, most_frequent.
    /// (Empty by default because the configuration binder appends to a list: a configured list must replace it.)
    /// </summary>
    public List<string> Default { get; set; } = [];

    /// <summary>Per canonical attribute, e.g. <c>"given_name": ["most_complete", "most_frequent"]</c>.</summary>
    public Dictionary<string, List<string>> Attributes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The rule a configuration name stands for.</summary>
    public static bool TryParseRule(string name, out Profiles.SurvivorshipRule rule)
    {
        switch (name.Trim().ToLowerInvariant())
        {
            case "most_recent": rule = Profiles.SurvivorshipRule.MostRecent; return true;
            case "source_priority": rule = Profiles.SurvivorshipRule.SourcePriority; return true;
            case "most_frequent": rule = Profiles.SurvivorshipRule.MostFrequent; return true;
            case "most_complete": rule = Profiles.SurvivorshipRule.MostComplete; return true;
            default: rule = default; return false;
        }
    }
}
