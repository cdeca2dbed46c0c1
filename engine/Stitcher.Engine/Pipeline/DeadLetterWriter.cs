using System.Text.Json;

namespace Stitcher.Engine.Pipeline;

/// <summary>
/// Appends rejected rows to <c>dead-letter/&lt;channel&gt;.ndjson</c>: one JSON object per line with file, line,
/// field, reason and the raw row. This file holds PII by design; it is never logged.
/// </summary>
/// <remarks>
/// Rows after the last checkpoint are read again after a crash or a failed batch, and so are their issues: a row
/// already dead-lettered by an earlier process is not written twice. When a channel's file is first opened, the last
/// line dead-lettered per source file is read from it, and issues of rows up to that line are skipped; so is a file
/// rejected again for the same reason on every pass. Issues of records given through the API (line 0) are always
/// written.
/// </remarks>
internal sealed class DeadLetterWriter : IDisposable
{
    private const string FileRejected = "file_rejected";
    private const string SourceRestarted = "source_restarted";

    private readonly string _directory;
    private readonly Dictionary<string, (FileStream Stream, Utf8JsonWriter Writer, Earlier Earlier)> _files = new(StringComparer.OrdinalIgnoreCase);

    public DeadLetterWriter(string directory) => _directory = directory;

    public string PathFor(string channel) => Path.Combine(_directory, channel + ".ndjson");

    public void Write(string channel, string sourceFile, long line, string? field, string reason, string kind, string? raw)
    {
        var (stream, writer, earlier) = Open(channel);
        if (kind == FileRejected ? !earlier.RejectedFiles.Add((sourceFile, reason)) : earlier.WrittenBefore(sourceFile, line, field, kind))
        {
            return;
        }
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
        stream.WriteByte((byte)'\n');
    }

    /// <summary>
    /// <paramref name="sourceFile"/> is read again from its start as new content (it was truncated or replaced):
    /// its rows' issues are new, whatever lines earlier processes dead-lettered.
    /// </summary>
    public void Forget(string channel, string sourceFile)
    {
        Open(channel).Earlier.Forget(sourceFile);
        // Said in the file too, so that a later process forgets the old content's lines as well.
        Write(channel, sourceFile, 0, null, "the file is shorter than what was read of it; it is read again from its start", SourceRestarted, null);
    }

    public void Flush()
    {
        foreach (var (stream, _, _) in _files.Values)
        {
            stream.Flush(flushToDisk: true);
        }
    }

    public void Dispose()
    {
        foreach (var (stream, writer, _) in _files.Values)
        {
            writer.Dispose();
            stream.Dispose();
        }
        _files.Clear();
    }

    private (FileStream Stream, Utf8JsonWriter Writer, Earlier Earlier) Open(string channel)
    {
        if (!_files.TryGetValue(channel, out var entry))
        {
            Directory.CreateDirectory(_directory);
            var path = PathFor(channel);
            var earlier = Earlier.Read(path);
            var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            if (earlier.EndsMidLine)
            {
                // A process killed while writing left half a line: the next entry starts on a line of its own.
                stream.WriteByte((byte)'\n');
            }
            entry = (stream, new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), earlier);
            _files[channel] = entry;
        }
        return entry;
    }

    /// <summary>What earlier processes dead-lettered on one channel: the last line per source file, and rejected files.</summary>
    private sealed class Earlier
    {
        public Dictionary<string, long> Lines { get; } = new(StringComparer.Ordinal);

        /// <summary>Per source file, the entries (field, kind) written for its last line: the process may have died between two of them.</summary>
        public Dictionary<string, HashSet<(string Field, string Kind)>> LastLine { get; } = new(StringComparer.Ordinal);
        public HashSet<(string File, string Reason)> RejectedFiles { get; } = [];
        public bool EndsMidLine { get; private set; }

        public void Forget(string sourceFile)
        {
            Lines.Remove(sourceFile);
            LastLine.Remove(sourceFile);
            RejectedFiles.RemoveWhere(rejected => rejected.File == sourceFile);
        }

        public bool WrittenBefore(string sourceFile, long line, string? field, string kind) =>
            line > 0 && Lines.TryGetValue(sourceFile, out var through)
            && (line < through || (line == through && LastLine[sourceFile].Contains((field ?? "", kind))));

        public static Earlier Read(string path)
        {
            var earlier = new Earlier();
            if (!File.Exists(path))
            {
                return earlier;
            }
            using var reader = new StreamReader(path, System.Text.Encoding.UTF8);
            var last = -1;
            while (reader.ReadLine() is { } text)
            {
                earlier.Add(text);
            }
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                if (stream.Length > 0)
                {
                    stream.Seek(-1, SeekOrigin.End);
                    last = stream.ReadByte();
                }
            }
            earlier.EndsMidLine = last is not (-1 or '\n');
            return earlier;
        }

        private void Add(string text)
        {
            try
            {
                using var entry = JsonDocument.Parse(text);
                var root = entry.RootElement;
                if (root.ValueKind != JsonValueKind.Object
                    || !root.TryGetProperty("file", out var file) || file.ValueKind != JsonValueKind.String || file.GetString() is not { } name
                    || !root.TryGetProperty("line", out var line) || line.ValueKind != JsonValueKind.Number || !line.TryGetInt64(out var number))
                {
                    // Not one of ours (edited by hand, written by another tool): nothing to learn from it.
                    return;
                }
                var kindName = StringProperty(root, "kind");
                if (kindName == SourceRestarted)
                {
                    Forget(name);
                    return;
                }
                if (kindName == FileRejected)
                {
                    RejectedFiles.Add((name, StringProperty(root, "reason")));
                    return;
                }
                if (number <= 0)
                {
                    // A record given through the API: never skipped.
                    return;
                }
                var fieldName = StringProperty(root, "field");
                var through = Lines.GetValueOrDefault(name);
                if (number > through)
                {
                    Lines[name] = number;
                    LastLine[name] = [(fieldName, kindName)];
                }
                else if (number == through)
                {
                    LastLine[name].Add((fieldName, kindName));
                }
            }
            catch (JsonException)
            {
                // Half a line from a killed process: nothing to learn from it.
            }
        }

        // A string property of an entry, "" when it is missing or not a string.
        private static string StringProperty(JsonElement entry, string name) =>
            entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
    }
}
