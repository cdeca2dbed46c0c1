using System.Runtime.InteropServices;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Tests.Store;

public sealed class FileLogDeviceTests : IDisposable
{
    private const int SegmentBytes = 1 << 16;

    private readonly TempDirectory _temp = new();
    private readonly FileLogDevice _device;
    // Pinned: the device reads and writes through its address.
    private readonly byte[] _buffer = GC.AllocateArray<byte>(2 * SegmentBytes, pinned: true);

    public FileLogDeviceTests()
    {
        _device = new FileLogDevice(Path.Combine(_temp.Path, "log", "hlog.log"));
        _device.Initialize(SegmentBytes);
    }

    public void Dispose()
    {
        _device.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Read_PagesWrittenIntoTwoSegments_ComeBackByteForByteBeforeReadAsyncReturns()
    {
        var page = _buffer.AsSpan(0, 8192);
        new Random(5).NextBytes(page);
        Write(0, 8192);
        // The second page starts the second segment.
        page.Reverse();
        Write(SegmentBytes, 8192);
        var expectedSecond = page.ToArray();
        page.Reverse();
        var expectedFirst = page.ToArray();

        Assert.True(File.Exists(Path.Combine(_temp.Path, "log", "hlog.log.0")));
        Assert.True(File.Exists(Path.Combine(_temp.Path, "log", "hlog.log.1")));
        Assert.Equal((0u, 4000u), ReadNow(SegmentBytes + 4100, SegmentBytes, 4000));
        Assert.True(_buffer.AsSpan(SegmentBytes, 4000).SequenceEqual(expectedSecond.AsSpan(4100, 4000)));
        Assert.Equal((0u, 500u), ReadNow(1037, SegmentBytes, 500));
        Assert.True(_buffer.AsSpan(SegmentBytes, 500).SequenceEqual(expectedFirst.AsSpan(1037, 500)));
    }

    [Fact]
    public void Read_SectorsPastTheEndOfTheSegmentFile_ReturnsTheBytesThereAre()
    {
        _buffer.AsSpan(0, 1000).Fill(9);
        Write(0, 1000);

        var (error, bytes) = ReadNow(512, 4096, 1024);

        Assert.Equal(0u, error);
        Assert.Equal(488u, bytes);
        Assert.True(_buffer.AsSpan(4096, 488).IndexOfAnyExcept((byte)9) < 0);
    }

    [Fact]
    public void RemoveSegment_DeletesItsFileAndLeavesTheOthersReadable()
    {
        _buffer.AsSpan(0, 512).Fill(1);
        Write(0, 512);
        _buffer.AsSpan(0, 512).Fill(2);
        Write(SegmentBytes, 512);

        _device.RemoveSegment(0);

        Assert.False(File.Exists(Path.Combine(_temp.Path, "log", "hlog.log.0")));
        Assert.True(File.Exists(Path.Combine(_temp.Path, "log", "hlog.log.1")));
        Assert.Equal((0u, 512u), ReadNow(SegmentBytes, 4096, 512));
        Assert.True(_buffer.AsSpan(4096, 512).IndexOfAnyExcept((byte)2) < 0);
    }

    [Fact]
    public void Dispose_PageWritesStillQueued_FinishBeforeItReturnsAndNoneComeAfter()
    {
        new Random(9).NextBytes(_buffer);
        var (completed, failed) = (0, 0);
        const int Writes = 16;
        for (var i = 0; i < Writes; i++)
        {
            _device.WriteAsync(Marshal.UnsafeAddrOfPinnedArrayElement(_buffer, 0), (ulong)i * 8192, 8192, (code, _, _) =>
            {
                Interlocked.Increment(ref code == 0 ? ref completed : ref failed);
            }, null);
        }

        _device.Dispose();

        Assert.Equal((Writes, 0), (Volatile.Read(ref completed), Volatile.Read(ref failed)));
        Assert.True(File.ReadAllBytes(Path.Combine(_temp.Path, "log", "hlog.log.1")).AsSpan(8192 * 7, 8192).SequenceEqual(_buffer.AsSpan(0, 8192)));
        // A write after disposal fails instead of reopening the segment.
        uint? late = null;
        _device.WriteAsync(Marshal.UnsafeAddrOfPinnedArrayElement(_buffer, 0), 3 * SegmentBytes, 512, (code, _, _) => late = code, null);
        SpinWait.SpinUntil(() => late is not null, TimeSpan.FromSeconds(30));
        Assert.NotEqual(0u, late);
        Assert.False(File.Exists(Path.Combine(_temp.Path, "log", "hlog.log.3")));
    }

    [Fact]
    public void Write_ThatFails_IsReportedToFasterAndToTheStoreWriteFailure()
    {
        // A folder where the segment file should be: opening it for writing fails, as on a read-only or full disk.
        Directory.CreateDirectory(Path.Combine(_temp.Path, "failing", "hlog.log.0"));
        var failure = new StoreWriteFailure(_temp.Path);
        using var device = new FileLogDevice(Path.Combine(_temp.Path, "failing", "hlog.log"), failure);
        device.Initialize(SegmentBytes);
        using var done = new ManualResetEventSlim();
        var error = 0u;

        device.WriteAsync(Marshal.UnsafeAddrOfPinnedArrayElement(_buffer, 0), 0, 512, (code, _, _) =>
        {
            error = code;
            done.Set();
        }, null);

        Assert.True(done.Wait(TimeSpan.FromSeconds(30)));
        Assert.NotEqual(0u, error);
        Assert.True(failure.Failed.IsCompleted);
        var thrown = Assert.Throws<DataDirectoryWriteException>(failure.ThrowIfFailed);
        Assert.Equal(Path.Combine(_temp.Path, "failing", "hlog.log.0"), thrown.Path);
        Assert.Contains(_temp.Path, thrown.Message);
    }

    private void Write(ulong address, uint length)
    {
        using var done = new ManualResetEventSlim();
        var error = uint.MaxValue;
        var written = 0u;
        _device.WriteAsync(Marshal.UnsafeAddrOfPinnedArrayElement(_buffer, 0), address, length, (code, bytes, _) =>
        {
            (error, written) = (code, bytes);
            done.Set();
        }, null);
        Assert.True(done.Wait(TimeSpan.FromSeconds(30)));
        Assert.Equal((0u, length), (error, written));
    }

    // Reads into the buffer from offset at and returns the callback's error code and byte count; fails unless the
    // callback ran before ReadAsync returned.
    private (uint Error, uint Bytes) ReadNow(ulong address, int at, int length)
    {
        (uint, uint)? result = null;
        _device.ReadAsync(address, Marshal.UnsafeAddrOfPinnedArrayElement(_buffer, at), (uint)length, (code, bytes, _) => result = (code, bytes), null);
        Assert.NotNull(result);
        return result.Value;
    }
}
