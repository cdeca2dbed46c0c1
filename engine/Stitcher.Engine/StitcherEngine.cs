using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Ingest;
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
    private const int DeliveryChunkSize = 500;
    private const double SettleSeconds = 5;

    private readonly StitcherOptions _options;
    private readonly IReadOnlyList<IProfileSink> _sinks;
    private readonly ILogger<StitcherEngine> _logger;
    private readonly KeyValueStore _store;
    private readonly IdentityGraph _graph;
    private readonly ProbabilisticMatcher? _matcher;
    private readonly JourneyMap _journey;
    private readonly RecordNormalizer _normalizer;
    private readonly DeadLetterWriter _deadLetters;
    private readonly Dictionary<string, ChannelSource> _channels = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<string> _undelivered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _retiredUndelivered = new(StringComparer.Ordinal);
    private readonly LinkOutcome _outcome = new();
    private readonly List<FieldIssue> _issues = new(4);
    private StagedBatch? _staged;

    /// <summary>The source file name recorded for records handed over one by one.</summary>
    private const string ApiSource = "(api)";
    private long _lastCheckpointTimestamp;
    private bool _disposed;
    private Exception? _fault;

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
            rules.Add(new IdentifierRule(rule.Name, attribute, rule.WithinChannel, new HashSet<string>(rule.IgnoreValues, StringComparer.Ordinal), rule.MaxPeople));
        }
        _normalizer = new RecordNormalizer(options.DefaultRegion, options.DayFirstDates, options.FallbackPhoneRegions);
        _store = new KeyValueStore(
            Path.Combine(DataDirectory, "store"),
            options.Store.IndexSizeBytes,
            options.Store.MemorySizeBytes,
            options.Store.PageSizeBytes,
            loggerFactory.CreateLogger<KeyValueStore>());
        _matcher = CreateMatcher(options, DataDirectory, _store, loggerFactory);
        _journey = new JourneyMap(options.Journey);
        var priorities = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, channel) in options.Channels)
        {
            priorities[name] = channel.Priority;
        }
        _graph = new IdentityGraph(_store, rules, _matcher, CreateSurvivorship(options.Survivorship, _journey), priorities);
        _deadLetters = new DeadLetterWriter(Path.Combine(DataDirectory, "dead-letter"));
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

    /// <summary>Reads every configured source to its end, stitches, delivers to sinks and checkpoints.</summary>
    public Task<RunSummary> RunOnceAsync(CancellationToken cancellationToken = default) => PassAsync(finalRead: true, cancellationToken);

    /// <summary>
    /// Service mode: keeps reading what arrives in the configured sources until cancelled, checkpointing on the
    /// configured interval; on cancellation the batch in flight is finished, delivered and checkpointed.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var poll = TimeSpan.FromSeconds(_options.PollIntervalSeconds);
        Log.ServiceStarted(_logger, _channels.Count, poll.TotalSeconds);
        while (!cancellationToken.IsCancellationRequested)
        {
            var summary = await PassAsync(finalRead: false, cancellationToken, checkpoint: false).ConfigureAwait(false);
            if (summary.RecordsRead > 0)
            {
                Log.PassCompleted(_logger, summary.RecordsRead, summary.RecordsRejected, summary.ProfilesCreated, summary.ProfilesMerged, summary.TotalProfiles);
            }
            if (Stopwatch.GetElapsedTime(_lastCheckpointTimestamp).TotalSeconds >= _options.CheckpointIntervalSeconds)
            {
                await CheckpointAsync(CancellationToken.None).ConfigureAwait(false);
            }
            try
            {
                await Task.Delay(poll, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await CheckpointAsync(CancellationToken.None).ConfigureAwait(false);
        Log.ServiceStopped(_logger, _graph.TotalRecords, _graph.TotalProfiles);
    }

    /// <summary>Bulk-loads one file as a record source of <paramref name="channel"/>, using that channel's mapping.</summary>
    public async Task<RunSummary> IngestFileAsync(string channel, string path, CancellationToken cancellationToken = default)
    {
        if (!_channels.TryGetValue(channel, out var source))
        {
            throw new ArgumentException($"Channel '{channel}' is not configured (configured: {string.Join(", ", _channels.Keys)}).", nameof(channel));
        }
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"Input file '{fullPath}' does not exist.", fullPath);
        }
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var summary = new RunSummary();
            try
            {
                await IngestFileCoreAsync(source, fullPath, finalRead: true, summary, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await DeliverAsync(CancellationToken.None).ConfigureAwait(false);
                await CheckpointCoreAsync(CancellationToken.None).ConfigureAwait(false);
                Finish(summary, started);
            }
            return summary;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Stitches one record as it happens (an event, a form, a CRM update) and returns the profile that now holds
    /// it. <paramref name="fields"/> are keyed by the source names of the channel's mapping; the channel must map a
    /// record id, and a record without a timestamp takes the current time. A record the normalizer rejects is
    /// dead-lettered and not stitched. Sinks hear of the change and the store makes it durable at the next
    /// checkpoint (<c>CheckpointIntervalSeconds</c>, or <see cref="CheckpointAsync"/> when the caller needs it now).
    /// </summary>
    public async Task<RecordIngestResult> IngestRecordAsync(string channel, IReadOnlyDictionary<string, string?> fields, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (!_channels.TryGetValue(channel, out var source))
        {
            throw new ArgumentException($"Channel '{channel}' is not configured (configured: {string.Join(", ", _channels.Keys)}).", nameof(channel));
        }
        if (!source.HasRecordId)
        {
            throw new ArgumentException($"Channel '{channel}' maps no record_id: a single record needs one to be updated or deleted later.", nameof(channel));
        }
        var values = source.ValuesFrom(fields);
        if (!source.HasTimestamp || string.IsNullOrWhiteSpace(values[(int)CanonicalAttribute.Timestamp]))
        {
            values[(int)CanonicalAttribute.Timestamp] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        }
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var normalized = new string?[CanonicalAttributes.Count];
            _issues.Clear();
            var accepted = _normalizer.TryNormalize(values, normalized, _issues);
            var issues = new List<string>(_issues.Count);
            foreach (var issue in _issues)
            {
                var field = DeadLetter(source, ApiSource, 0, issue, values);
                issues.Add(string.Concat(field ?? CanonicalAttributes.NameOf(issue.Field), ": ", issue.Reason));
            }
            if (_issues.Count > 0)
            {
                _deadLetters.Flush();
            }
            if (!accepted)
            {
                return new RecordIngestResult(false, null, false, issues);
            }
            var record = NewRecord(source.Name, values, normalized, ApiSource, 0);
            _outcome.Clear();
            try
            {
                _graph.Link(record, source.Priority, _outcome);
                _graph.Flush();
            }
            catch (Exception ex)
            {
                _graph.Discard();
                _fault = ex;
                Log.BatchFailed(_logger, source.Name, ApiSource, ex);
                throw;
            }
            var unchanged = _outcome.RecordsUnchanged > 0;
            QueueForSinks(_outcome);
            // Read back: linking may have moved the record again (an identifier disabled by it splits its profile).
            var profileId = _graph.TryGetRecord(source.Name, record.RecordId, out var stored) ? _graph.ResolveProfileId(stored.ProfileId) : null;
            if (Stopwatch.GetElapsedTime(_lastCheckpointTimestamp).TotalSeconds >= _options.CheckpointIntervalSeconds)
            {
                await DeliverAsync(CancellationToken.None).ConfigureAwait(false);
                await CheckpointCoreAsync(CancellationToken.None).ConfigureAwait(false);
            }
            return new RecordIngestResult(true, profileId, unchanged, issues);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Deletes a channel record. Its profile is re-evaluated: it splits where the record held it together, or
    /// disappears with its last record; sinks and the change log hear of it. Returns false for an unknown record.
    /// </summary>
    public async Task<bool> DeleteRecordAsync(string channel, string recordId, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _outcome.Clear();
            bool deleted;
            try
            {
                deleted = _graph.Delete(channel, recordId, _outcome);
                _graph.Flush();
            }
            catch
            {
                _graph.Discard();
                throw;
            }
            QueueForSinks(_outcome);
            await DeliverAsync(cancellationToken).ConfigureAwait(false);
            // Sinks have forgotten the record: the store must not bring it back after a crash.
            await CheckpointCoreAsync(CancellationToken.None).ConfigureAwait(false);
            return deleted;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Hands pending changes to the sinks, then takes a checkpoint: what was stitched so far is durable.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Sinks hear of every change before the store holds it for good, as after each batch.
            await DeliverAsync(cancellationToken).ConfigureAwait(false);
            await CheckpointCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The golden profile holding a channel record, or null when the record is unknown.</summary>
    public StitchedProfile? FindProfileByRecord(string channel, string recordId)
    {
        Enter();
        try
        {
            return _graph.TryGetRecord(channel, recordId, out var record) && _graph.TryGetProfile(record.ProfileId, out var profile)
                ? ProfileView.ToStitched(profile, _journey)
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
            return new ProfileExplanation(ProfileView.ToStitched(profile, _journey), members);
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
                    contacts.Add(ProfileView.ToStitched(profile, _journey));
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

    /// <summary>
    /// Resolves every stored record again with the model loaded now (after <c>stitcher train</c>): each record's match
    /// evidence is scored anew against all the others, then every neighbourhood is resolved from its records, with
    /// identifier links and reviewer decisions as before. The profiles are those a fresh ingest of the same records with
    /// this model gives; sinks and the change log hear of every profile that changed. Without a model, nothing changes.
    /// </summary>
    /// <param name="progress">Told the profiles resolved so far, after each flush.</param>
    /// <param name="cancellationToken">Stops before the work starts; once started, it runs to the end.</param>
    public async Task<ResolveSummary> ResolveAllAsync(IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var profilesBefore = _graph.TotalProfiles;
            int created = 0, merged = 0;
            long records;
            try
            {
                records = _graph.ResolveAll(_options.BatchSize, (outcome, done) =>
                {
                    created += outcome.ProfilesCreated;
                    merged += outcome.ProfilesMerged;
                    QueueForSinks(outcome);
                    progress?.Report(done);
                });
            }
            catch
            {
                _graph.Discard();
                throw;
            }
            await DeliverAsync(cancellationToken).ConfigureAwait(false);
            await CheckpointCoreAsync(CancellationToken.None).ConfigureAwait(false);
            return new ResolveSummary(records, profilesBefore, _graph.TotalProfiles, created, merged, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// A reviewer's decision about two records (each <c>channel</c> and id): the same person (must-link) or different
    /// people (cannot-link). It replaces any earlier decision about the pair, is kept in the store, and every later
    /// resolution honours it, across restarts and re-training; both records' profiles are resolved again now and sinks
    /// hear of what changed. False when either record is unknown.
    /// </summary>
    public async Task<bool> DecideAsync(string channelA, string recordIdA, string channelB, string recordIdB, bool samePerson,
        CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _outcome.Clear();
            bool decided;
            try
            {
                decided = _graph.Decide(StoreKeys.Record(channelA, recordIdA), StoreKeys.Record(channelB, recordIdB), samePerson, _outcome);
                _graph.Flush();
            }
            catch
            {
                _graph.Discard();
                throw;
            }
            QueueForSinks(_outcome);
            await DeliverAsync(cancellationToken).ConfigureAwait(false);
            await CheckpointCoreAsync(CancellationToken.None).ConfigureAwait(false);
            return decided;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Blocking keys shared by too many records to be used (see <c>Matching:MaxBlockSize</c>).</summary>
    public int OversizedBlocks => _matcher?.OversizedBlocks ?? 0;

    /// <summary>Blocks skipped for a record because they would exceed <c>Matching:MaxCandidates</c> (see there).</summary>
    public long BlocksOverBudget => _matcher?.BlocksOverBudget ?? 0;

    /// <summary>A golden profile by id; a retired id resolves to the profile that absorbed it.</summary>
    public StitchedProfile? GetProfile(string profileId)
    {
        Enter();
        try
        {
            return _graph.TryGetProfile(profileId, out var profile) ? ProfileView.ToStitched(profile, _journey) : null;
        }
        finally
        {
            _gate.Release();
        }
    }

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
            _deadLetters.Dispose();
            _store.Dispose();
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
        store.ScanPrefix<StoredRecord>("R|", (key, record) => matcher.Add(matcher.Prepare(key, record.Normalized)));
        Log.MatcherReady(loggerFactory.CreateLogger<StitcherEngine>(), path, matcher.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
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
        var defaults = options.Default.Count == 0 ? Survivorship.DefaultRules : Parse(options.Default);
        Array.Fill(byAttribute, defaults);
        foreach (var (name, rules) in options.Attributes)
        {
            if (CanonicalAttributes.TryParse(name, out var attribute))
            {
                byAttribute[(int)attribute] = Parse(rules);
            }
        }
        return new Survivorship(byAttribute, journey);
    }

    private async Task<RunSummary> PassAsync(bool finalRead, CancellationToken cancellationToken, bool checkpoint = true)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var summary = new RunSummary();
            try
            {
                foreach (var source in _channels.Values)
                {
                    var files = source.CurrentFiles();
                    if (files.Count == 0)
                    {
                        Log.NoFiles(_logger, source.Name, source.Path);
                    }
                    foreach (var file in files)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        await IngestFileCoreAsync(source, file, finalRead || IsSettled(file), summary, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !finalRead)
            {
                // Service stop: what was read is processed and persisted; the caller checkpoints.
            }
            finally
            {
                await DeliverAsync(CancellationToken.None).ConfigureAwait(false);
                if (checkpoint)
                {
                    await CheckpointCoreAsync(CancellationToken.None).ConfigureAwait(false);
                }
                Finish(summary, started);
            }
            return summary;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// A watched file untouched for a while is complete even if its last row has no line ending (many exports
    /// end that way), so the service reads that row too instead of waiting for a newline that never comes.
    /// </summary>
    private bool IsSettled(string file)
    {
        var quiet = TimeSpan.FromSeconds(Math.Max(SettleSeconds, 3 * _options.PollIntervalSeconds));
        return DateTime.UtcNow - File.GetLastWriteTimeUtc(file) > quiet;
    }

    private void Finish(RunSummary summary, long started)
    {
        summary.TotalProfiles = _graph.TotalProfiles;
        summary.TotalRecords = _graph.TotalRecords;
        summary.Elapsed = Stopwatch.GetElapsedTime(started);
    }

    private async Task IngestFileCoreAsync(ChannelSource source, string file, bool finalRead, RunSummary summary, CancellationToken cancellationToken)
    {
        var progressKey = StoreKeys.SourceProgress(source.Name, file);
        var start = _store.TryRead<StoredSourceProgress>(progressKey, out var progress)
            ? new SourcePosition(progress.ByteOffset, progress.Line)
            : SourcePosition.Start;
        var length = new FileInfo(file).Length;
        if (start.ByteOffset > length)
        {
            Log.SourceTruncated(_logger, source.Name, file, start.ByteOffset, length);
            start = SourcePosition.Start;
            // Once: the next pass starts from here even if this one reads nothing (a header that no longer fits).
            _store.Write(progressKey, new StoredSourceProgress { ByteOffset = 0, Line = 0 });
            _deadLetters.Forget(source.Name, file);
        }
        if (start.ByteOffset == length && length > 0)
        {
            return;
        }
        var channelSummary = summary.For(source.Name);
        channelSummary.Files++;
        var batch = new FileBatch(this, source, file, progressKey, start, channelSummary, summary);
        try
        {
            await source.Reader.ReadAsync(file, start, batch, finalRead, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelFormatException ex)
        {
            // The file as a whole does not fit its channel (a mapped column is missing, say): it needs a person,
            // but the other files and channels go on. Its progress is not saved, so it is read again once fixed.
            channelSummary.FilesFailed++;
            Log.FileFailed(_logger, source.Name, file, ex.Message);
            _deadLetters.Write(source.Name, file, 0, ex.Column, ex.Message, "file_rejected", null);
            _deadLetters.Flush();
        }
        finally
        {
            // Whatever complete rows were read before a stop or a failure are processed and their progress saved,
            // and no batch stays staged past this file, whatever failed (a checkpoint or a progress report).
            try
            {
                batch.Commit();
            }
            finally
            {
                if (_fault is null)
                {
                    LinkStaged();
                    batch.ReportFinalProgress();
                }
                else
                {
                    DropStaged();
                }
            }
        }
        if (start.ByteOffset == 0)
        {
            Log.FileRead(_logger, source.Name, file, channelSummary.RecordsRead, channelSummary.RecordsRejected);
        }
    }

    /// <summary>
    /// Starts normalizing and scoring a batch on the other cores, then links the batch staged before it meanwhile:
    /// linking is sequential (ids must not depend on thread timing), so it overlaps with the parallel work of the
    /// next batch. A staged batch is linked by the next call or by <see cref="LinkStaged()"/>.
    /// </summary>
    private void ProcessBatch(FileBatch batch)
    {
        var (rows, malformed) = batch.TakeRows();
        var staged = new StagedBatch(batch, malformed, batch.Position, Task.Run(() => NormalizeAndScore(batch, rows)));
        var previous = _staged;
        _staged = staged;
        if (previous is not null)
        {
            LinkStaged(previous);
        }
    }

    /// <summary>The parallel part of a batch: its rows normalized, and the accepted ones scored against the stored records.</summary>
    private PreparedBatch NormalizeAndScore(FileBatch batch, List<RawRecord> rows)
    {
        var normalized = Normalize(batch, rows);
        var accepted = new List<StoredRecord>(rows.Count);
        foreach (var row in normalized)
        {
            if (row.Record is not null)
            {
                accepted.Add(row.Record);
            }
        }
        return new PreparedBatch(rows, normalized, accepted, _graph.Prematch(accepted));
    }

    /// <summary>Links the staged batch, if any: at the end of a file, before anything else touches the graph.</summary>
    private void LinkStaged()
    {
        if (_staged is { } staged)
        {
            _staged = null;
            LinkStaged(staged);
        }
    }

    private void LinkStaged(StagedBatch staged)
    {
        var batch = staged.Batch;
        _outcome.Clear();
        try
        {
            var prepared = staged.Work.GetAwaiter().GetResult();
            DeadLetter(batch, staged.Malformed, prepared);
            _graph.UsePrematch(prepared.Prematched);
            foreach (var record in prepared.Accepted)
            {
                _graph.Link(record, batch.Source.Priority, _outcome);
            }
            batch.ChannelSummary.RecordsUnchanged += _outcome.RecordsUnchanged;
            _graph.Flush();
            _store.Write(batch.ProgressKey, new StoredSourceProgress { ByteOffset = staged.Position.ByteOffset, Line = staged.Position.Line });
            _deadLetters.Flush();
        }
        catch (Exception ex)
        {
            Fail(batch.Source.Name, batch.File, ex);
            throw;
        }
        batch.Summary.ProfilesCreated += _outcome.ProfilesCreated;
        batch.Summary.ProfilesMerged += _outcome.ProfilesMerged;
        QueueForSinks(_outcome);
    }

    /// <summary>
    /// Part of a batch may already be in the store. Nothing more is processed, delivered or checkpointed: reopening
    /// the store recovers the last checkpoint, and the batch is read again from its saved position. A batch still
    /// being scored is waited for (it reads the matcher's index) and dropped.
    /// </summary>
    private void Fail(string channel, string file, Exception ex)
    {
        _fault = ex;
        Log.BatchFailed(_logger, channel, file, ex);
        DropStaged();
        _graph.Discard();
    }

    /// <summary>Forgets the staged batch, once its scoring (which reads the matcher's index) is over; it is read again.</summary>
    private void DropStaged()
    {
        if (_staged is not { } staged)
        {
            return;
        }
        _staged = null;
        try
        {
            staged.Work.Wait();
        }
        catch (AggregateException)
        {
            // The batch is read again; what its scoring ran into is the failure it will meet then.
        }
    }

    /// <summary>Normalizes a batch's rows on all cores: per row, what was wrong with it and the record to link unless it was rejected.</summary>
    private NormalizedRow[] Normalize(FileBatch batch, List<RawRecord> rows)
    {
        var source = batch.Source;
        var results = new NormalizedRow[rows.Count];
        Parallel.For(0, rows.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var raw = rows[i];
            if (!source.HasTimestamp)
            {
                raw.Values[(int)CanonicalAttribute.Timestamp] = batch.FileTimestamp;
            }
            if (!source.HasRecordId)
            {
                raw.Values[(int)CanonicalAttribute.RecordId] = LineRecordId(batch.File, raw.Line);
            }
            var normalized = new string?[CanonicalAttributes.Count];
            var issues = new List<FieldIssue>();
            var accepted = _normalizer.TryNormalize(raw.Values, normalized, issues);
            results[i] = new NormalizedRow(issues.Count == 0 ? null : issues, accepted ? NewRecord(source.Name, raw.Values, normalized, batch.File, raw.Line) : null);
        });
        return results;
    }

    /// <summary>
    /// Dead-letters what was wrong with a batch's rows, unreadable ones and issues found normalizing, in line order
    /// (a later process skips lines up to the last one written), and counts them.
    /// </summary>
    private void DeadLetter(FileBatch batch, List<MalformedRow> malformed, PreparedBatch prepared)
    {
        var source = batch.Source;
        var next = 0;
        for (var i = 0; i < prepared.Rows.Count; i++)
        {
            var raw = prepared.Rows[i];
            for (; next < malformed.Count && malformed[next].Line < raw.Line; next++)
            {
                DeadLetter(source, batch.File, malformed[next]);
            }
            var (issues, record) = prepared.Normalized[i];
            foreach (var issue in issues ?? [])
            {
                if (issue.Kept)
                {
                    // Nothing was lost: counted, not dead-lettered.
                    var name = CanonicalAttributes.NameOf(issue.Field);
                    batch.ChannelSummary.ValuesUnverified[name] = batch.ChannelSummary.ValuesUnverified.GetValueOrDefault(name) + 1;
                    continue;
                }
                DeadLetter(source, batch.File, raw.Line, issue, raw.Values);
                if (!issue.Rejects)
                {
                    batch.ChannelSummary.FieldsDropped++;
                }
            }
            if (record is null)
            {
                batch.ChannelSummary.RecordsRejected++;
            }
        }
        for (; next < malformed.Count; next++)
        {
            DeadLetter(source, batch.File, malformed[next]);
        }
    }

    private void DeadLetter(ChannelSource source, string file, in MalformedRow row) =>
        _deadLetters.Write(source.Name, file, row.Line, row.Field, row.Reason, "malformed", row.Raw);

    /// <summary>A batch after its parallel part: rows, what normalizing made of each, the records to link, their scores.</summary>
    private sealed record PreparedBatch(List<RawRecord> Rows, NormalizedRow[] Normalized, List<StoredRecord> Accepted, ProbabilisticMatcher.PrescoredBatch? Prematched);

    /// <summary>A batch being normalized and scored, waiting for the batch before it to be linked.</summary>
    private sealed record StagedBatch(FileBatch Batch, List<MalformedRow> Malformed, SourcePosition Position, Task<PreparedBatch> Work);

    /// <summary>One row after normalizing: what was wrong with it, and the record to link unless it was rejected.</summary>
    private readonly record struct NormalizedRow(List<FieldIssue>? Issues, StoredRecord? Record);

    /// <summary>A normalized record as stored: its id, time, display and normalized values, and where it came from.</summary>
    private static StoredRecord NewRecord(string channel, string?[] raw, string?[] normalized, string file, long line) => new()
    {
        Channel = channel,
        RecordId = normalized[(int)CanonicalAttribute.RecordId]!,
        TimestampUtcTicks = DateTimeOffset.Parse(normalized[(int)CanonicalAttribute.Timestamp]!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).UtcTicks,
        Display = DisplayValues(raw, normalized),
        Normalized = normalized,
        SourceFile = file,
        SourceLine = line,
    };

    /// <summary>Dead-letters one issue of a record (with its raw values when it rejected it); returns the source field at fault.</summary>
    private string? DeadLetter(ChannelSource source, string file, long line, FieldIssue issue, string?[] raw)
    {
        var field = SourceFieldOf(source.Name, issue.Field);
        _deadLetters.Write(source.Name, file, line, field, issue.Reason, issue.Rejects ? "rejected" : "field_dropped", issue.Rejects ? RawText(raw) : null);
        return field;
    }

    /// <summary>The id of a record from a channel that maps no record id: its file name and line, e.g. <c>crm.csv:42</c>.</summary>
    public static string LineRecordId(string file, long line) =>
        string.Concat(Path.GetFileName(file), ":", line.ToString(CultureInfo.InvariantCulture));

    /// <summary>Remembers what sinks must hear: changed profiles, and retired ids (which are no longer changed).</summary>
    private void QueueForSinks(LinkOutcome outcome)
    {
        if (_sinks.Count == 0)
        {
            // Nothing to deliver to: a backfill without sinks would otherwise hold every profile id it touched.
            return;
        }
        foreach (var id in outcome.RetiredProfiles)
        {
            _undelivered.Remove(id);
            _retiredUndelivered.Add(id);
        }
        _undelivered.UnionWith(outcome.ChangedProfiles);
    }

    private string? SourceFieldOf(string channel, CanonicalAttribute attribute) =>
        _options.Channels[channel].Mapping.TryGetValue(CanonicalAttributes.NameOf(attribute), out var field) ? field : CanonicalAttributes.NameOf(attribute);

    /// <summary>
    /// What a person sees: the source's own spelling for names and addresses, the normalized form for values
    /// whose raw form is noise (phones in E.164, emails lowercased, ISO dates, ISO countries).
    /// </summary>
    private static string?[] DisplayValues(string?[] raw, string?[] normalized)
    {
        var display = new string?[CanonicalAttributes.Count];
        for (var i = 0; i < display.Length; i++)
        {
            display[i] = (CanonicalAttribute)i switch
            {
                CanonicalAttribute.Email or CanonicalAttribute.Phone or CanonicalAttribute.DateOfBirth
                    or CanonicalAttribute.Country or CanonicalAttribute.Timestamp or CanonicalAttribute.Postcode => normalized[i],
                CanonicalAttribute.GivenName or CanonicalAttribute.Surname or CanonicalAttribute.FullName
                    => string.IsNullOrWhiteSpace(raw[i]) ? DisplayName(normalized[i]) : raw[i]!.Trim(),
                _ => string.IsNullOrWhiteSpace(raw[i]) ? null : raw[i]!.Trim(),
            };
        }
        var given = raw[(int)CanonicalAttribute.GivenName];
        var surname = raw[(int)CanonicalAttribute.Surname];
        if (string.IsNullOrWhiteSpace(raw[(int)CanonicalAttribute.FullName]) && !string.IsNullOrWhiteSpace(given) && !string.IsNullOrWhiteSpace(surname))
        {
            // The source's own spelling, in the order its script writes names: 김민준, Ann Müller.
            display[(int)CanonicalAttribute.FullName] = HangulRomanizer.IsSyllable(surname.Trim()[0])
                ? string.Concat(surname.Trim(), given.Trim())
                : string.Concat(given.Trim(), " ", surname.Trim());
        }
        return display;
    }

    private static string? DisplayName(string? normalized) =>
        normalized is null ? null : CultureInfo.InvariantCulture.TextInfo.ToTitleCase(normalized);

    private static string RawText(string?[] values)
    {
        var parts = new string[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            parts[i] = values[i] ?? "";
        }
        return string.Join('\u001f', parts).TrimEnd('\u001f');
    }

    private async Task DeliverAsync(CancellationToken cancellationToken)
    {
        if (_fault is not null)
        {
            return;
        }
        if (_sinks.Count == 0 || (_undelivered.Count == 0 && _retiredUndelivered.Count == 0))
        {
            _undelivered.Clear();
            _retiredUndelivered.Clear();
            return;
        }
        // An id retired and claimed again in the same run (a split or rename gave it back) is live, not retired.
        var retired = new List<string>(_retiredUndelivered.Count);
        foreach (var id in _retiredUndelivered)
        {
            if (!_graph.TryGetProfile(id, out var current) || current.Id != id)
            {
                retired.Add(id);
            }
        }
        var chunk = new List<StitchedProfile>(DeliveryChunkSize);
        var delivered = 0;
        foreach (var id in _undelivered)
        {
            if (_graph.TryGetProfile(id, out var profile) && profile.Id == id)
            {
                chunk.Add(ProfileView.ToStitched(profile, _journey));
            }
            if (chunk.Count == DeliveryChunkSize)
            {
                delivered += chunk.Count;
                await WriteToSinksAsync(new ProfileBatch(chunk.ToArray(), []), cancellationToken).ConfigureAwait(false);
                chunk.Clear();
            }
        }
        delivered += chunk.Count;
        await WriteToSinksAsync(new ProfileBatch(chunk.ToArray(), retired.ToArray()), cancellationToken).ConfigureAwait(false);
        foreach (var sink in _sinks)
        {
            await sink.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        Log.Delivered(_logger, delivered, retired.Count, _sinks.Count);
        _undelivered.Clear();
        _retiredUndelivered.Clear();
    }

    private async Task WriteToSinksAsync(ProfileBatch batch, CancellationToken cancellationToken)
    {
        foreach (var sink in _sinks)
        {
            await sink.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Mid-file checkpoint for long reads, so a crash loses at most one interval of work. Sinks get the changed
    /// profiles first: a checkpoint never covers a change that no sink has seen (at-least-once delivery).
    /// Runs inside the reader's callback, between batches, where the store session is idle.
    /// </summary>
    private void CheckpointIfDue()
    {
        if (Stopwatch.GetElapsedTime(_lastCheckpointTimestamp).TotalSeconds < _options.CheckpointIntervalSeconds)
        {
            return;
        }
        DeliverAsync(CancellationToken.None).GetAwaiter().GetResult();
        CheckpointCoreAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    private async Task CheckpointCoreAsync(CancellationToken cancellationToken)
    {
        if (_fault is not null)
        {
            return;
        }
        await _store.CheckpointAsync(cancellationToken).ConfigureAwait(false);
        _lastCheckpointTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>Collects the rows of one file into batches; each batch is linked and its progress saved together.</summary>
    private sealed class FileBatch : IRawRecordSink
    {
        private readonly StitcherEngine _engine;

        public FileBatch(StitcherEngine engine, ChannelSource source, string file, string progressKey, SourcePosition start, ChannelSummary channelSummary, RunSummary summary)
        {
            _engine = engine;
            Source = source;
            File = file;
            if (!source.HasTimestamp)
            {
                FileTimestamp = new DateTimeOffset(System.IO.File.GetLastWriteTimeUtc(file), TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture);
            }
            ProgressKey = progressKey;
            Position = start;
            CommittedPosition = start;
            ChannelSummary = channelSummary;
            Summary = summary;
            FileBytes = new FileInfo(file).Length;
            _recordsBefore = channelSummary.RecordsRead;
            _rejectedBefore = channelSummary.RecordsRejected;
            _started = Stopwatch.GetTimestamp();
        }

        public ChannelSource Source { get; }
        public string File { get; }
        private readonly long _recordsBefore;
        private readonly long _rejectedBefore;
        private readonly long _started;

        public long FileBytes { get; }

        /// <summary>The file's last-write time: the timestamp of records from a channel that maps none.</summary>
        public string FileTimestamp { get; } = "";
        public string ProgressKey { get; }
        public ChannelSummary ChannelSummary { get; }
        public RunSummary Summary { get; }
        /// <summary>Rows read since the last commit.</summary>
        public List<RawRecord> Pending { get; private set; } = [];

        /// <summary>Rows since the last commit that could not be read; dead-lettered, in line order, when the batch is linked.</summary>
        public List<MalformedRow> Malformed { get; private set; } = [];
        public SourcePosition Position { get; private set; }
        public SourcePosition CommittedPosition { get; private set; }

        public void OnRecord(in RawRecord record)
        {
            Pending.Add(record);
            Position = record.End;
            ChannelSummary.RecordsRead++;
            CommitWhenFull();
        }

        public void OnMalformed(in MalformedRow row)
        {
            ChannelSummary.RecordsRead++;
            ChannelSummary.RecordsRejected++;
            Position = row.End;
            Malformed.Add(row);
            CommitWhenFull();
        }

        // Unreadable rows count too: a file of them is committed batch by batch, not held in memory to its end.
        private void CommitWhenFull()
        {
            if (Pending.Count + Malformed.Count >= _engine._options.BatchSize)
            {
                Commit();
            }
        }

        /// <summary>Hands the rows of this batch over and starts the next one.</summary>
        public (List<RawRecord> Rows, List<MalformedRow> Malformed) TakeRows()
        {
            var taken = (Pending, Malformed);
            Pending = new List<RawRecord>(taken.Pending.Count);
            Malformed = [];
            return taken;
        }

        public void Commit()
        {
            if (Position == CommittedPosition || _engine._fault is not null)
            {
                return;
            }
            _engine.ProcessBatch(this);
            CommittedPosition = Position;
            ReportProgress();
            _engine.CheckpointIfDue();
        }

        /// <summary>
        /// Tells the progress display how far the file is. Rejects found normalizing are counted when their batch is
        /// linked, one batch later; <see cref="ReportFinalProgress"/> catches up at the end of the file.
        /// </summary>
        public void ReportProgress()
        {
            _reportedRejected = ChannelSummary.RecordsRejected - _rejectedBefore;
            _engine.Progress?.Report(new IngestProgress(Source.Name, File, Position.ByteOffset, FileBytes,
                ChannelSummary.RecordsRead - _recordsBefore, _reportedRejected, Stopwatch.GetElapsedTime(_started)));
        }

        /// <summary>At the end of the file: one more report if its last batch, linked since, rejected rows.</summary>
        public void ReportFinalProgress()
        {
            if (ChannelSummary.RecordsRejected - _rejectedBefore != _reportedRejected)
            {
                ReportProgress();
            }
        }

        private long _reportedRejected;
    }

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

        [LoggerMessage(109, LogLevel.Error, "Channel {Channel}: a batch of {File} failed; the engine stops without checkpointing it")]
        public static partial void BatchFailed(ILogger logger, string channel, string file, Exception exception);

        [LoggerMessage(107, LogLevel.Error, "Channel {Channel}: {File} was not read: {Reason}")]
        public static partial void FileFailed(ILogger logger, string channel, string file, string reason);

        [LoggerMessage(106, LogLevel.Debug, "Delivered {Profiles} profiles and {Retired} retired ids to {Sinks} sinks")]
        public static partial void Delivered(ILogger logger, int profiles, int retired, int sinks);
    }
}
