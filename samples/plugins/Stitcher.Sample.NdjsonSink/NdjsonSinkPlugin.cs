using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Stitcher.Plugins;

namespace Stitcher.Sample.NdjsonSink;

/// <summary>
/// The sample of docs/writing-a-plugin.md: appends every change as one JSON line, with an XxHash64 checksum of the
/// line, to the file named by the <c>path</c> setting.
/// </summary>
public sealed class NdjsonSinkPlugin : ISinkPlugin
{
    public string Name => "ndjson-sample";

    public IProfileSink CreateSink(SinkContext context)
    {
        if (!context.Settings.TryGetValue("path", out var path) || string.IsNullOrWhiteSpace(path))
        {
            // An ArgumentException from CreateSink becomes a configuration error naming Sinks:<name>:Settings.
            throw new ArgumentException($"NDJSON sample sink '{context.SinkName}': setting 'path' is required.", nameof(context));
        }
        return new NdjsonSink(context.SinkName, Path.GetFullPath(Path.Combine(context.BaseDirectory, path)));
    }
}

internal sealed class NdjsonSink : IProfileSink
{
    private readonly FileStream _file;

    public NdjsonSink(string name, string path)
    {
        Name = name;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        // Which System.IO.Hashing this plugin runs with: its own, whatever the host uses.
        File.WriteAllText(path + ".meta", typeof(XxHash64).Assembly.GetName().Version!.ToString());
    }

    public string Name { get; }

    public async ValueTask<IReadOnlyList<ChangeRejection>> WriteAsync(ProfileBatch batch, CancellationToken cancellationToken)
    {
        var lines = new StringBuilder();
        foreach (var change in batch.Changes)
        {
            // Ids, versions and counts only: what a sink writes may hold personal data, what it logs must not.
            var json = JsonSerializer.Serialize(new
            {
                kind = change.Kind.ToString().ToLowerInvariant(),
                key = change.IdempotencyKey,
                survivor = change.SurvivorId,
                records = change.Profile?.Records.Count,
            });
            var checksum = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(json)).ToString("x16", CultureInfo.InvariantCulture);
            lines.Append(json, 0, json.Length - 1).Append(",\"xxh64\":\"").Append(checksum).Append("\"}\n");
        }
        await _file.WriteAsync(Encoding.UTF8.GetBytes(lines.ToString()), cancellationToken).ConfigureAwait(false);
        // Nothing refused: a destination that refuses some changes returns them here, one ChangeRejection each.
        return [];
    }

    /// <summary>The outbox moves the sink's cursor only after this returns: make what was written durable.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        _file.Flush(flushToDisk: true);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _file.DisposeAsync().ConfigureAwait(false);
}
