using System.Text.Json;

namespace Stitcher.Engine.Pipeline;

/// <summary>
/// Appends rejected rows to <c>dead-letter/&lt;channel&gt;.ndjson</c>: one JSON object per line with file, line,
/// field, reason and the raw row. This file holds PII by design; it is never logged.
/// </summary>
internal sealed class DeadLetterWriter : IDisposable
{
    private readonly string _directory;
    private readonly Dictionary<string, (FileStream Stream, Utf8JsonWriter Writer)> _files = new(StringComparer.OrdinalIgnoreCase);

    public DeadLetterWriter(string directory) => _directory = directory;

    public string PathFor(string channel) => Path.Combine(_directory, channel + ".ndjson");

    public void Write(string channel, string sourceFile, long line, string? field, string reason, string kind, string? raw)
    {
        var writer = WriterFor(channel);
        writer.Reset();
        writer.WriteStartObject();
        writer.WriteString("at", DateTimeOffset.UtcNow);
        writer.WriteString("channel", channel);
        writer.WriteString("file", sourceFile);
        writer.WriteNumber("line", line);
        if (field is null)
        {
            writer.WriteNull("field");
        }
        else
        {
            writer.WriteString("field", field);
        }
        writer.WriteString("kind", kind);
        writer.WriteString("reason", reason);
        if (raw is not null)
        {
            writer.WriteString("raw", raw);
        }
        writer.WriteEndObject();
        writer.Flush();
        _files[channel].Stream.WriteByte((byte)'\n');
    }

    /// <summary>Makes what was written durable; called when a batch's progress is saved.</summary>
    public void Flush()
    {
        foreach (var (stream, _) in _files.Values)
        {
            stream.Flush(flushToDisk: true);
        }
    }

    public void Dispose()
    {
        foreach (var (stream, writer) in _files.Values)
        {
            writer.Dispose();
            stream.Dispose();
        }
        _files.Clear();
    }

    private Utf8JsonWriter WriterFor(string channel)
    {
        if (!_files.TryGetValue(channel, out var entry))
        {
            Directory.CreateDirectory(_directory);
            var stream = new FileStream(PathFor(channel), FileMode.Append, FileAccess.Write, FileShare.Read);
            entry = (stream, new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            _files[channel] = entry;
        }
        return entry.Writer;
    }
}
