using System.Globalization;

namespace Stitcher.Engine.Store;

/// <summary>Another process (or engine) owns the data directory; nothing in it was touched.</summary>
public sealed class DataDirectoryInUseException(string directory, string holder)
    : IOException($"The data directory '{directory}' is in use by {holder}; one engine owns a data directory at a time. Stop it, or point this one at another directory.")
{
    /// <summary>The data directory asked for.</summary>
    public string DataDirectory { get; } = directory;

    /// <summary>Who holds it, as its owner file says (process id, machine, since when), or "another process".</summary>
    public string Holder { get; } = holder;
}

/// <summary>
/// One owner per data directory: an exclusive lock on <c>stitcher.lock</c>, taken before the store is opened and held
/// until the engine is disposed. The operating system drops it when the process dies, kill -9 included, so a crash
/// never leaves the directory locked. Beside it, <c>stitcher.owner</c> says who holds it, for the message a second
/// process stops with.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    private const string LockFile = "stitcher.lock";
    private const string OwnerFile = "stitcher.owner";

    private readonly FileStream _lock;

    private DataDirectoryLock(FileStream stream) => _lock = stream;

    /// <exception cref="DataDirectoryInUseException">Another holder has the lock.</exception>
    /// <exception cref="DataDirectoryWriteException">The directory is read-only (or not ours to write): refused before anything is opened.</exception>
    public static DataDirectoryLock Acquire(string directory)
    {
        FileStream stream;
        try
        {
            Directory.CreateDirectory(directory);
            // FileShare.None is an exclusive lock: LockFileEx on Windows, flock on Linux and macOS.
            stream = new FileStream(Path.Combine(directory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception ex) when (DataDirectoryWriteException.IsWriteRefusal(ex))
        {
            throw new DataDirectoryWriteException(directory, Path.Combine(directory, LockFile), ex);
        }
        catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new DataDirectoryInUseException(directory, ReadOwner(directory));
        }
        try
        {
            File.WriteAllText(Path.Combine(directory, OwnerFile), string.Create(CultureInfo.InvariantCulture,
                $"process {Environment.ProcessId} on {Environment.MachineName}, since {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC"));
        }
        catch (IOException)
        {
            // Only the message of a second process needs it; the lock is what counts.
        }
        return new DataDirectoryLock(stream);
    }

    public void Dispose() => _lock.Dispose();

    private static string ReadOwner(string directory)
    {
        try
        {
            var owner = File.ReadAllText(Path.Combine(directory, OwnerFile)).Trim();
            return owner.Length == 0 ? "another process" : owner;
        }
        catch (IOException)
        {
            return "another process";
        }
        catch (UnauthorizedAccessException)
        {
            return "another process";
        }
    }
}
