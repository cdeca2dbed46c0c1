using System.IO.Hashing;
using System.Text.Json;

namespace Stitcher.Engine.Store;

/// <summary>The store's files are not what its last checkpoint left: opening it would give wrong or no data.</summary>
public sealed class StoreDamagedException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// What the last checkpoint left on disk, written beside the store (<c>manifest.json</c>) after each checkpoint: its
/// token, the size of every log segment, and the size and checksum of every file of the checkpoint. At open the store
/// is refused when they no longer match: a log truncated or a checkpoint damaged or gone would otherwise recover to
/// wrong totals or start over as an empty store. The log only grows after a checkpoint, so a segment may be larger than
/// recorded, never smaller.
/// </summary>
internal sealed class StoreManifest
{
    private const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>The checkpoint the store recovers at open; <see cref="Guid.Empty"/> for a new store that has none yet.</summary>
    public Guid Checkpoint { get; set; }

    /// <summary>Log segment file name → its size when the checkpoint completed.</summary>
    public Dictionary<string, long> LogSegments { get; set; } = [];

    /// <summary>Checkpoint file (relative path) → its size and XxHash64.</summary>
    public Dictionary<string, FileFacts> CheckpointFiles { get; set; } = [];

    public sealed record FileFacts(long Bytes, string XxHash64);

    /// <summary>The manifest's file in the store folder <paramref name="directory"/>.</summary>
    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    /// <summary>Records what the checkpoint <paramref name="token"/> left in <paramref name="directory"/>, atomically.</summary>
    public static void Write(string directory, Guid token)
    {
        var manifest = new StoreManifest { Checkpoint = token };
        foreach (var segment in Directory.GetFiles(directory, "hlog.log.*"))
        {
            manifest.LogSegments[Path.GetFileName(segment)] = new FileInfo(segment).Length;
        }
        var checkpoints = Path.Combine(directory, "checkpoints");
        foreach (var file in CheckpointFilesOf(checkpoints, token))
        {
            manifest.CheckpointFiles[Path.GetRelativePath(checkpoints, file)] = Facts(file);
        }
        var path = Path.Combine(directory, FileName);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, manifest, s_json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        RemoveOtherCheckpoints(directory, token);
    }

    /// <summary>
    /// Records that a new store has no checkpoint yet, before FASTER writes anything: a checkpoint that a first run leaves
    /// half written (a full disk) is then never taken for the store's last one. Also proves the folder can be written.
    /// </summary>
    public static void WriteNew(string directory) => Write(directory, Guid.Empty);

    /// <summary>
    /// Deletes every checkpoint but <paramref name="token"/> (all of them for <see cref="Guid.Empty"/>), once the manifest
    /// names it: a kill at any point leaves a manifest whose checkpoint is on disk, and that one is recovered.
    /// </summary>
    public static void RemoveOtherCheckpoints(string directory, Guid token)
    {
        var checkpoints = Path.Combine(directory, "checkpoints");
        if (!Directory.Exists(checkpoints))
        {
            return;
        }
        var keep = token.ToString();
        foreach (var kind in Directory.GetDirectories(checkpoints))
        {
            foreach (var checkpoint in Directory.GetDirectories(kind))
            {
                if (!string.Equals(Path.GetFileName(checkpoint), keep, StringComparison.OrdinalIgnoreCase))
                {
                    Directory.Delete(checkpoint, recursive: true);
                }
            }
        }
    }

    /// <summary>
    /// Throws <see cref="StoreDamagedException"/> when the store in <paramref name="directory"/> does not hold what its
    /// last checkpoint left, and returns its manifest. A store without one (new, or written before manifests) is not
    /// checked: null.
    /// </summary>
    public static StoreManifest? Verify(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        StoreManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<StoreManifest>(File.ReadAllBytes(path), s_json) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new StoreDamagedException($"The store at {directory} cannot be opened: its manifest {path} cannot be read ({e.Message}).", e);
        }
        foreach (var (name, bytes) in manifest.LogSegments)
        {
            var segment = new FileInfo(Path.Combine(directory, name));
            if (!segment.Exists || segment.Length < bytes)
            {
                throw new StoreDamagedException(
                    $"The store at {directory} cannot be opened: its log segment {name} holds {(segment.Exists ? segment.Length : 0):N0} bytes, but its last checkpoint "
                    + $"({manifest.Checkpoint}) covers {bytes:N0}. The log was truncated or removed; restore the data directory from a backup, or move it "
                    + "away to start a new store.");
            }
        }
        var checkpoints = Path.Combine(directory, "checkpoints");
        foreach (var (name, facts) in manifest.CheckpointFiles)
        {
            var file = Path.Combine(checkpoints, name);
            if (!File.Exists(file))
            {
                throw new StoreDamagedException($"The store at {directory} cannot be opened: {name} of its last checkpoint ({manifest.Checkpoint}) is missing.");
            }
            var actual = Facts(file);
            if (actual != facts)
            {
                throw new StoreDamagedException(
                    $"The store at {directory} cannot be opened: {name} of its last checkpoint ({manifest.Checkpoint}) is damaged "
                    + $"({actual.Bytes:N0} bytes, checksum {actual.XxHash64}; written as {facts.Bytes:N0} bytes, {facts.XxHash64}).");
            }
        }
        return manifest;
    }

    private static IEnumerable<string> CheckpointFilesOf(string checkpoints, Guid token)
    {
        if (!Directory.Exists(checkpoints))
        {
            yield break;
        }
        var name = token.ToString();
        foreach (var directory in Directory.GetDirectories(checkpoints, name, SearchOption.AllDirectories))
        {
            foreach (var file in Directory.GetFiles(directory))
            {
                yield return file;
            }
        }
    }

    private static FileFacts Facts(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        var hash = new XxHash64();
        hash.Append(stream);
        return new FileFacts(stream.Length, Convert.ToHexStringLower(hash.GetCurrentHash()));
    }
}
