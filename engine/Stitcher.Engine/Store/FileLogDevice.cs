using System.Collections.Concurrent;
using FASTER.core;
using Microsoft.Win32.SafeHandles;

namespace Stitcher.Engine.Store;

/// <summary>
/// FASTER's log device, on positional file I/O through the operating system's page cache. A read completes on the
/// thread that asked for it, before <see cref="ReadAsync"/> returns; a page write runs on the thread pool and is
/// durable (write-through) when FASTER hears it completed.
/// </summary>
/// <remarks>
/// FASTER's managed device on Linux reads with <c>O_DIRECT</c> and hands every read to the thread pool, where the
/// linking thread then waits behind the scoring work for it: at 10M records, with most of the log on disk, linking
/// spent half its time waiting for reads of identifiers and profiles. Here a read of a page the OS still caches is a
/// memory copy on the caller's thread. The page cache is the kernel's: it is not part of the process's resident set,
/// and the kernel reclaims it under memory pressure (a container's memory limit does count it, as reclaimable).
/// FASTER only reads from disk below its head address, which it has flushed first, so a read never sees a page
/// before its write completed. Disposing waits for page writes still queued. A write that fails is reported to FASTER,
/// which only logs it, and to <see cref="StoreWriteFailure"/>, where the store finds it.
/// </remarks>
internal sealed class FileLogDevice : StorageDeviceBase
{
    private const uint SectorBytes = 512;

    private readonly ConcurrentDictionary<int, SafeFileHandle> _segments = new();
    private readonly Lock _opening = new();
    private readonly StoreWriteFailure? _failure;
    private int _pendingWrites;
    private volatile bool _disposed;

    public FileLogDevice(string fileName, StoreWriteFailure? failure = null)
        : base(fileName, SectorBytes, Devices.CAPACITY_UNSPECIFIED)
    {
        _failure = failure;
        var directory = Path.GetDirectoryName(Path.GetFullPath(fileName))!;
        try
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (failure is not null && e is IOException or UnauthorizedAccessException)
        {
            // FASTER creates checkpoint devices inside its checkpoint, where a throw is lost: the writes fail and say so.
            failure.Report(directory, e);
        }
    }

    public override unsafe void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength,
        DeviceIOCompletionCallback callback, object context)
    {
        uint errorCode = 0;
        var read = 0;
        try
        {
            var handle = Segment(segmentId);
            var destination = new Span<byte>((void*)destinationAddress, checked((int)readLength));
            while (read < destination.Length)
            {
                var count = RandomAccess.Read(handle, destination[read..], (long)sourceAddress + read);
                if (count == 0)
                {
                    // The end of the segment: FASTER asks for whole sectors, the last record may end before.
                    break;
                }
                read += count;
            }
        }
        catch (Exception e)
        {
            // FASTER registered the read as pending before asking: it must hear back, or completing it would wait forever.
            errorCode = ErrorCode(e);
            read = 0;
        }
        callback(errorCode, (uint)read, context);
    }

    public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite,
        DeviceIOCompletionCallback callback, object context)
    {
        HandleCapacity(segmentId);
        Interlocked.Increment(ref _pendingWrites);
        ThreadPool.UnsafeQueueUserWorkItem(new PageWrite(this, sourceAddress, segmentId, destinationAddress, numBytesToWrite, callback, context), preferLocal: false);
    }

    public override void RemoveSegment(int segment)
    {
        CloseSegment(segment);
        try
        {
            File.Delete(GetSegmentFilename(FileName, segment));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // FASTER no longer needs the segment; a file left behind (still open elsewhere) only takes disk space.
        }
    }

    public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result)
    {
        RemoveSegment(segment);
        callback(result);
    }

    public override long GetFileSize(int segment) => segmentSize > 0 ? segmentSize : RandomAccess.GetLength(Segment(segment));

    public override void Dispose()
    {
        // A page write still queued would otherwise run after this returns, and reopen the segment to write to it.
        // Those queued before complete; one that comes after fails (and one racing with this is waited for too).
        AwaitPendingWrites();
        _disposed = true;
        AwaitPendingWrites();
        foreach (var segment in _segments.Keys)
        {
            CloseSegment(segment);
        }
    }

    /// <summary>
    /// Closes without waiting for page writes in flight (a storage that stopped answering would hold this for ever):
    /// later writes fail, and a write still running keeps its file open until it returns.
    /// </summary>
    public void Abandon()
    {
        _disposed = true;
        foreach (var segment in _segments.Keys)
        {
            CloseSegment(segment);
        }
    }

    private void CloseSegment(int segment)
    {
        if (_segments.TryRemove(segment, out var handle))
        {
            handle.Dispose();
        }
    }

    private void AwaitPendingWrites()
    {
        var wait = new SpinWait();
        while (Volatile.Read(ref _pendingWrites) > 0)
        {
            wait.SpinOnce(sleep1Threshold: 20);
        }
    }

    private SafeFileHandle Segment(int segmentId)
    {
        if (_segments.TryGetValue(segmentId, out var handle))
        {
            return handle;
        }
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_opening)
        {
            if (!_segments.TryGetValue(segmentId, out handle))
            {
                // Write-through: a page FASTER was told is written survives a power cut, not only a killed process.
                // Asynchronous: on Windows a handle without it does one I/O at a time, and a read would wait for a
                // page write; the synchronous RandomAccess calls work on it all the same.
                handle = File.OpenHandle(SegmentPath(segmentId), FileMode.OpenOrCreate, FileAccess.ReadWrite,
                    FileShare.ReadWrite | FileShare.Delete, FileOptions.WriteThrough | FileOptions.Asynchronous);
                _segments[segmentId] = handle;
            }
            return handle;
        }
    }

    private string SegmentPath(int segmentId) => GetSegmentFilename(FileName, segmentId);

    // FASTER treats any non-zero code as a failed I/O and logs it; keep the OS's code where there is one.
    private static uint ErrorCode(Exception e) => (e.HResult & 0xFFFF) is var code and not 0 ? (uint)code : uint.MaxValue;

    private sealed class PageWrite(FileLogDevice device, IntPtr source, int segmentId, ulong destination, uint length,
        DeviceIOCompletionCallback callback, object context) : IThreadPoolWorkItem
    {
        public unsafe void Execute()
        {
            uint errorCode = 0;
            try
            {
                RandomAccess.Write(device.Segment(segmentId), new ReadOnlySpan<byte>((void*)source, checked((int)length)), (long)destination);
            }
            catch (Exception e)
            {
                // Reported to FASTER, which logs it and fails the flush (a thread-pool thread must not throw), and to
                // the store, which stops at its next write or checkpoint instead of waiting for this page for ever.
                errorCode = ErrorCode(e);
                device._failure?.Report(device.SegmentPath(segmentId), e);
            }
            try
            {
                callback(errorCode, errorCode == 0 ? length : 0, context);
            }
            finally
            {
                Interlocked.Decrement(ref device._pendingWrites);
            }
        }
    }
}
