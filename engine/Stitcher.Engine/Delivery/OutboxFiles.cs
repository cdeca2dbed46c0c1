using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stitcher.Engine.Delivery;

/// <summary>
/// Where a sink's outbox keeps its state, under <c>&lt;data&gt;/outbox/&lt;sink&gt;/</c>: the cursor (the last change the
/// sink has durably taken), its status for <c>stitcher sinks status</c>, its dead letters, and dead letters queued for
/// replay. Plain files, so that the commands read them while the service runs and holds the store. The cursor and the
/// status are replaced atomically (a temporary file, flushed, then renamed); dead letters are appended and flushed.
/// </summary>
public sealed class OutboxFiles
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public OutboxFiles(string dataDirectory, string sinkName)
    {
        Directory = Path.Combine(dataDirectory, "outbox", sinkName);
    }

    /// <summary>The sink's outbox directory.</summary>
    public string Directory { get; }

    public string CursorPath => Path.Combine(Directory, "cursor.json");

    public string StatusPath => Path.Combine(Directory, "status.json");

    public string DeadLettersPath => Path.Combine(Directory, "dead-letters.ndjson");

    /// <summary>Dead letters a replay handed back: delivered again, oldest file first, by the next run.</summary>
    public string ReplayDirectory => Path.Combine(Directory, "replay");

    public OutboxCursor? ReadCursor() => Read<OutboxCursor>(CursorPath);

    public void WriteCursor(OutboxCursor cursor) => WriteAtomically(CursorPath, cursor);

    public SinkStatus? ReadStatus() => Read<SinkStatus>(StatusPath);

    public void WriteStatus(SinkStatus status) => WriteAtomically(StatusPath, status);

    /// <summary>Appends dead letters and flushes them to disk before the cursor moves past them.</summary>
    public void AppendDeadLetters(IReadOnlyList<SinkDeadLetter> letters)
    {
        if (letters.Count == 0)
        {
            return;
        }
        System.IO.Directory.CreateDirectory(Directory);
        using var stream = new FileStream(DeadLettersPath, FileMode.Append, FileAccess.Write, FileShare.Read);
        foreach (var letter in letters)
        {
            JsonSerializer.Serialize(stream, letter, s_json);
            stream.WriteByte((byte)'\n');
        }
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Reads dead letters, one per line; a line that cannot be read (a torn last line) is skipped.</summary>
    public static List<SinkDeadLetter> ReadDeadLetters(string path)
    {
        var letters = new List<SinkDeadLetter>();
        if (!File.Exists(path))
        {
            return letters;
        }
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }
            try
            {
                if (JsonSerializer.Deserialize<SinkDeadLetter>(line, s_json) is { } letter)
                {
                    letters.Add(letter);
                }
            }
            catch (JsonException)
            {
                // A line cut short by a crash while it was appended.
            }
        }
        return letters;
    }

    /// <summary>
    /// Moves the dead letters to the replay directory, so the next run delivers those profiles again (as they are
    /// then) and the dead-letter file starts empty. Returns how many were queued.
    /// </summary>
    public int QueueDeadLettersForReplay()
    {
        var letters = ReadDeadLetters(DeadLettersPath);
        if (letters.Count == 0)
        {
            return 0;
        }
        System.IO.Directory.CreateDirectory(ReplayDirectory);
        var target = Path.Combine(ReplayDirectory, $"{DateTime.UtcNow:yyyyMMddTHHmmssfffffff}.ndjson");
        File.Move(DeadLettersPath, target);
        return letters.Count;
    }

    /// <summary>The replay files waiting, oldest first.</summary>
    public string[] ReplayFiles()
    {
        if (!System.IO.Directory.Exists(ReplayDirectory))
        {
            return [];
        }
        var files = System.IO.Directory.GetFiles(ReplayDirectory, "*.ndjson");
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    private static T? Read<T>(string path)
        where T : class
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), s_json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' cannot be read: {e.Message}", e);
        }
    }

    private void WriteAtomically<T>(string path, T value)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, value, s_json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>How far a sink has taken the change log.</summary>
public sealed class OutboxCursor
{
    /// <summary>The last change sequence number the sink took durably (or that was dead-lettered).</summary>
    public long Sequence { get; set; }

    /// <summary>
    /// While a sink added to an existing store first takes every current profile: the sequence number the store had
    /// reached when the snapshot began. Null once the snapshot is delivered.
    /// </summary>
    public long? SnapshotUntil { get; set; }
}

/// <summary>A change a sink could not deliver: refused by the destination, or given up on after its retries.</summary>
public sealed class SinkDeadLetter
{
    public DateTimeOffset At { get; set; }

    /// <summary>When the change was committed (a replay sends it with this time, as first sent); null in older files.</summary>
    public DateTimeOffset? ChangedAt { get; set; }

    public long Sequence { get; set; }

    /// <summary><c>upserted</c>, <c>retired</c> or <c>deleted</c>.</summary>
    public string Kind { get; set; } = "";

    public string ProfileId { get; set; } = "";

    public long Version { get; set; }

    public string? SurvivorId { get; set; }

    public int Attempts { get; set; }

    /// <summary>The destination's error code, or the exception's type.</summary>
    public string Code { get; set; } = "";

    public string Message { get; set; } = "";
}

/// <summary>What <c>stitcher sinks status</c> shows of a sink, as its outbox last wrote it.</summary>
public sealed class SinkStatus
{
    public string Sink { get; set; } = "";

    public string? Purpose { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The last change sequence number the sink took.</summary>
    public long Cursor { get; set; }

    /// <summary>The last change the store had made durable, when this was written.</summary>
    public long Committed { get; set; }

    /// <summary>Changes committed and not yet taken by the sink.</summary>
    public long LagChanges { get; set; }

    /// <summary>How long the oldest change not yet taken has waited; 0 when none waits.</summary>
    public double LagSeconds { get; set; }

    /// <summary>Whether the sink is still taking the snapshot of every profile it was added with.</summary>
    public bool Snapshot { get; set; }

    public long Delivered { get; set; }

    public long Attempts { get; set; }

    public long Retries { get; set; }

    public long DeadLetters { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? LastErrorAt { get; set; }

    public DateTimeOffset? LastDeliveredAt { get; set; }

    /// <summary>The destination's quota use as the sink last reported it (see <c>ISinkUsage</c>).</summary>
    public string? Usage { get; set; }

    /// <summary>A copy, for a reader on another thread.</summary>
    public SinkStatus Copy() => (SinkStatus)MemberwiseClone();
}
