using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Stitcher.Plugins.Csv;

/// <summary>
/// Keeps one CSV row per golden profile. Rows live in memory keyed by profile id; every flush rewrites the whole file
/// (sorted by profile id) through a temporary file in the same directory, so readers never see a half-written file.
/// Each flush also writes the changes it took, in order, as a change file of their own (<c>changes</c> setting), the
/// same way: a downstream job loads the snapshot once, then each change file in name order.
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
    private readonly string? _changesDirectory;
    private readonly string[] _changeHeader;
    private readonly List<string[]> _pendingChanges = [];
    private int _changeFiles;
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

        _changesDirectory = settings.ChangesDirectory;
        _changeHeader = ["change", "version", "survivor_id", "changed_at", .. _header];

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
            string[]? row = null;
            if (change is { Kind: ProfileChangeKind.Upserted, Profile: { } profile })
            {
                row = ToRow(profile);
                _rows[profile.Id] = row;
                upserted++;
            }
            else if (change.Kind != ProfileChangeKind.Upserted)
            {
                _rows.Remove(change.ProfileId);
                removed++;
            }
            else
            {
                continue;
            }
            if (_changesDirectory is not null)
            {
                _pendingChanges.Add(ChangeRow(change, row));
            }
        }

        _dirty = true;
        Log.BatchTaken(_logger, Name, upserted, removed);
        return ValueTask.FromResult<IReadOnlyList<ChangeRejection>>([]);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pendingChanges.Count > 0)
        {
            // The change file first: a crash before the snapshot is rewritten leaves changes that the snapshot will also
            // hold once these changes come again, never a snapshot ahead of the change files.
            var name = $"changes-{DateTime.UtcNow:yyyyMMdd'T'HHmmssfffffff}-{++_changeFiles:D6}.csv";
            await WriteAtomicallyAsync(Path.Combine(_changesDirectory!, name), _changeHeader, _pendingChanges, cancellationToken).ConfigureAwait(false);
            Log.ChangesWritten(_logger, Name, _pendingChanges.Count, name);
            _pendingChanges.Clear();
        }

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

    /// <summary>A change file's row: the change, its version, the survivor of a retirement, when, and the profile's row (empty for a removal).</summary>
    private string[] ChangeRow(ProfileChange change, string[]? row)
    {
        var fields = new string[_changeHeader.Length];
        fields[0] = change.Kind switch
        {
            ProfileChangeKind.Upserted => "upserted",
            ProfileChangeKind.Retired => "retired",
            _ => "deleted",
        };
        fields[1] = change.Version.ToString(CultureInfo.InvariantCulture);
        fields[2] = change.SurvivorId ?? "";
        fields[3] = FormatTimestamp(change.ChangedAt);
        for (var i = 0; i < _header.Length; i++)
        {
            fields[4 + i] = row?[i] ?? "";
        }
        fields[4] = change.ProfileId;
        return fields;
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

    private Task WriteFileAsync(CancellationToken cancellationToken)
    {
        var ids = new string[_rows.Count];
        _rows.Keys.CopyTo(ids, 0);
        Array.Sort(ids, StringComparer.Ordinal);
        return WriteAtomicallyAsync(_path, _header, ids.Select(id => _rows[id]), cancellationToken);
    }

    /// <summary>Writes a CSV file through a temporary file in the same directory, flushed to disk, then renamed over the target.</summary>
    private static async Task WriteAtomicallyAsync(string path, string[] header, IEnumerable<string[]> rows, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var tempPath = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");

        try
        {
            var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                var writer = new StreamWriter(stream, s_utf8, BufferSize, leaveOpen: true);
                await using (writer.ConfigureAwait(false))
                {
                    var line = new StringBuilder();
                    AppendRecord(line, header);
                    await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                    foreach (var row in rows)
                    {
                        line.Clear();
                        AppendRecord(line, row);
                        await writer.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                    }

                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(tempPath, path, overwrite: true);
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

        [LoggerMessage(4, LogLevel.Debug, "CSV sink {SinkName} wrote {ChangeCount} changes to {File}")]
        public static partial void ChangesWritten(ILogger logger, string sinkName, int changeCount, string file);
    }
}
