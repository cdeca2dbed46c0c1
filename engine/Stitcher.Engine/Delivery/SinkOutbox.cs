using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Stitcher.Engine.Configuration;
using Stitcher.Plugins;

namespace Stitcher.Engine.Delivery;

/// <summary>
/// One sink's outbox: the engine's worker queues batches of committed changes (<see cref="Enqueue"/>, bounded by
/// <see cref="SinkOptions.QueueChanges"/>), and a task of the outbox's own hands them to the sink, retries failures with
/// exponential backoff and jitter (or the destination's <c>Retry-After</c>), dead-letters what the destination refuses
/// or what is still failing after <see cref="SinkOptions.MaxAttempts"/>, and moves the durable cursor only past what the
/// sink flushed or what was dead-lettered. Nothing here waits on the engine, and the engine never waits on it except
/// when asked to drain.
/// </summary>
internal sealed partial class SinkOutbox : IAsyncDisposable
{
    // Batches handed over and flushed together: a slow flush (a file rewritten) takes more at a time.
    private const int MaxBatchesPerFlush = 32;
    private static readonly TimeSpan CursorWriteInterval = TimeSpan.FromMilliseconds(200);

    private readonly IProfileSink _sink;
    private readonly SinkOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<OutboxBatch> _queue = Channel.CreateUnbounded<OutboxBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly ResiliencePipeline _retry;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _statusLock = new();
    private readonly SinkStatus _status;
    private Task? _worker;
    private Task? _abandoned;
    private long _acked;
    private Exception? _ackFailure;
    private int _queuedChanges;
    private int _queuedBatches;
    private long _committed;
    private long _oldestPendingTicks;
    private long _lastCursorWrite;
    private long? _ackedSnapshotUntil;
    private int _attempt;

    public SinkOutbox(IProfileSink sink, SinkOptions options, string dataDirectory, ILogger logger)
    {
        _sink = sink;
        _options = options;
        _logger = logger;
        Files = new OutboxFiles(dataDirectory, sink.Name);
        var cursor = Files.ReadCursor();
        IsNew = cursor is null;
        _acked = cursor?.Sequence ?? 0;
        FedSequence = _acked;
        SnapshotUntil = cursor?.SnapshotUntil;
        _ackedSnapshotUntil = SnapshotUntil;
        _status = Files.ReadStatus() ?? new SinkStatus();
        _status.Sink = sink.Name;
        _status.Purpose = options.Purpose;
        // One try (MaxAttempts 1) has no retry strategy: Polly refuses a retry count of 0.
        _retry = options.MaxAttempts == 1 ? ResiliencePipeline.Empty : new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsRetryable),
                MaxRetryAttempts = options.MaxAttempts == 0 ? int.MaxValue : options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds),
                MaxDelay = TimeSpan.FromMilliseconds(options.MaxRetryDelayMilliseconds),
                DelayGenerator = static args => new ValueTask<TimeSpan?>(
                    args.Outcome.Exception is SinkException { RetryAfter: { } after } ? after : null),
                OnRetry = args =>
                {
                    OnRetry(args.Outcome.Exception!, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public string Name => _sink.Name;

    public OutboxFiles Files { get; }

    /// <summary>Whether the sink had no cursor: it was just added, and first takes every current profile.</summary>
    public bool IsNew { get; }

    /// <summary>The last sequence number queued (engine's worker only).</summary>
    public long FedSequence { get; set; }

    /// <summary>While the sink takes its snapshot: the sequence number it runs to (engine's worker only).</summary>
    public long? SnapshotUntil { get; set; }

    /// <summary>Whether replay files are queued and not yet delivered (engine's worker only).</summary>
    public bool ReplayQueued { get; set; }

    private readonly Dictionary<string, int> _replayProgress = new(StringComparer.Ordinal);

    /// <summary>How many of a replay file's letters were queued already (engine's worker only).</summary>
    public int ReplayProgress(string file) => _replayProgress.GetValueOrDefault(file);

    public void SetReplayProgress(string file, int done) => _replayProgress[file] = done;

    /// <summary>The last sequence number the sink took durably or dead-lettered.</summary>
    public long Acked => Interlocked.Read(ref _acked);

    /// <summary>Changes queued and not yet taken.</summary>
    public int QueuedChanges => Volatile.Read(ref _queuedChanges);

    /// <summary>Whether nothing is queued or being delivered.</summary>
    public bool Idle => Volatile.Read(ref _queuedBatches) == 0;

    /// <summary>Why the last ack could not be saved, while it is retried; null once one was.</summary>
    public Exception? AckFailure => Volatile.Read(ref _ackFailure);

    /// <summary>Whether the delivery task ended on a fault of the outbox itself; the sink takes nothing more this run.</summary>
    public bool Stopped => _worker is { IsCompleted: true };

    /// <summary>Room for more changes in the queue.</summary>
    public int Room => Math.Max(0, _options.QueueChanges - QueuedChanges);

    public int BatchSize => _options.BatchSize;

    /// <summary>Queues a batch (engine's worker). Starts the delivery task on first use.</summary>
    public void Enqueue(OutboxBatch batch, long committed, long oldestPendingTicks)
    {
        Interlocked.Add(ref _queuedChanges, batch.Changes.Count);
        Interlocked.Increment(ref _queuedBatches);
        Volatile.Write(ref _committed, committed);
        if (Interlocked.Read(ref _oldestPendingTicks) == 0)
        {
            Interlocked.Exchange(ref _oldestPendingTicks, oldestPendingTicks);
        }
        _queue.Writer.TryWrite(batch);
        _worker ??= Task.Run(RunAsync);
    }

    /// <summary>
    /// Starts the sink over on a store that is not the one its cursor was for (the cursor is past the store's end): a
    /// snapshot up to <paramref name="snapshotUntil"/>, then the changes after it. Only while nothing is queued.
    /// </summary>
    public void Reset(long snapshotUntil)
    {
        Interlocked.Exchange(ref _acked, 0);
        _ackedSnapshotUntil = snapshotUntil;
        FedSequence = 0;
        SnapshotUntil = snapshotUntil;
        Files.WriteCursor(new OutboxCursor { Sequence = 0, SnapshotUntil = snapshotUntil });
    }

    /// <summary>Tells the status what the store has committed, when nothing new was queued.</summary>
    public void SetCommitted(long committed) => Volatile.Write(ref _committed, committed);

    /// <summary>A copy of the sink's status as it is now.</summary>
    public SinkStatus Status()
    {
        lock (_statusLock)
        {
            FillStatus();
            return _status.Copy();
        }
    }

    private async Task RunAsync()
    {
        var group = new List<OutboxBatch>(MaxBatchesPerFlush);
        var letters = new List<SinkDeadLetter>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                group.Clear();
                while (group.Count < MaxBatchesPerFlush && _queue.Reader.TryRead(out var batch))
                {
                    group.Add(batch);
                }
                letters.Clear();
                await DeliverAsync(group, letters).ConfigureAwait(false);
                await AckAsync(group, letters).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping: what was not acked is queued again from the cursor by the next run.
        }
        catch (Exception ex)
        {
            // A fault of the outbox itself (its files): the sink stops here, the rest of the host goes on.
            Log.OutboxFailed(_logger, Name, ex);
            lock (_statusLock)
            {
                _status.LastError = $"{ex.GetType().Name}: {ex.Message}";
                _status.LastErrorAt = DateTimeOffset.UtcNow;
            }
            WriteStatusQuietly();
        }
    }

    private async Task DeliverAsync(List<OutboxBatch> group, List<SinkDeadLetter> letters)
    {
        var written = new List<OutboxBatch>(group.Count);
        foreach (var batch in group)
        {
            if (batch.Changes.Count == 0)
            {
                continue;
            }
            try
            {
                var rejections = await CallAsync(token => _sink.WriteAsync(new ProfileBatch(batch.Changes), token)).ConfigureAwait(false);
                foreach (var rejection in rejections)
                {
                    if (rejection.Index >= 0 && rejection.Index < batch.Changes.Count)
                    {
                        letters.Add(Letter(batch.Changes[rejection.Index], batch.Sequences[rejection.Index], rejection.Code, rejection.Message));
                    }
                }
                written.Add(batch);
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested)
            {
                DeadLetterAll(batch, ex, letters);
            }
        }
        if (written.Count == 0)
        {
            return;
        }
        try
        {
            await CallAsync(async token =>
            {
                await _sink.FlushAsync(token).ConfigureAwait(false);
                return (IReadOnlyList<ChangeRejection>)[];
            }).ConfigureAwait(false);
            var delivered = 0;
            foreach (var batch in written)
            {
                delivered += batch.Changes.Count;
            }
            lock (_statusLock)
            {
                _status.Delivered += delivered;
                _status.LastDeliveredAt = DateTimeOffset.UtcNow;
                _status.LastError = null;
            }
            Log.Delivered(_logger, Name, delivered);
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            // Not known to be durable at the destination: every change written since the last flush is dead-lettered.
            foreach (var batch in written)
            {
                DeadLetterAll(batch, ex, letters);
            }
        }
    }

    /// <summary>One call to the sink with the retry policy and the per-call timeout.</summary>
    private async Task<IReadOnlyList<ChangeRejection>> CallAsync(Func<CancellationToken, ValueTask<IReadOnlyList<ChangeRejection>>> call)
    {
        _attempt = 0;
        return await _retry.ExecuteAsync(async token =>
        {
            _attempt++;
            lock (_statusLock)
            {
                _status.Attempts++;
            }
            var limit = TimeSpan.FromSeconds(_options.TimeoutSeconds);
            // A call that timed out earlier may still run: calls on one sink never overlap, so this try waits for it
            // (within the same limit) instead of calling the sink again.
            if (_abandoned is { IsCompleted: false } abandoned)
            {
                try
                {
                    await ((Task)abandoned).WaitAsync(limit, token).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    throw new TimeoutException($"the sink's previous call, which timed out, has still not returned after another {limit.TotalSeconds:0.#} s");
                }
                catch (Exception) when (!token.IsCancellationRequested)
                {
                    // Its failure was counted when it timed out.
                }
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(limit);
            Task<IReadOnlyList<ChangeRejection>> task;
            try
            {
                task = call(timeout.Token).AsTask();
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !token.IsCancellationRequested)
            {
                throw new TimeoutException($"the sink did not answer within {limit.TotalSeconds:0.#} s");
            }
            try
            {
                return await task.WaitAsync(limit, token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!token.IsCancellationRequested && (ex is TimeoutException || (ex is OperationCanceledException && timeout.IsCancellationRequested)))
            {
                // The call is left running, told to stop: a sink that honours its token ends it.
                await timeout.CancelAsync().ConfigureAwait(false);
                _abandoned = task;
                throw new TimeoutException($"the sink did not answer within {limit.TotalSeconds:0.#} s");
            }
        }, _stop.Token).ConfigureAwait(false);
    }

    /// <summary>Anything but a permanent <see cref="SinkException"/> is tried again, unless the outbox is stopping.</summary>
    private bool IsRetryable(Exception exception) =>
        !_stop.IsCancellationRequested && (exception is not SinkException sink || sink.Retryable);

    private void OnRetry(Exception exception, int attempt, TimeSpan delay)
    {
        lock (_statusLock)
        {
            _status.Retries++;
            _status.LastError = Describe(exception);
            _status.LastErrorAt = DateTimeOffset.UtcNow;
        }
        Log.Retrying(_logger, Name, attempt, delay.TotalSeconds, Describe(exception));
        WriteStatusQuietly();
    }

    private void DeadLetterAll(OutboxBatch batch, Exception exception, List<SinkDeadLetter> letters)
    {
        var code = exception is SinkException { Code: { } c } ? c : exception.GetType().Name;
        // What the destination refused for good keeps its own reason, not the one the batch was given up for.
        var refused = exception is SinkException { Rejections.Count: > 0 } sink ? sink.Rejections : null;
        for (var i = 0; i < batch.Changes.Count; i++)
        {
            var rejection = refused?.FirstOrDefault(r => r.Index == i);
            letters.Add(rejection is null
                ? Letter(batch.Changes[i], batch.Sequences[i], code, exception.Message)
                : Letter(batch.Changes[i], batch.Sequences[i], rejection.Code, rejection.Message));
        }
        lock (_statusLock)
        {
            _status.LastError = Describe(exception);
            _status.LastErrorAt = DateTimeOffset.UtcNow;
        }
        Log.DeadLettered(_logger, Name, batch.Changes.Count, _attempt, Describe(exception));
    }

    private SinkDeadLetter Letter(ProfileChange change, long sequence, string code, string message) => new()
    {
        At = DateTimeOffset.UtcNow,
        ChangedAt = change.ChangedAt,
        Sequence = sequence,
        Kind = KindName(change.Kind),
        ProfileId = change.ProfileId,
        Version = change.Version,
        SurvivorId = change.SurvivorId,
        Attempts = _attempt,
        Code = code,
        Message = message,
    };

    internal static string KindName(ProfileChangeKind kind) => kind switch
    {
        ProfileChangeKind.Upserted => "upserted",
        ProfileChangeKind.Retired => "retired",
        ProfileChangeKind.Deleted => "deleted",
        _ => kind.ToString(),
    };

    private static string Describe(Exception exception) =>
        exception is SinkException { Code: { } code } ? $"{code}: {exception.Message}" : $"{exception.GetType().Name}: {exception.Message}";

    /// <summary>Acks, trying again while the outbox's files cannot be written (a full disk, a file held open): the sink waits, the host goes on.</summary>
    private async Task AckAsync(List<OutboxBatch> group, List<SinkDeadLetter> letters)
    {
        for (var delay = TimeSpan.FromMilliseconds(100); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.TicksPerMinute)))
        {
            try
            {
                Ack(group, letters);
                Volatile.Write(ref _ackFailure, null);
                return;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Volatile.Write(ref _ackFailure, ex);
                Log.AckFailed(_logger, Name, delay.TotalSeconds, ex.Message);
                lock (_statusLock)
                {
                    _status.LastError = $"outbox files: {ex.Message}";
                    _status.LastErrorAt = DateTimeOffset.UtcNow;
                }
                await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Dead letters first, then the cursor: a crash between the two delivers those changes once more.</summary>
    private void Ack(List<OutboxBatch> group, List<SinkDeadLetter> letters)
    {
        if (letters.Count > 0)
        {
            Files.AppendDeadLetters(letters);
            // Written once, even if the cursor then fails and the ack is tried again.
            lock (_statusLock)
            {
                _status.DeadLetters += letters.Count;
            }
            letters.Clear();
            _lastCursorWrite = 0;
        }
        var cursor = Acked;
        var changes = 0;
        foreach (var batch in group)
        {
            if (batch.ReplayFile is null)
            {
                _ackedSnapshotUntil = batch.SnapshotUntil;
            }
            cursor = Math.Max(cursor, batch.LastSequence);
            changes += batch.Changes.Count;
            if (batch.ReplayFile is { } replay)
            {
                File.Delete(replay);
            }
        }
        // The cursor file first: a caller that sees the sink drained finds it on disk. After dead letters, at once.
        var drained = Volatile.Read(ref _queuedBatches) == group.Count;
        var written = drained || _lastCursorWrite == 0 || Stopwatch.GetElapsedTime(_lastCursorWrite) >= CursorWriteInterval;
        if (written)
        {
            Files.WriteCursor(new OutboxCursor { Sequence = cursor, SnapshotUntil = _ackedSnapshotUntil });
            _lastCursorWrite = Stopwatch.GetTimestamp();
        }
        Interlocked.Exchange(ref _oldestPendingTicks, drained ? 0 : group[^1].NextPendingTicks);
        Interlocked.Exchange(ref _acked, cursor);
        Interlocked.Add(ref _queuedChanges, -changes);
        Interlocked.Add(ref _queuedBatches, -group.Count);
        if (written)
        {
            WriteStatusQuietly();
        }
    }

    private void FillStatus()
    {
        _status.UpdatedAt = DateTimeOffset.UtcNow;
        _status.Cursor = Acked;
        _status.Committed = Math.Max(Volatile.Read(ref _committed), _status.Cursor);
        _status.LagChanges = _status.Committed - _status.Cursor;
        var oldest = Interlocked.Read(ref _oldestPendingTicks);
        _status.LagSeconds = oldest == 0 || _status.LagChanges == 0 ? 0 : Math.Max(0, (DateTime.UtcNow.Ticks - oldest) / (double)TimeSpan.TicksPerSecond);
        _status.Snapshot = SnapshotUntil is not null;
        if (_sink is ISinkUsage { Usage: { } usage })
        {
            _status.Usage = usage;
        }
    }

    private void WriteStatusQuietly()
    {
        SinkStatus copy;
        lock (_statusLock)
        {
            FillStatus();
            copy = _status.Copy();
        }
        try
        {
            Files.WriteStatus(copy);
        }
        catch (IOException ex)
        {
            Log.StatusNotWritten(_logger, Name, ex.Message);
        }
    }


    /// <summary>Stops the delivery task; what it had not acked is queued again from the cursor by the next run.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_worker is { } worker)
        {
            // Let a delivery in flight finish its call for a moment, then cancel it.
            if (await Task.WhenAny(worker, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false) != worker)
            {
                await _stop.CancelAsync().ConfigureAwait(false);
                if (await Task.WhenAny(worker, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false) != worker)
                {
                    Log.StillRunning(_logger, Name);
                }
            }
        }
        WriteStatusQuietly();
        _stop.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(301, LogLevel.Debug, "Sink {Sink}: delivered {Changes} changes")]
        public static partial void Delivered(ILogger logger, string sink, int changes);

        [LoggerMessage(302, LogLevel.Warning, "Sink {Sink}: try {Attempt} failed, next in {DelaySeconds:0.##} s: {Error}")]
        public static partial void Retrying(ILogger logger, string sink, int attempt, double delaySeconds, string error);

        [LoggerMessage(303, LogLevel.Error, "Sink {Sink}: {Changes} changes dead-lettered after {Attempts} tries: {Error}")]
        public static partial void DeadLettered(ILogger logger, string sink, int changes, int attempts, string error);

        [LoggerMessage(304, LogLevel.Error, "Sink {Sink}: its outbox stopped; the other sinks go on")]
        public static partial void OutboxFailed(ILogger logger, string sink, Exception exception);

        [LoggerMessage(306, LogLevel.Error, "Sink {Sink}: its outbox files could not be written ({Reason}); trying again in {DelaySeconds:0.#} s")]
        public static partial void AckFailed(ILogger logger, string sink, double delaySeconds, string reason);

        [LoggerMessage(307, LogLevel.Warning, "Sink {Sink}: a call to the plugin was still running 12 s after the stop; what it had not acked is delivered again after the next start")]
        public static partial void StillRunning(ILogger logger, string sink);

        [LoggerMessage(305, LogLevel.Warning, "Sink {Sink}: status not written: {Reason}")]
        public static partial void StatusNotWritten(ILogger logger, string sink, string reason);
    }
}

/// <summary>
/// Changes queued for a sink. <paramref name="LastSequence"/> is the last change-log sequence number the batch covers
/// (skipped events included; 0 for a replay), <paramref name="Sequences"/> each change's own.
/// </summary>
internal sealed record OutboxBatch(List<ProfileChange> Changes, List<long> Sequences, long LastSequence)
{
    /// <summary>While the sink takes its snapshot, the sequence number the snapshot runs to.</summary>
    public long? SnapshotUntil { get; init; }

    /// <summary>The replay file this batch delivers, deleted once the batch is acked.</summary>
    public string? ReplayFile { get; init; }

    /// <summary>When the first change after this batch was committed (for the lag in seconds); 0 if none.</summary>
    public long NextPendingTicks { get; init; }
}
