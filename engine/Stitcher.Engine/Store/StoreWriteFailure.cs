using System.Diagnostics.CodeAnalysis;

namespace Stitcher.Engine.Store;

/// <summary>
/// The first write that the store's devices (its log and FASTER's checkpoint files) could not make. FASTER only logs a
/// failed write and goes on: a log page that failed is never written again, so a checkpoint waits for it forever, and a
/// checkpoint file that failed still commits. The store asks here before each write and while a checkpoint runs, and
/// stops with <see cref="DataDirectoryWriteException"/>. Sticky: after a failed write the log has a hole, and only
/// reopening (which recovers the last checkpoint) makes the store usable again.
/// </summary>
internal sealed class StoreWriteFailure(string directory)
{
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (string Path, Exception Cause)? _first;
    private readonly Lock _reporting = new();

    /// <summary>Completes when a write fails.</summary>
    public Task Failed => _failed.Task;

    public bool HasFailed => _failed.Task.IsCompleted;

    /// <summary>Called by a device, on the thread its write ran on; only the first failure is kept.</summary>
    public void Report(string path, Exception cause)
    {
        lock (_reporting)
        {
            _first ??= (path, cause);
        }
        _failed.TrySetResult();
    }

    public void ThrowIfFailed()
    {
        if (_failed.Task.IsCompleted)
        {
            Throw();
        }
    }

    [DoesNotReturn]
    public void Throw() => throw ToException();

    /// <summary>The first failure, as the exception the store stops with (a new one each time: each caller has its own stack).</summary>
    public DataDirectoryWriteException ToException()
    {
        (string Path, Exception Cause) first;
        lock (_reporting)
        {
            first = _first!.Value;
        }
        return new DataDirectoryWriteException(directory, first.Path, first.Cause);
    }
}
