using Stitcher.Engine.Store;

namespace Stitcher.Engine.Tests.Store;

public sealed class DataDirectoryWriteExceptionTests
{
    [Theory]
    [InlineData(28, true)]   // ENOSPC
    [InlineData(30, true)]   // EROFS
    [InlineData(122, true)]  // EDQUOT
    [InlineData(11, false)]  // EWOULDBLOCK: a lock held elsewhere, not a refusal to write
    [InlineData(5, false)]   // EIO: a failing disk is not a full one
    public void IsWriteRefusal_IOExceptionByErrno_IsTheDiskFullOrReadOnly(int errno, bool refusal)
    {
        Assert.Equal(refusal, DataDirectoryWriteException.IsWriteRefusal(new IOException("x", errno)));
    }

    [Fact]
    public void FindWriteRefusal_InsideAggregateAndInnerExceptions_FindsTheOperatingSystemsError()
    {
        var full = new IOException("No space left on device : '/data/store/hlog.log.0'", 28);
        var wrapped = new AggregateException(new InvalidOperationException("batch failed", full));

        Assert.Same(full, DataDirectoryWriteException.FindWriteRefusal(wrapped));
        Assert.Null(DataDirectoryWriteException.FindWriteRefusal(new InvalidOperationException("no")));
    }

    [Fact]
    public void Message_NamesTheDirectoryTheFileAndTheCause()
    {
        var exception = new DataDirectoryWriteException("/data", "/data/store/manifest.json", new IOException("Read-only file system", 30));

        Assert.Contains("/data ", exception.Message);
        Assert.Contains("/data/store/manifest.json: Read-only file system", exception.Message);
    }
}
