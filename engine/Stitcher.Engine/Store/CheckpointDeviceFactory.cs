using FASTER.core;

namespace Stitcher.Engine.Store;

/// <summary>
/// The devices FASTER writes its checkpoint files through (the index, and the metadata of index and log): our
/// <see cref="FileLogDevice"/>, so that a failed write reaches <see cref="StoreWriteFailure"/>. FASTER's own local
/// devices only log it, and the checkpoint then commits with a file missing its end. Files are named and listed as
/// FASTER's <see cref="LocalStorageNamedDeviceFactory"/> does, so stores written before open the same.
/// </summary>
internal sealed class CheckpointDeviceFactory(StoreWriteFailure failure) : INamedDeviceFactory
{
    private string _baseName = "";
    private volatile bool _closed;

    public void Initialize(string baseName) => _baseName = baseName;

    public IDevice Get(FileDescriptor fileInfo)
    {
        var device = new FileLogDevice(Path.Combine(_baseName, fileInfo.directoryName, fileInfo.fileName), failure);
        if (_closed)
        {
            // A checkpoint left running by a closed store writes nothing more: every write to this device fails.
            device.Dispose();
        }
        return device;
    }

    /// <summary>From now on, devices refuse every write (the store closed while FASTER still ran a checkpoint).</summary>
    public void Close() => _closed = true;

    public IEnumerable<FileDescriptor> ListContents(string path)
    {
        // Newest first: FASTER recovers the first it can read (only for stores without a manifest; see StoreManifest).
        var directory = new DirectoryInfo(Path.Combine(_baseName, path));
        if (!directory.Exists)
        {
            yield break;
        }
        foreach (var folder in directory.GetDirectories().OrderByDescending(static f => f.LastWriteTimeUtc))
        {
            yield return new FileDescriptor(folder.Name, "");
        }
        foreach (var file in directory.GetFiles().OrderByDescending(static f => f.LastWriteTimeUtc))
        {
            yield return new FileDescriptor("", file.Name);
        }
    }

    public void Delete(FileDescriptor fileInfo)
    {
        // Outdated checkpoints are removed by StoreManifest, not by FASTER; this is only asked of a file or a folder.
        if (fileInfo.fileName is { Length: > 0 } name)
        {
            File.Delete(Path.Combine(_baseName, fileInfo.directoryName, name + ".0"));
        }
        else
        {
            var folder = Path.Combine(_baseName, fileInfo.directoryName);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
