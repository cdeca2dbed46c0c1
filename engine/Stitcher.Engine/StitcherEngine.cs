using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Delivery;
using Stitcher.Engine.Matching;
using Stitcher.Engine.Normalization;
using Stitcher.Engine.Pipeline;
using Stitcher.Engine.Profiles;
using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;
using Stitcher.Plugins;

namespace Stitcher.Engine;

/// <summary>
/// The stitching engine: reads channel files, normalizes and links their records into golden profiles kept in
/// a FASTER store, and hands changed profiles to sinks. Works without a host; one instance owns its data directory.
/// Calls are serialized: the engine is a single worker over one store session.
/// </summary>
public sealed partial class StitcherEngine : IAsyncDisposable, IDisposable
{
    private const double SettleSeconds = 5;

    private readonly StitcherOptions _options;
    private readonly IReadOnlyList<IProfileSink> _sinks;
    private readonly ILogger<StitcherEngine> _logger;
    private readonly KeyValueStore _store;
    private readonly DataDirectoryLock _lock;
    private readonly IdentityGraph _graph;
    private readonly ProbabilisticMatcher? _matcher;
    private readonly JourneyMap _journey;
    private readonly RecordNormalizer _normalizer;
    private readonly DeadLetterWriter _deadLetters;
    private readonly Dictionary<string, ChannelSource> _channels = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<SinkOutbox> _outboxes = [];
    private readonly List<ChangeEvent> _feedEvents = [];
    private readonly LinkOutcome _outcome = new();
    private readonly List<FieldIssue> _issues = new(4);
    private StagedBatch? _staged;

    /// <summary>The source file name recorded for records handed over one by one.</summary>
    private const string ApiSource = "(api)";
    private long _lastCheckpointTimestamp;
    private bool _disposed;
    private Exception? _fault;
    private int _loggedBlockGrowth = 1;
    // The change sequence number the last checkpoint made durable: sinks hear of changes up to it.
    private long _durableSequence;

    public StitcherEngine(StitcherOptions options, IEnumerable<IProfileSink>? sinks = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        _options = options;
        _sinks = sinks is null ? [] : [.. sinks];
        _logger = loggerFactory.CreateLogger<StitcherEngine>();
        DataDirectory = options.ResolvePath(options.DataDirectory);
        foreach (var (name, channel) in options.Channels)
        {
            _channels[name] = new ChannelSource(name, channel, options);
        }
        var rules = new List<IdentifierRule>(options.Rules.Count);
        foreach (var rule in options.Rules)
        {
            if (!CanonicalAttributes.TryParse(rule.Attribute, out var attribute))
            {
                throw new ArgumentException($"Rule '{rule.Name}' names unknown attribute '{rule.Attribute}'.", nameof(options));
            }
            rules.Add(new IdentifierRule(rule.Name, attribute, rule.WithinChannel, new HashSet<string>(rule.IgnoreValues, StringComparer.Ordinal), rule.MaxPeople, rule.MaxRecords));
        }
        _normalizer = new RecordNormalizer(options.DefaultRegion, options.DayFirstDates, options.FallbackPhoneRegions);
        // Before the store opens: a second process stops here, and the store is untouched.
        _lock = DataDirectoryLock.Acquire(DataDirectory);
        try
        {
            _store = new KeyValueStore(
                Path.Combine(DataDirectory, "store"),
                options.Store.IndexSizeBytes,
                options.Store.MemorySizeBytes,
                options.Store.PageSizeBytes,
                loggerFactory.CreateLogger<KeyValueStore>(),
                TimeSpan.FromSeconds(options.Store.CheckpointTimeoutSeconds));
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
        try
        {
            _matcher = CreateMatcher(options, DataDirectory, _store, loggerFactory);
        }
        catch
        {
            // A model that cannot be read: the directory is free again for the next attempt.
            _store.Dispose();
            _lock.Dispose();
            throw;
        }
        _journey = new JourneyMap(options.Journey);
        var priorities = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, channel) in options.Channels)
        {
            priorities[name] = channel.Priority;
        }
        _graph = new IdentityGraph(_store, rules, _matcher, CreateSurvivorship(options.Survivorship, _journey), priorities, options.EffectiveMaxProfileBytes);
        _deadLetters = new DeadLetterWriter(Path.Combine(DataDirectory, "dead-letter"));
        // What the store recovered was durable.
        _durableSequence = _graph.ChangeSequence;
        foreach (var sink in _sinks)
        {
            var sinkOptions = options.Sinks.TryGetValue(sink.Name, out var configured) ? configured : new SinkOptions();
            _outboxes.Add(new SinkOutbox(sink, sinkOptions, DataDirectory, loggerFactory.CreateLogger<SinkOutbox>()));
        }
        _lastCheckpointTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>Receives an <see cref="IngestProgress"/> after every batch, on the engine's worker: keep it cheap.</summary>
    public IProgress<IngestProgress>? Progress { get; set; }

    /// <summary>The resolved data directory: store, checkpoints and dead-letter files.</summary>
    public string DataDirectory { get; }

    /// <summary>Whether the engine found a checkpoint and recovered from it when it opened.</summary>
    public bool Recovered => _store.Recovered;

    /// <summary>Golden profiles in the store.</summary>
    public long TotalProfiles => _graph.TotalProfiles;

    /// <summary>Distinct channel records in the store.</summary>
    public long TotalRecords => _graph.TotalRecords;

    /// <summary>Candidate pairs scored by the probabilistic model since the engine started.</summary>
    public long PairsScored => _matcher?.PairsScored ?? 0;

    /// <summary>Whether a trained model links records probabilistically.</summary>
    public bool ProbabilisticMatching => _matcher is not null;

    /// <summary>The model file the engine reads (and <c>stitcher train</c> writes).</summary>
    public static string ModelPath(StitcherOptions options) =>
        string.IsNullOrWhiteSpace(options.Matching.ModelPath)
            ? Path.Combine(options.ResolvePath(options.DataDirectory), "model.json")
            : options.ResolvePath(options.Matching.ModelPath);

    /// <summary>The dead-letter file of a channel.</summary>
    public string DeadLetterPath(string channel) => _deadLetters.PathFor(channel);

    /// <summary>Blocking keys shared by too many records to be used (see <c>Matching:MaxBlockSize</c>).</summary>
    public int OversizedBlocks => _matcher?.OversizedBlocks ?? 0;

    /// <summary>Blocks skipped for a record because they would exceed <c>Matching:MaxCandidates</c> (see there).</summary>
    public long BlocksOverBudget => _matcher?.BlocksOverBudget ?? 0;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        await _gate.WaitAsync().ConfigureAwait(false);
        DisposeCore();
    }

    /// <summary>Closes the store without a checkpoint; what was checkpointed, or is re-read from the sources, survives.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _gate.Wait();
        DisposeCore();
    }

    private void DisposeCore()
    {
        if (_disposed)
        {
            // Disposed while this caller waited.
            _gate.Release();
            return;
        }
        try
        {
            _disposed = true;
            foreach (var outbox in _outboxes)
            {
                outbox.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            try
            {
                _deadLetters.Dispose();
            }
            catch (IOException) when (_fault is not null)
            {
                // The disk that failed the batch fails this flush too: the store and the lock must still be closed.
            }
            _store.Dispose();
            if (_store.CheckpointAbandoned)
            {
                // A checkpoint left running may still write: another engine of this process must not open the store
                // under it. The lock goes with the process; a new process recovers the last named checkpoint.
                Log.LockKeptForAbandonedCheckpoint(_logger, DataDirectory);
            }
            else
            {
                _lock.Dispose();
            }
        }
        finally
        {
            // Not disposed: callers still waiting get in, see the engine disposed and leave.
            _gate.Release();
        }
    }

    /// <summary>Enters the engine's single worker; throws once the engine is disposed or stopped after a failed batch.</summary>
    private async Task EnterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        ThrowIfUnusable();
    }

    private void Enter()
    {
        _gate.Wait();
        ThrowIfUnusable();
    }

    private void ThrowIfUnusable()
    {
        if (_disposed)
        {
            _gate.Release();
            throw new ObjectDisposedException(nameof(StitcherEngine));
        }
        if (_fault is not null)
        {
            _gate.Release();
            throw new InvalidOperationException(
                "The engine stopped after a failed batch; dispose it and open the data directory again, which recovers the last checkpoint.", _fault);
        }
    }

    /// <summary>
    /// Loads the trained model, if there is one, and re-indexes the stored records so that new records are
    /// compared with everything already stitched.
    /// </summary>
    private static ProbabilisticMatcher? CreateMatcher(StitcherOptions options, string dataDirectory, KeyValueStore store, ILoggerFactory loggerFactory)
    {
        var path = ModelPath(options);
        if (!options.Matching.Enabled || !File.Exists(path))
        {
            return null;
        }
        var started = Stopwatch.GetTimestamp();
        var matcher = new ProbabilisticMatcher(MatchModel.Load(path), options.Matching.MaxBlockSize, options.Matching.LinkThreshold, options.Matching.ReviewThreshold,
            options.Matching.MaxCandidates);
        store.ScanPrefix<StoredRecord>(StoreKeys.RecordPrefix, (key, record) => matcher.Add(matcher.Prepare(key, record.Normalized)));
        var logger = loggerFactory.CreateLogger<StitcherEngine>();
        Log.MatcherReady(logger, path, matcher.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (!matcher.BlocksByEstimates)
        {
            Log.ModelWithoutBlockSizes(logger, path);
        }
        return matcher;
    }

    private static Survivorship CreateSurvivorship(SurvivorshipOptions options, JourneyMap journey)
    {
        static SurvivorshipRule[] Parse(List<string> names)
        {
            var rules = new SurvivorshipRule[names.Count];
            for (var i = 0; i < names.Count; i++)
            {
                if (!SurvivorshipOptions.TryParseRule(names[i], out rules[i]))
                {
                    throw new ArgumentException($"'{names[i]}' is not a survivorship rule.", nameof(options));
                }
            }
            return rules;
        }
        var byAttribute = new SurvivorshipRule[CanonicalAttributes.Count][];
        var byTrait = new Dictionary<string, SurvivorshipRule[]>(StringComparer.Ordinal);
        var defaults = options.Default.Count == 0 ? Survivorship.DefaultRules : Parse(options.Default);
        Array.Fill(byAttribute, defaults);
        foreach (var (name, rules) in options.Attributes)
        {
            if (CanonicalAttributes.TryParse(name, out var attribute))
            {
                byAttribute[(int)attribute] = Parse(rules);
            }
            else if (Traits.TryParse(name, out var trait, out _))
            {
                byTrait[trait] = Parse(rules);
            }
        }
        return new Survivorship(byAttribute, journey, byTrait, defaults);
    }

    /// <summary>One row after normalizing: what was wrong with it, and the record to link unless it was rejected.</summary>
    private readonly record struct NormalizedRow(List<FieldIssue>? Issues, StoredRecord? Record);

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Information, "Service started: watching {Channels} channels every {PollSeconds} s")]
        public static partial void ServiceStarted(ILogger logger, int channels, double pollSeconds);

        [LoggerMessage(101, LogLevel.Information, "Service stopped with {Records} records in {Profiles} profiles")]
        public static partial void ServiceStopped(ILogger logger, long records, long profiles);

        [LoggerMessage(102, LogLevel.Information, "Pass: {Records} records read, {Rejected} rejected, {Created} profiles created, {Merged} merged; {Profiles} profiles in store")]
        public static partial void PassCompleted(ILogger logger, long records, long rejected, int created, int merged, long profiles);

        [LoggerMessage(103, LogLevel.Warning, "Channel {Channel}: no files at {Path}")]
        public static partial void NoFiles(ILogger logger, string channel, string path);

        [LoggerMessage(104, LogLevel.Warning, "Channel {Channel}: {File} is shorter ({Length} bytes) than the saved progress ({Offset}); reading it again from the start")]
        public static partial void SourceTruncated(ILogger logger, string channel, string file, long offset, long length);

        [LoggerMessage(105, LogLevel.Debug, "Channel {Channel}: read {File} ({Records} records so far, {Rejected} rejected)")]
        public static partial void FileRead(ILogger logger, string channel, string file, long records, long rejected);

        [LoggerMessage(108, LogLevel.Information, "Probabilistic matching with model {ModelPath}: {Records} stored records indexed in {ElapsedMs:F0} ms")]
        public static partial void MatcherReady(ILogger logger, string modelPath, int records, double elapsedMs);

        [LoggerMessage(110, LogLevel.Warning, "Model {ModelPath} has no block sizes of this build's blocking keys: which pairs are compared depends on arrival order until it is trained again (stitcher train)")]
        public static partial void ModelWithoutBlockSizes(ILogger logger, string modelPath);

        [LoggerMessage(111, LogLevel.Warning, "The matcher holds {Records} records, more than the model was trained for: its block sizes are scaled by {Growth}, and which pairs are compared depends on arrival order until it is trained again on data of this size (stitcher train --apply)")]
        public static partial void StoreOutgrewModel(ILogger logger, int records, int growth);

        [LoggerMessage(109, LogLevel.Error, "Channel {Channel}: a batch of {File} failed; the engine stops without checkpointing it")]
        public static partial void BatchFailed(ILogger logger, string channel, string file, Exception exception);

        [LoggerMessage(107, LogLevel.Error, "Channel {Channel}: {File} was not read: {Reason}")]
        public static partial void FileFailed(ILogger logger, string channel, string file, string reason);

        [LoggerMessage(115, LogLevel.Warning, "An identifier value of rule {Rule} stopped linking: it is shared by {Why}; the profile it held together is resolved again")]
        public static partial void IdentifierDisabled(ILogger logger, string rule, string why);

        [LoggerMessage(112, LogLevel.Warning, "Sink {Sink}: its cursor {Cursor} is past the store's last change {Committed} (a new store): it takes every current profile again")]
        public static partial void CursorPastStore(ILogger logger, string sink, long cursor, long committed);

        [LoggerMessage(113, LogLevel.Error, "Sink {Sink}: change {Sequence} is missing from the change log; delivery to this sink waits")]
        public static partial void ChangeMissing(ILogger logger, string sink, long sequence);

        [LoggerMessage(120, LogLevel.Warning, "The data directory {DataDirectory} stays locked until this process ends: a checkpoint that could not finish may still write; restart the process to open it again")]
        public static partial void LockKeptForAbandonedCheckpoint(ILogger logger, string dataDirectory);

        [LoggerMessage(114, LogLevel.Information, "Sink {Sink}: {Changes} dead letters queued again from {File}")]
        public static partial void ReplayQueued(ILogger logger, string sink, int changes, string file);
    }
}
