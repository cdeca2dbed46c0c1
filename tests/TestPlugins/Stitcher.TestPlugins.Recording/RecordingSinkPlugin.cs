using System.Runtime.Loader;
using Stitcher.Plugins;

namespace Stitcher.TestPlugins.Recording;

/// <summary>A sink for loader tests: appends one line per batch to the file named by the <c>path</c> setting.</summary>
internal sealed class RecordingSinkPlugin : ISinkPlugin
{
    public string Name => "recording";

    public IProfileSink CreateSink(SinkContext context)
    {
        string? path = null;
        foreach (var (key, value) in context.Settings)
        {
            if (!string.Equals(key, "path", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"Recording sink '{context.SinkName}': unknown setting '{key}'.", nameof(context));
            }

            path = Path.GetFullPath(Path.Combine(context.BaseDirectory, value));
        }

        return path is null
            ? throw new ArgumentException($"Recording sink '{context.SinkName}': setting 'path' is required.", nameof(context))
            : new RecordingSink(context.SinkName, path);
    }
}

/// <summary>
/// Writes <c>&lt;load context name&gt;|&lt;profile ids, comma-separated&gt;|&lt;retired ids&gt;</c> per batch,
/// so a test sees the code ran inside the plugin's own load context.
/// </summary>
internal sealed class RecordingSink(string name, string path) : IProfileSink
{
    public string Name { get; } = name;

    public async ValueTask<IReadOnlyList<ChangeRejection>> WriteAsync(ProfileBatch batch, CancellationToken cancellationToken)
    {
        var context = AssemblyLoadContext.GetLoadContext(typeof(RecordingSink).Assembly)?.Name ?? "";
        var ids = new List<string>(batch.Profiles.Count);
        foreach (var profile in batch.Profiles)
        {
            ids.Add(profile.Id);
        }

        var line = $"{context}|{string.Join(',', ids)}|{string.Join(',', batch.RetiredProfileIds)}{Environment.NewLine}";
        await File.AppendAllTextAsync(path, line, cancellationToken).ConfigureAwait(false);
        return [];
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
