namespace Stitcher.Engine.Store;

/// <summary>
/// A file of the data directory could not be written: the disk is full, or the directory is read-only or not ours to
/// write. What the last checkpoint made durable is intact; the engine stops rather than go on without its writes.
/// </summary>
public sealed class DataDirectoryWriteException : IOException
{
    // errno on Linux and macOS (.NET puts it in HResult): no space, read-only file system, quota exceeded.
    private const int NoSpace = 28;
    private const int ReadOnlyFileSystem = 30;
    private const int QuotaExceeded = 122;
    private const int MacQuotaExceeded = 69;
    // Win32 errors as HResults: ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL, ERROR_WRITE_PROTECT.
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);
    private const int WindowsWriteProtect = unchecked((int)0x80070013);

    public DataDirectoryWriteException(string dataDirectory, string path, Exception cause)
        : base(Describe(dataDirectory, path, cause), cause)
    {
        DataDirectory = dataDirectory;
        Path = path;
    }

    /// <summary>The directory that holds the file.</summary>
    public string DataDirectory { get; }

    /// <summary>The file (or folder) that could not be written.</summary>
    public string Path { get; }

    /// <summary>Whether <paramref name="exception"/> says the disk is full or the file cannot be written at all, rather than something passing.</summary>
    public static bool IsWriteRefusal(Exception exception) =>
        exception is DataDirectoryWriteException or UnauthorizedAccessException
        || (exception is IOException io && io.HResult is NoSpace or ReadOnlyFileSystem or QuotaExceeded or MacQuotaExceeded
            or WindowsDiskFull or WindowsHandleDiskFull or WindowsWriteProtect);

    /// <summary>
    /// <paramref name="exception"/> as the refusal of <paramref name="dataDirectory"/> when it is a write refusal of one of
    /// its files (a dead-letter file, a saved position: the operating system's error names the file), so that every such
    /// stop says the same; any other exception as it is.
    /// </summary>
    public static Exception OfDataDirectory(string dataDirectory, Exception exception) =>
        exception is not DataDirectoryWriteException && IsWriteRefusal(exception)
            ? new DataDirectoryWriteException(dataDirectory, dataDirectory, exception)
            : exception;

    /// <summary>The first exception in <paramref name="exception"/>'s chain (inner and aggregated) that is a write refusal.</summary>
    public static Exception? FindWriteRefusal(Exception? exception)
    {
        switch (exception)
        {
            case null:
                return null;
            case DataDirectoryWriteException:
                return exception;
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    if (FindWriteRefusal(inner) is { } found)
                    {
                        return found;
                    }
                }
                return null;
        }
        return FindWriteRefusal(exception.InnerException) ?? (IsWriteRefusal(exception) ? exception : null);
    }

    private static string Describe(string dataDirectory, string path, Exception cause) =>
        $"The data directory {dataDirectory} could not be written ({path}: {cause.Message}). "
        + (cause is TimeoutException ? "Its storage stopped answering; " : "The disk is full, or the directory is read-only; ")
        + "the store keeps what its last checkpoint made durable. Free space or make the directory writable, then run again: it resumes from there.";
}
