using System.Buffers;
using System.IO.Pipelines;

namespace Stitcher.Engine.Ingest;

/// <summary>
/// Reads RFC 4180 CSV channel files: a header row, then one record per row. Quoted fields may hold
/// delimiters, doubled quotes and line breaks; rows end in LF or CRLF; a UTF-8 BOM is skipped.
/// Only mapped columns are decoded. Safe to use from several threads, one file per call.
/// </summary>
public sealed class CsvChannelReader : IChannelFileReader
{
    private readonly FieldMapping _mapping;
    private readonly byte _delimiter;
    private readonly SearchValues<byte> _unquotedStops;
    private readonly SearchValues<byte> _padding;
    private readonly SearchValues<byte> _paddingAfterQuote;
    private readonly int _maxRowBytes;

    /// <param name="mapping">Canonical attribute to header column name.</param>
    /// <param name="delimiter">Field separator: any ASCII character except a quote or a line break.</param>
    /// <param name="maxRowBytes">
    /// A longer row is cut off: a quote never closed loses only the line it opened on, a line that long its rest;
    /// either is dead-lettered and reading resumes at the next line.
    /// </param>
    public CsvChannelReader(FieldMapping mapping, char delimiter = ',', int maxRowBytes = ChannelFile.DefaultMaxRowBytes)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRowBytes, 1024);
        _maxRowBytes = maxRowBytes;
        if (delimiter is '"' or '\r' or '\n' or > '\x7F')
        {
            throw new ArgumentOutOfRangeException(nameof(delimiter), delimiter, "The delimiter must be an ASCII character other than a quote or a line break.");
        }

        _mapping = mapping;
        _delimiter = (byte)delimiter;
        Delimiter = delimiter;
        _unquotedStops = SearchValues.Create([_delimiter, (byte)'"', (byte)'\n']);
        // Spaces around a quoted field are tolerated, unless the space is itself the delimiter.
        _padding = SearchValues.Create(Without(" \t"u8, _delimiter));
        _paddingAfterQuote = SearchValues.Create(Without(" \t\r"u8, _delimiter));
    }

    /// <summary>The field separator.</summary>
    public char Delimiter { get; }

    /// <summary>Where each canonical attribute is read from.</summary>
    public FieldMapping Mapping => _mapping;

    /// <inheritdoc />
    /// <exception cref="ChannelFormatException">The header lacks a mapped column or cannot be read.</exception>
    public async Task<SourcePosition> ReadAsync(string path, SourcePosition resumeFrom, IRawRecordSink sink, bool finalRead, CancellationToken cancellationToken)
    {
        ChannelFile.ValidateArguments(path, resumeFrom, sink);

        await using var stream = ChannelFile.OpenRead(path);
        await ChannelFile.RefuseCrOnlyLineEndingsAsync(stream, path, cancellationToken).ConfigureAwait(false);
        using var scanner = new CsvRowScanner(path, _mapping, _delimiter, _unquotedStops, _padding, _paddingAfterQuote, _maxRowBytes);
        var pipe = ChannelFile.CreatePipe(stream);
        try
        {
            // The header is always read from the start: it says which column is which.
            if (!await ReadHeaderAsync(pipe, scanner, finalRead, cancellationToken).ConfigureAwait(false))
            {
                return resumeFrom;
            }

            if (resumeFrom.ByteOffset > scanner.Position.ByteOffset)
            {
                await pipe.CompleteAsync().ConfigureAwait(false);
                stream.Seek(resumeFrom.ByteOffset, SeekOrigin.Begin);
                pipe = ChannelFile.CreatePipe(stream);
                scanner.MoveTo(resumeFrom);
            }

            while (true)
            {
                var result = await pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = scanner.ReadRows(buffer, result.IsCompleted && finalRead, sink);
                pipe.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted)
                {
                    return scanner.Position;
                }
            }
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static async ValueTask<bool> ReadHeaderAsync(PipeReader pipe, CsvRowScanner scanner, bool finalRead, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (scanner.TryReadHeader(buffer, result.IsCompleted, result.IsCompleted && finalRead, out var consumed))
            {
                pipe.AdvanceTo(consumed);
                return true;
            }
            pipe.AdvanceTo(consumed, buffer.End);
            if (result.IsCompleted)
            {
                return false;
            }
        }
    }

    private static byte[] Without(ReadOnlySpan<byte> values, byte excluded)
    {
        var kept = new byte[values.Length];
        var count = 0;
        foreach (var value in values)
        {
            if (value != excluded)
            {
                kept[count++] = value;
            }
        }
        return kept.AsSpan(0, count).ToArray();
    }
}
