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
        for (var i = 0; i < page.Length; i++)
        {
            page[i] = (byte)(i * 7 + 3);
        }
        Write(0, 8192);
        // The second page starts the second segment.
        page.Reverse();
        Write(SegmentBytes, 8192);
        var expectedSecond = page.ToArray();
        page.Reverse();
        var expectedFirst = page.ToArray();

        Assert.True(File.Exists(Path.Combine(_temp.Path, "log", "hlog.log.0")));
        Assert.True(File.Exists(Path.Combine(_temp.Path, "log", "hlog.log.1")));
        Assert.Equal((0u, 4096u), ReadNow(SegmentBytes + 4096, SegmentBytes, 4096));
        Assert.True(_buffer.AsSpan(SegmentBytes, 4096).SequenceEqual(expectedSecond.AsSpan(4096)));
        Assert.Equal((0u, 512u), ReadNow(1024, SegmentBytes, 512));
        Assert.True(_buffer.AsSpan(SegmentBytes, 512).SequenceEqual(expectedFirst.AsSpan(1024, 512)));
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
