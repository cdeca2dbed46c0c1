using System.Diagnostics;
using Stitcher.Engine.Delivery;
using Stitcher.Engine.Profiles;
using Stitcher.Engine.Store;
using Stitcher.Plugins;

namespace Stitcher.Engine;

/// <summary>
/// Checkpoints, and feeding the sinks' outboxes from the change log. A sink only ever hears of changes the store has
/// made durable (the feed runs when nothing changed since the last checkpoint), so a crash never takes back a version a
/// destination has seen; each sink then delivers on its own task (<see cref="SinkOutbox"/>), and ingest never waits
/// for one.
/// </summary>
public sealed partial class StitcherEngine
{
    // Change events read from the log at a time while feeding.
    private const int FeedReadSize = 4096;

    /// <summary>Takes a checkpoint: what was stitched so far is durable; the sinks' outboxes then take the new changes.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CheckpointCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Makes every change durable, then waits until each sink has taken every change (and any dead letters queued for
    /// replay) or dead-lettered what it could not deliver. What <c>run --once</c> does before it returns.
    /// </summary>
    public async Task DrainSinksAsync(CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await DrainCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Each sink's delivery status now: cursor, lag, attempts, dead letters, last error.</summary>
    public IReadOnlyList<SinkStatus> SinkStatuses()
    {
        var statuses = new List<SinkStatus>(_outboxes.Count);
        foreach (var outbox in _outboxes)
        {
            statuses.Add(outbox.Status());
        }
        return statuses;
    }

    private long SinkDeadLetterTotal()
    {
        var total = 0L;
        foreach (var outbox in _outboxes)
        {
            total += outbox.Status().DeadLetters;
        }
        return total;
    }

    private async Task DrainCoreAsync(CancellationToken cancellationToken)
    {
        if (_outboxes.Count == 0 || _fault is not null)
        {
            return;
        }
        if (_graph.ChangeSequence != _durableSequence)
        {
            await CheckpointCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        while (true)
        {
            FeedSinks();
            var drained = true;
            foreach (var outbox in _outboxes)
            {
                // Its cursor cannot be saved: the sink would wait for space for ever, and this drain with it.
                if (outbox.AckFailure is { } failure && DataDirectoryWriteException.IsWriteRefusal(failure))
                {
                    throw new DataDirectoryWriteException(DataDirectory, outbox.Files.Directory, failure);
                }
                if (!outbox.Stopped && (outbox.Acked < _durableSequence || !outbox.Idle || outbox.ReplayQueued))
                {
                    drained = false;
                }
            }
            if (drained)
            {
                return;
            }
            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Queues committed changes for each sink, within its queue's room. Only when nothing changed since the last
    /// checkpoint: the profiles read for the changes are then exactly what the store holds durably.
    /// </summary>
    private void FeedSinks()
    {
        if (_outboxes.Count == 0 || _fault is not null || _graph.ChangeSequence != _durableSequence)
        {
            return;
        }
        foreach (var outbox in _outboxes)
        {
            outbox.SetCommitted(_durableSequence);
            FeedReplays(outbox);
            Feed(outbox);
        }
    }

    private void Feed(SinkOutbox outbox)
    {
        if (outbox.Stopped)
        {
            return;
        }
        if (outbox.FedSequence > _durableSequence || outbox.SnapshotUntil > _durableSequence)
        {
            // A cursor past the store's end: the store was replaced. The sink takes the profiles there are now, once
            // what it was given of the old one is done with.
            if (!outbox.Idle)
            {
                return;
            }
            Log.CursorPastStore(_logger, outbox.Name, outbox.FedSequence, _durableSequence);
            outbox.Reset(_durableSequence);
        }
        if (outbox.IsNew && outbox.FedSequence == 0 && outbox.SnapshotUntil is null && _durableSequence > 0)
        {
            // A sink added to an existing store takes every current profile first: the log up to here, profiles only.
            outbox.SnapshotUntil = _durableSequence;
        }
        while (outbox.FedSequence < _durableSequence && outbox.Room > 0)
        {
            _feedEvents.Clear();
            ChangeLog.Read(_store, outbox.FedSequence, _durableSequence, Math.Min(FeedReadSize, outbox.Room), _feedEvents);
            if (_feedEvents.Count == 0)
            {
                // A change the log does not hold cannot be delivered: the sink moves past it, said loudly, rather than
                // waiting for it for ever.
                var missing = outbox.FedSequence + 1;
                Log.ChangeMissing(_logger, outbox.Name, missing);
                outbox.Enqueue(new OutboxBatch([], [], missing) { SnapshotUntil = outbox.SnapshotUntil }, _durableSequence, 0);
                outbox.FedSequence = missing;
                continue;
            }
            var changes = new List<ProfileChange>(Math.Min(outbox.BatchSize, _feedEvents.Count));
            var sequences = new List<long>(changes.Capacity);
            for (var i = 0; i < _feedEvents.Count; i++)
            {
                var change = _feedEvents[i];
                var snapshot = outbox.SnapshotUntil is { } until && change.Sequence <= until;
                if (ToProfileChange(change, snapshot) is { } delivered)
                {
                    changes.Add(delivered);
                    sequences.Add(change.Sequence);
                }
                var last = i == _feedEvents.Count - 1;
                if (changes.Count == outbox.BatchSize || last)
                {
                    if (outbox.SnapshotUntil is { } end && change.Sequence >= end)
                    {
                        outbox.SnapshotUntil = null;
                    }
                    var next = last ? 0 : _feedEvents[i + 1].AtUtcTicks;
                    outbox.Enqueue(new OutboxBatch(changes, sequences, change.Sequence) { SnapshotUntil = outbox.SnapshotUntil, NextPendingTicks = next },
                        _durableSequence, _feedEvents[0].AtUtcTicks);
                    outbox.FedSequence = change.Sequence;
                    changes = new List<ProfileChange>(outbox.BatchSize);
                    sequences = new List<long>(outbox.BatchSize);
                }
            }
        }
    }

    /// <summary>
    /// What a sink hears of a change-log event, or null: an upsert only from the profile's latest change (its version),
    /// so each version is delivered once; retirements and deletions as they happened, except in a snapshot, whose sink
    /// never heard of those profiles. Splits are told by the upserts of their pieces.
    /// </summary>
    private ProfileChange? ToProfileChange(ChangeEvent change, bool snapshot)
    {
        var at = new DateTimeOffset(change.AtUtcTicks, TimeSpan.Zero);
        switch (change.Type)
        {
            case ChangeEventType.ProfileCreated or ChangeEventType.ProfileUpdated:
                // A later change of the profile carries it; one that no longer exists is told by its retirement or deletion.
                if (!_graph.TryGetProfileAsOf(change.ProfileId, change.Sequence, out var profile))
                {
                    return null;
                }
                return Upsert(profile, change.Sequence, at);
            case ChangeEventType.ProfileMerged when !snapshot && change.RelatedProfileId is { } retired:
                return new ProfileChange(ProfileChangeKind.Retired, retired, change.Sequence, at) { SurvivorId = change.ProfileId };
            case ChangeEventType.ProfileDeleted when !snapshot:
                return new ProfileChange(ProfileChangeKind.Deleted, change.ProfileId, change.Sequence, at);
            default:
                return null;
        }
    }

    /// <summary>An upsert of <paramref name="profile"/> as it is now, at <paramref name="version"/>.</summary>
    private ProfileChange Upsert(Store.StoredProfile profile, long version, DateTimeOffset at) =>
        new(ProfileChangeKind.Upserted, profile.Id, version, at) { Profile = ProfileView.ToStitched(profile, _journey, _normalizer.DefaultPhoneRegion) };

    /// <summary>
    /// Queues the dead letters a replay handed back, within the queue's room: for each profile its latest letter, as
    /// the profile is now (an upsert of its current version) or, when that letter was a retirement or a deletion, as it
    /// was. An upsert letter of a profile that no longer exists is dropped: a later retirement or deletion in the log
    /// tells it. A replay file is deleted once the sink took all of it.
    /// </summary>
    private void FeedReplays(SinkOutbox outbox)
    {
        // Only while the sink is idle: a dead letter being appended when the replay command moved the file lands in
        // the moved file, and is read with it.
        if (!outbox.Idle)
        {
            return;
        }
        outbox.ReplayQueued = false;
        foreach (var file in outbox.Files.ReplayFiles())
        {
            if (!File.Exists(file))
            {
                continue;
            }
            var latest = new Dictionary<string, SinkDeadLetter>(StringComparer.Ordinal);
            foreach (var letter in OutboxFiles.ReadDeadLetters(file))
            {
                if (!latest.TryGetValue(letter.ProfileId, out var known) || letter.Sequence > known.Sequence)
                {
                    latest[letter.ProfileId] = letter;
                }
            }
            var letters = latest.Values.OrderBy(static l => l.Sequence).ToList();
            var start = outbox.ReplayProgress(file);
            var changes = new List<ProfileChange>();
            var sequences = new List<long>();
            var at = start;
            for (; at < letters.Count && changes.Count < Math.Max(1, outbox.Room); at++)
            {
                var letter = letters[at];
                var changedAt = letter.ChangedAt ?? letter.At;
                if (letter.Kind == SinkOutbox.KindName(ProfileChangeKind.Upserted))
                {
                    if (!_graph.TryGetProfile(letter.ProfileId, out var profile) || profile.Id != letter.ProfileId)
                    {
                        continue;
                    }
                    changes.Add(Upsert(profile, profile.Version, changedAt));
                }
                else if (letter.Kind == SinkOutbox.KindName(ProfileChangeKind.Retired) && letter.SurvivorId is { } survivor)
                {
                    changes.Add(new ProfileChange(ProfileChangeKind.Retired, letter.ProfileId, letter.Version, changedAt) { SurvivorId = survivor });
                }
                else
                {
                    changes.Add(new ProfileChange(ProfileChangeKind.Deleted, letter.ProfileId, letter.Version, changedAt));
                }
                sequences.Add(letter.Sequence);
            }
            var done = at >= letters.Count;
            outbox.SetReplayProgress(file, at);
            for (var first = 0; first < changes.Count || (first == 0 && done); first += outbox.BatchSize)
            {
                var count = Math.Min(outbox.BatchSize, changes.Count - first);
                var last = first + outbox.BatchSize >= changes.Count;
                outbox.Enqueue(new OutboxBatch(changes.GetRange(first, count), sequences.GetRange(first, count), 0)
                {
                    ReplayFile = last && done ? file : null,
                    SnapshotUntil = outbox.SnapshotUntil,
                }, _durableSequence, 0);
                if (last)
                {
                    break;
                }
            }
            outbox.ReplayQueued = true;
            Log.ReplayQueued(_logger, outbox.Name, changes.Count, Path.GetFileName(file));
            // One file at a time, within the room: the next feed goes on.
            return;
        }
    }

    /// <summary>
    /// Mid-file checkpoint for long reads, so a crash loses at most one interval of work; the sinks then take what it
    /// made durable. Runs inside the reader's callback, between batches, where the store session is idle.
    /// </summary>
    private void CheckpointIfDue()
    {
        if (Stopwatch.GetElapsedTime(_lastCheckpointTimestamp).TotalSeconds < _options.CheckpointIntervalSeconds)
        {
            return;
        }
        CheckpointCoreAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    private async Task CheckpointCoreAsync(CancellationToken cancellationToken)
    {
        if (_fault is not null)
        {
            return;
        }
        try
        {
            await _store.CheckpointAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DataDirectoryWriteException ex)
        {
            // The store stays as its last checkpoint left it; this process takes no other (FASTER's may still be running).
            _fault = ex;
            throw;
        }
        _lastCheckpointTimestamp = Stopwatch.GetTimestamp();
        _durableSequence = _graph.ChangeSequence;
        FeedSinks();
    }
}
