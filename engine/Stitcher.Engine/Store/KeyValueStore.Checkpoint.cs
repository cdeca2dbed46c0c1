using FASTER.core;

namespace Stitcher.Engine.Store;

/// <summary>Opening (what to recover), checkpoints, and closing; a write that failed ends a checkpoint instead of hanging it.</summary>
internal sealed partial class KeyValueStore
{
    private const string WriteProbeFile = ".write-probe";

    // Set when a checkpoint was left running inside FASTER (after a failed write or the timeout): closing then must not
    // wait for FASTER to finish it.
    private bool _checkpointAbandoned;

    /// <summary>
    /// Whether a checkpoint was left running inside FASTER: its writes may still land after closing, so the data
    /// directory must not be opened again by this process (the engine keeps its lock until the process ends).
    /// </summary>
    public bool CheckpointAbandoned => _checkpointAbandoned;

    /// <summary>
    /// Checks the store folder before FASTER touches it: writable (a read-only store is refused here, not as a store
    /// that fails to recover), and holding what its manifest says. Returns the checkpoint to recover: null for none (a
    /// new store), <see cref="Guid.Empty"/> for the newest FASTER finds (a store written before manifests).
    /// </summary>
    private static Guid? PrepareFiles(string directory, string checkpointDirectory)
    {
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            ProbeWritable(directory);
            if (System.IO.Directory.Exists(checkpointDirectory))
            {
                ProbeWritable(checkpointDirectory);
            }
        }
        catch (Exception e) when (DataDirectoryWriteException.IsWriteRefusal(e))
        {
            throw new DataDirectoryWriteException(DataDirectoryOf(directory), directory, e);
        }
        var manifest = StoreManifest.Verify(directory);
        if (manifest is null)
        {
            if (System.IO.Directory.Exists(checkpointDirectory) && System.IO.Directory.EnumerateFileSystemEntries(checkpointDirectory).Any())
            {
                return Guid.Empty;
            }
            WriteManifest(directory, () => StoreManifest.WriteNew(directory));
            return null;
        }
        if (manifest.Checkpoint == Guid.Empty)
        {
            // A new store whose first run never finished a checkpoint (a full disk): what it left of one goes.
            StoreManifest.RemoveOtherCheckpoints(directory, Guid.Empty);
            return null;
        }
        // The manifest's checkpoint, not the newest on disk: a newer one was never named because it failed to be
        // written whole, or because the process died before it was named (then nothing was delivered from it). Those
        // go now, which gives their room back to a disk that filled up.
        try
        {
            StoreManifest.RemoveOtherCheckpoints(directory, manifest.Checkpoint);
        }
        catch (IOException)
        {
            // Only room is lost: the next checkpoint's manifest removes them again.
        }
        return manifest.Checkpoint;
    }

    private static string DataDirectoryOf(string storeDirectory) => Path.GetDirectoryName(Path.GetFullPath(storeDirectory)) ?? storeDirectory;

    private static void ProbeWritable(string directory)
    {
        using var probe = new FileStream(Path.Combine(directory, WriteProbeFile), FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
    }

    private void Recover(Guid? checkpoint)
    {
        if (checkpoint is not { } token)
        {
            return;
        }
        if (token == Guid.Empty)
        {
            // A store written before manifests: the newest checkpoint, which is then named at once, so that a checkpoint
            // this version leaves half written (a full disk) is never the newest one recovered.
            _store.GetLatestCheckpointTokens(out var recovered, out _);
            _store.Recover();
            if (recovered != Guid.Empty)
            {
                WriteManifest(Directory, () => StoreManifest.Write(Directory, recovered));
            }
        }
        else
        {
            _store.Recover(token);
        }
    }

    /// <summary>
    /// Takes a fold-over checkpoint of index and log. Called between batches, so the checkpoint holds every batch and
    /// its source progress together, never half of one. Throws <see cref="DataDirectoryWriteException"/> when a write of
    /// the store failed, before or during it, or when it did not end within the checkpoint timeout; the manifest then
    /// still names the previous checkpoint, which the next open recovers.
    /// </summary>
    public async ValueTask<Guid> CheckpointAsync(CancellationToken cancellationToken)
    {
        _writeFailure.ThrowIfFailed();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        _session.CompletePending(wait: true);
        var checkpoint = _store.TakeFullCheckpointAsync(CheckpointType.FoldOver, cancellationToken).AsTask();
        using (var timeout = new CancellationTokenSource())
        {
            // FASTER waits for every log page of the checkpoint to be flushed; one that failed never is.
            var first = await Task.WhenAny(checkpoint, _writeFailure.Failed, Task.Delay(_checkpointTimeout, timeout.Token)).ConfigureAwait(false);
            await timeout.CancelAsync().ConfigureAwait(false);
            if (first != checkpoint)
            {
                _checkpointAbandoned = true;
                if (_writeFailure.HasFailed)
                {
                    _writeFailure.Throw();
                }
                var stuck = new TimeoutException($"the checkpoint did not end within {_checkpointTimeout.TotalSeconds:0} s (Store:CheckpointTimeoutSeconds)");
                _writeFailure.Report(Directory, stuck);
                _writeFailure.Throw();
            }
        }
        bool success;
        Guid token;
        try
        {
            (success, token) = await checkpoint.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not DataDirectoryWriteException && DataDirectoryWriteException.IsWriteRefusal(e))
        {
            _writeFailure.Report(Directory, e);
            throw _writeFailure.ToException();
        }
        if (!success)
        {
            throw new InvalidOperationException("The store refused to start a checkpoint: another one is still running.");
        }
        // FASTER committed it even if one of its files failed to be written: it must not be named, nor recovered.
        _writeFailure.ThrowIfFailed();
        // What recovery will read, recorded so that a truncated log or a damaged checkpoint is refused at open.
        WriteManifest(Directory, () => StoreManifest.Write(Directory, token));
        Log.CheckpointTaken(_logger, token, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return token;
    }

    private static void WriteManifest(string directory, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (DataDirectoryWriteException.IsWriteRefusal(e))
        {
            throw new DataDirectoryWriteException(DataDirectoryOf(directory), StoreManifest.PathIn(directory), e);
        }
    }

    public void Dispose()
    {
        if (_checkpointAbandoned)
        {
            // FASTER still runs the checkpoint on the thread pool and would wait for it on closing, or fail on what
            // was closed under it: it is left to the process's end, and its devices write nothing more.
            _checkpointDevices.Close();
            ((FileLogDevice)_settings.LogDevice).Abandon();
            return;
        }
        _session.Dispose();
        _store.Dispose();
        _settings.LogDevice.Dispose();
        _settings.Dispose();
        _checkpointManager.Dispose();
    }
}
