using System.Diagnostics;
using Stitcher.Engine.Profiles;
using Stitcher.Plugins;

namespace Stitcher.Engine;

/// <summary>Handing changed profiles to the sinks, and checkpoints.</summary>
public sealed partial class StitcherEngine
{
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
                chunk.Add(ProfileView.ToStitched(profile, _journey, _normalizer.DefaultPhoneRegion));
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
}
