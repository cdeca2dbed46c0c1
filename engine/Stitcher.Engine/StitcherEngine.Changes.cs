using System.Diagnostics;
using Stitcher.Engine.Pipeline;
using Stitcher.Engine.Profiles;

namespace Stitcher.Engine;

/// <summary>Changes made outside ingest: deletes, reviewer decisions, resolving every record again with a new model.</summary>
public sealed partial class StitcherEngine
{
    /// <summary>
    /// Deletes a channel record. Its profile is re-evaluated: it splits where the record held it together, or
    /// disappears with its last record; sinks and the change log hear of it. Returns false for an unknown record.
    /// </summary>
    public async Task<bool> DeleteRecordAsync(string channel, string recordId, CancellationToken cancellationToken = default)
    {
        // Sinks forget the record: the checkpoint keeps the store from bringing it back after a crash.
        return await CommitChangeAsync(outcome => _graph.Delete(channel, recordId, outcome), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes one change to the graph outside ingest, writes it, tells the sinks and takes a checkpoint, so that what
    /// sinks heard of survives a crash; a change that fails half way is discarded.
    /// </summary>
    private async Task<bool> CommitChangeAsync(Func<LinkOutcome, bool> change, CancellationToken cancellationToken)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _outcome.Clear();
            bool changed;
            try
            {
                changed = change(_outcome);
                _graph.Flush();
            }
            catch
            {
                _graph.Discard();
                throw;
            }
            await CheckpointCoreAsync(CancellationToken.None).ConfigureAwait(false);
            return changed;
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
                    progress?.Report(done);
                });
            }
            catch
            {
                _graph.Discard();
                throw;
            }
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
        return await CommitChangeAsync(
            outcome => _graph.Decide(StoreKeys.Record(channelA, recordIdA), StoreKeys.Record(channelB, recordIdB), samePerson, outcome),
            cancellationToken).ConfigureAwait(false);
    }
}
