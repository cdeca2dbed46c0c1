using System.Diagnostics;
using System.Globalization;
using System.Text;
using Stitcher.Engine.Ingest;
using Stitcher.Engine.Matching;
using Stitcher.Engine.Normalization;
using Stitcher.Engine.Pipeline;
using Stitcher.Engine.Profiles;
using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;

namespace Stitcher.Engine;

/// <summary>
/// The ingest path, as stages the engine owns: read (a file batch from a channel reader), normalize and score (on all
/// cores, the next batch while this one is linked), resolve (the identity graph links the batch in order), commit (a
/// flush to the store, then delivery and a checkpoint when due). Nothing here runs inside a reader callback.
/// </summary>
public sealed partial class StitcherEngine
{
    /// <summary>Reads every configured source to its end, stitches, delivers to sinks and checkpoints.</summary>
    public Task<RunSummary> RunOnceAsync(CancellationToken cancellationToken = default) => PassAsync(finalRead: true, cancellationToken, drain: true);

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
            // Due, or quiet with changes no sink can hear of until they are durable.
            if (Stopwatch.GetElapsedTime(_lastCheckpointTimestamp).TotalSeconds >= _options.CheckpointIntervalSeconds
                || (summary.RecordsRead == 0 && _graph.ChangeSequence != _durableSequence))
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
            var deadLettersBefore = SinkDeadLetterTotal();
            try
            {
                await IngestFileCoreAsync(source, fullPath, finalRead: true, summary, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await CheckpointCoreAsync(CancellationToken.None).ConfigureAwait(false);
                Finish(summary, started);
            }
            await DrainCoreAsync(cancellationToken).ConfigureAwait(false);
            summary.Sinks = SinkStatuses();
            summary.SinkDeadLetters = SinkDeadLetterTotal() - deadLettersBefore;
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
            var accepted = _normalizer.TryNormalize(values, normalized, _issues) && FitsTheStore(values, normalized, _issues);
            var issues = new List<string>(_issues.Count);
            foreach (var issue in _issues)
            {
                var field = DeadLetter(source, ApiSource, 0, issue, values);
                issues.Add(string.Concat(field ?? source.Mapping.NameOf(issue.Field), ": ", issue.Reason));
            }
            if (_issues.Count > 0)
            {
                _deadLetters.Flush();
            }
            if (!accepted)
            {
                return new RecordIngestResult(false, null, false, issues);
            }
            var record = NewRecord(source, values, normalized, ApiSource, 0);
            _outcome.Clear();
            try
            {
                _graph.Link(record, source.Priority, _outcome);
                _graph.Flush();
            }
            catch (Exception ex)
            {
                _graph.Discard();
                var fault = DataDirectoryWriteException.OfDataDirectory(DataDirectory, ex);
                _fault = fault;
                Log.BatchFailed(_logger, source.Name, ApiSource, fault);
                if (ReferenceEquals(fault, ex))
                {
                    throw;
                }
                throw fault;
            }
            var unchanged = _outcome.RecordsUnchanged > 0;
            // Read back: linking may have moved the record again (an identifier disabled by it splits its profile).
            var profileId = _graph.TryGetRecord(source.Name, record.RecordId, out var stored) ? _graph.ResolveProfileId(stored.ProfileId) : null;
            if (Stopwatch.GetElapsedTime(_lastCheckpointTimestamp).TotalSeconds >= _options.CheckpointIntervalSeconds)
            {
                await CheckpointCoreAsync(CancellationToken.None).ConfigureAwait(false);
            }
            return new RecordIngestResult(true, profileId, unchanged, issues);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<RunSummary> PassAsync(bool finalRead, CancellationToken cancellationToken, bool checkpoint = true, bool drain = false)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var summary = new RunSummary();
            var deadLettersBefore = SinkDeadLetterTotal();
            try
            {
                foreach (var source in _channels.Values)
                {
                    var files = source.CurrentFiles();
                    if (files.Count == 0)
                    {
                        Log.NoFiles(_logger, source.Name, source.Path);
                        if (!source.PathExists)
                        {
                            summary.For(source.Name).SourcesMissing++;
                        }
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
                if (checkpoint)
                {
                    await CheckpointCoreAsync(CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    FeedSinks();
                }
                Finish(summary, started);
            }
            if (drain)
            {
                await DrainCoreAsync(cancellationToken).ConfigureAwait(false);
                summary.Sinks = SinkStatuses();
                summary.SinkDeadLetters = SinkDeadLetterTotal() - deadLettersBefore;
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
            var fault = DataDirectoryWriteException.OfDataDirectory(DataDirectory, ex);
            Fail(batch.Source.Name, batch.File, fault);
            if (ReferenceEquals(fault, ex))
            {
                throw;
            }
            throw fault;
        }
        batch.Summary.ProfilesCreated += _outcome.ProfilesCreated;
        batch.Summary.ProfilesMerged += _outcome.ProfilesMerged;
        ReportDisabledIdentifiers(batch.Summary);
        WarnIfStoreOutgrewModel();
    }

    /// <summary>Counts and logs the identifier values that stopped linking while the batch was linked.</summary>
    private void ReportDisabledIdentifiers(RunSummary summary)
    {
        foreach (var (rule, why) in _outcome.DisabledIdentifiers)
        {
            summary.IdentifiersDisabled++;
            Log.IdentifierDisabled(_logger, rule, why);
        }
    }

    /// <summary>Says once per doubling that the store holds more records than the model's block sizes describe.</summary>
    private void WarnIfStoreOutgrewModel()
    {
        if (_matcher is { BlockGrowth: var growth } && growth > _loggedBlockGrowth)
        {
            _loggedBlockGrowth = growth;
            Log.StoreOutgrewModel(_logger, _matcher.Count, growth);
        }
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
            var accepted = _normalizer.TryNormalize(raw.Values, normalized, issues) && FitsTheStore(raw.Values, normalized, issues);
            results[i] = new NormalizedRow(issues.Count == 0 ? null : issues, accepted ? NewRecord(source, raw.Values, normalized, batch.File, raw.Line) : null);
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

    /// <summary>A normalized record as stored: its id, time, display and normalized values, and where it came from.</summary>
    private static StoredRecord NewRecord(ChannelSource source, string?[] raw, string?[] normalized, string file, long line) => new()
    {
        Channel = source.Name,
        RecordId = normalized[(int)CanonicalAttribute.RecordId]!,
        TimestampUtcTicks = DateTimeOffset.Parse(normalized[(int)CanonicalAttribute.Timestamp]!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).UtcTicks,
        Display = DisplayValues(raw, normalized),
        Normalized = normalized,
        SourceFile = file,
        SourceLine = line,
        Traits = TraitValues(source.Mapping, raw),
    };

    /// <summary>The custom attributes a row carries, from the slots after the canonical ones, in name order; blanks left out.</summary>
    private static StoredTrait[] TraitValues(FieldMapping mapping, string?[] raw)
    {
        var names = mapping.TraitNames;
        if (names.Count == 0)
        {
            return [];
        }
        var count = 0;
        for (var t = 0; t < names.Count; t++)
        {
            if (!string.IsNullOrWhiteSpace(raw[CanonicalAttributes.Count + t]))
            {
                count++;
            }
        }
        var traits = count == 0 ? [] : new StoredTrait[count];
        for (int t = 0, i = 0; t < names.Count; t++)
        {
            if (Traits.DisplayValue(raw[CanonicalAttributes.Count + t]) is { } value)
            {
                traits[i++] = new StoredTrait { Name = names[t], Value = value };
            }
        }
        return traits;
    }

    /// <summary>Dead-letters one issue of a record (with its raw values when it rejected it); returns the source field at fault.</summary>
    private string? DeadLetter(ChannelSource source, string file, long line, FieldIssue issue, string?[] raw)
    {
        var field = source.SourceFieldOf(issue.Field);
        _deadLetters.Write(source.Name, file, line, field, issue.Reason, issue.Rejects ? "rejected" : "field_dropped", issue.Rejects ? RawText(raw) : null);
        return field;
    }

    /// <summary>The id of a record from a channel that maps no record id: its file name and line, e.g. <c>crm.csv:42</c>.</summary>
    public static string LineRecordId(string file, long line) =>
        string.Concat(Path.GetFileName(file), ":", line.ToString(CultureInfo.InvariantCulture));

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
        var text = string.Join('\u001f', parts).TrimEnd('\u001f');
        // A dead letter keeps a bounded prefix of a huge row: enough to find it, never the whole of it.
        return text.Length <= MaxDeadLetterChars ? text : string.Concat(text.AsSpan(0, MaxDeadLetterChars), $"… [{text.Length - MaxDeadLetterChars:N0} more characters]");
    }

    private const int MaxDeadLetterChars = 64 * 1024;

    /// <summary>
    /// Whether a record is within <see cref="Configuration.StitcherOptions.MaxRecordBytes"/>; if not, an issue that rejects it names
    /// its largest field and both sizes. A record the store cannot hold would fail its whole batch on every restart.
    /// </summary>
    private bool FitsTheStore(string?[] raw, string?[] normalized, List<FieldIssue> issues)
    {
        long bytes = 0;
        var largest = 0;
        var largestBytes = -1L;
        // Every slot of the raw row: custom attributes, after the canonical ones, are stored too.
        for (var k = 0; k < raw.Length; k++)
        {
            var size = (raw[k] is { } r ? Encoding.UTF8.GetByteCount(r) : 0)
                + (k < normalized.Length && normalized[k] is { } n && !ReferenceEquals(n, raw[k]) ? Encoding.UTF8.GetByteCount(n) : 0);
            bytes += size;
            if (size > largestBytes)
            {
                (largest, largestBytes) = (k, size);
            }
        }
        var limit = _options.EffectiveMaxRecordBytes;
        if (bytes <= limit)
        {
            return true;
        }
        issues.Add(new FieldIssue((CanonicalAttribute)largest,
            $"the record holds {bytes:N0} bytes, more than MaxRecordBytes ({limit:N0}); this field holds {largestBytes:N0}", Rejects: true));
        return false;
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
}
