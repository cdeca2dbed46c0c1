using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Stitcher.Plugins.Csv;

/// <summary>
/// Keeps one CSV row per golden profile. Rows live in memory keyed by profile id; every flush rewrites the whole file
/// (sorted by profile id) through a temporary file in the same directory, so readers never see a half-written file.
/// </summary>
internal sealed partial class CsvProfileSink : IProfileSink
{
    private const string ProfileIdColumn = "profile_id";
    private const string RecordCountColumn = "record_count";
    private const string RecordsColumn = "records";
    private const string FirstSeenColumn = "first_seen";
    private const string CurrentStageColumn = "current_stage";
    private const string AccountsColumn = "accounts";
    private const string LastSeenColumn = "last_seen";
    private const string NewLine = "\r\n";
    private const int BufferSize = 64 * 1024;

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly SearchValues<char> s_charsToQuote = SearchValues.Create(",\"\r\n");

    private readonly string _path;
    private readonly IReadOnlyList<string> _attributes;
    private readonly string[] _header;
    private readonly Dictionary<string, string[]> _rows = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private bool _dirty;
    private bool _disposed;

    public CsvProfileSink(SinkContext context)
    {
        var settings = CsvSinkSettings.Parse(context);
        Name = context.SinkName;
        _path = settings.Path;
        _attributes = settings.Attributes;
        _logger = context.LoggerFactory.CreateLogger<CsvProfileSink>();

        _header = new string[_attributes.Count + 7];
        _header[0] = ProfileIdColumn;
        for (var i = 0; i < _attributes.Count; i++)
        {
            _header[i + 1] = _attributes[i];
        }

        _header[^6] = RecordCountColumn;
        _header[^5] = RecordsColumn;
        _header[^4] = FirstSeenColumn;
        _header[^3] = LastSeenColumn;
        _header[^2] = CurrentStageColumn;
        _header[^1] = AccountsColumn;

        LoadExistingFile();
        Log.Opened(_logger, Name, _path, _rows.Count);
    }

    public string Name { get; }

    internal static bool IsFixedColumn(string name) =>
        name is ProfileIdColumn or RecordCountColumn or RecordsColumn or FirstSeenColumn or LastSeenColumn;

    public ValueTask<IReadOnlyList<ChangeRejection>> WriteAsync(ProfileBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();

        int upserted = 0, removed = 0;
        foreach (var change in batch.Changes)
        {
            // In order: an id retired early in a batch may be claimed again later in it.
            if (change is { Kind: ProfileChangeKind.Upserted, Profile: { } profile })
            {
                _rows[profile.Id] = ToRow(profile);
                upserted++;
            }
            else if (change.Kind != ProfileChangeKind.Upserted)
            {
                _rows.Remove(change.ProfileId);
                removed++;
            }
        }

        _dirty = true;
        Log.BatchTaken(_logger, Name, upserted, removed);
        return ValueTask.FromResult<IReadOnlyList<ChangeRejection>>([]);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_dirty && File.Exists(_path))
        {
            return;
        }

        await WriteFileAsync(cancellationToken).ConfigureAwait(false);
        _dirty = false;
        Log.Flushed(_logger, Name, _rows.Count);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        if (_dirty)
        {
            await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _disposed = true;
    }

    private string[] ToRow(StitchedProfile profile)
    {
        var row = new string[_header.Length];
        row[0] = profile.Id;
        for (var i = 0; i < _attributes.Count; i++)
        {
            row[i + 1] = profile.Attributes.TryGetValue(_attributes[i], out var attribute) ? attribute.Value : "";
        }

        var records = new StringBuilder();
        foreach (var record in profile.Records)
        {
            if (records.Length > 0)
            {
                records.Append(';');
            }

            records.Append(record.Channel).Append(':').Append(record.RecordId);
        }

        row[^6] = profile.Records.Count.ToString(CultureInfo.InvariantCulture);
        row[^5] = records.ToString();
        row[^4] = FormatTimestamp(profile.FirstSeen);
        row[^3] = FormatTimestamp(profile.LastSeen);
        row[^2] = profile.Timeline?.CurrentStage ?? "";
        row[^1] = string.Join(';', profile.Accounts);
        return row;
    }

    private static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private void LoadExistingFile()
    {
        if (!File.Exists(_path))
        {
            return;
        }

        using var reader = new StreamReader(_path, s_utf8, detectEncodingFromByteOrderMarks: true);
        var csv = new CsvRecordReader(reader);
        var fields = new List<string>();
        if (!csv.TryReadRecord(fields))
        {
            return;
        }

        // Columns are matched by name, so a file written with other attributes keeps what still applies.
        var fileColumnCount = fields.Count;
        var sourceColumn = new int[_header.Length];
        for (var i = 0; i < _header.Length; i++)
        {
            sourceColumn[i] = fields.IndexOf(_header[i]);
        }

        if (sourceColumn[0] < 0)
        {
            throw new InvalidDataException($"'{_path}' has no {ProfileIdColumn} column in its header, so the CSV sink cannot take it over.");
        }

        _dirty = fileColumnCount != _header.Length || Array.IndexOf(sourceColumn, -1) >= 0;
        while (csv.TryReadRecord(fields))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue;
            }

            if (fields.Count != fileColumnCount)
            {
                throw new InvalidDataException(
                    $"'{_path}': the record on line {csv.LineNumber} has {fields.Count} fields, the header has {fileColumnCount}.");
            }

            var row = new string[_header.Length];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = sourceColumn[i] < 0 ? "" : fields[sourceColumn[i]];
            }

            _rows[row[0]] = row;
        }
    }

    private async Task WriteFileAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(_path)!;
        Directory.CreateDirectory(directory);
        var tempPath = Path.Combine(directory, $".{Path.GetFileName(_path)}.{Guid.NewGuid():N}.tmp");

        var ids = new string[_rows.Count];
        _rows.Keys.CopyTo(ids, 0);
        Array.Sort(ids, StringComparer.Ordinal);

        try
        {
            var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                var writer = new StreamWriter(stream, s_utf8, BufferSize, leaveOpen: true);
                await using (writer.ConfigureAwait(false))
                {
                    var line = new StringBuilder();
                    AppendRecord(line, _header);
                    await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                    foreach (var id in ids)
                    {
                        line.Clear();
                        AppendRecord(line, _rows[id]);
                        await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                    }

                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(tempPath, _path, overwrite: true);
        }
        catch
        {
            File.Delete(tempPath);
            throw;
        }
    }

    private static void AppendRecord(StringBuilder line, string[] fields)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            var field = fields[i];
            if (field.AsSpan().IndexOfAny(s_charsToQuote) < 0)
            {
                line.Append(field);
            }
            else
            {
                line.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
        }

        line.Append(NewLine);
    }

    // Counts and paths only: profile values never reach the log.
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "CSV sink {SinkName} opened {Path} holding {ProfileCount} profiles")]
        public static partial void Opened(ILogger logger, string sinkName, string path, int profileCount);

        [LoggerMessage(2, LogLevel.Debug, "CSV sink {SinkName} took {ChangedCount} changed and {RetiredCount} retired profiles")]
        public static partial void BatchTaken(ILogger logger, string sinkName, int changedCount, int retiredCount);

        [LoggerMessage(3, LogLevel.Debug, "CSV sink {SinkName} wrote {ProfileCount} profiles")]
        public static partial void Flushed(ILogger logger, string sinkName, int profileCount);
    }
}
