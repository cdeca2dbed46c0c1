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
/// memory copy on the caller's thread. The page cache belongs to the OS, not to the process: it is given back under
/// memory pressure and does not count towards the process's working set. FASTER only reads from disk below its head
/// address, which it has flushed first, so a read never sees a page before its write completed.
/// </remarks>
internal sealed class FileLogDevice : StorageDeviceBase
{
    private const uint SectorBytes = 512;

    private readonly ConcurrentDictionary<int, SafeFileHandle> _segments = new();
    private readonly Lock _opening = new();

    public FileLogDevice(string fileName)
        : base(fileName, SectorBytes, Devices.CAPACITY_UNSPECIFIED)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(fileName))!);
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
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            errorCode = ErrorCode(e);
            read = 0;
        }
        callback(errorCode, (uint)read, context);
    }

    public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite,
        DeviceIOCompletionCallback callback, object context)
    {
        HandleCapacity(segmentId);
        ThreadPool.UnsafeQueueUserWorkItem(new PageWrite(this, sourceAddress, segmentId, destinationAddress, numBytesToWrite, callback, context), preferLocal: false);
    }

    public override void RemoveSegment(int segment)
    {
        if (_segments.TryRemove(segment, out var handle))
        {
            handle.Dispose();
        }
        File.Delete(GetSegmentFilename(FileName, segment));
    }

    public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result)
    {
        RemoveSegment(segment);
        callback(result);
    }

    public override long GetFileSize(int segment) => segmentSize > 0 ? segmentSize : RandomAccess.GetLength(Segment(segment));

    public override void Dispose()
    {
        foreach (var segment in _segments.Keys)
        {
            if (_segments.TryRemove(segment, out var handle))
            {
                handle.Dispose();
            }
        }
    }

    private SafeFileHandle Segment(int segmentId)
    {
        if (_segments.TryGetValue(segmentId, out var handle))
        {
            return handle;
        }
        lock (_opening)
        {
            if (!_segments.TryGetValue(segmentId, out handle))
            {
                // Write-through: a page FASTER was told is written survives a power cut, not only a killed process.
                handle = File.OpenHandle(GetSegmentFilename(FileName, segmentId), FileMode.OpenOrCreate, FileAccess.ReadWrite,
                    FileShare.ReadWrite | FileShare.Delete, FileOptions.WriteThrough);
                _segments[segmentId] = handle;
            }
            return handle;
        }
    }

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
            catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
            {
                errorCode = ErrorCode(e);
            }
            callback(errorCode, errorCode == 0 ? length : 0, context);
        }
    }
}
