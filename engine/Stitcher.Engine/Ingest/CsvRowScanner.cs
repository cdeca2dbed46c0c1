using System.Buffers;
using System.Globalization;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Ingest;

/// <summary>
/// The state of one <see cref="CsvChannelReader.ReadAsync"/> call: finds rows and their field bounds in
/// pipe buffers in a single pass, then decodes only the mapped fields. Owns pooled scratch buffers.
/// </summary>
internal sealed class CsvRowScanner : IDisposable
{
    private const byte Quote = (byte)'"';
    private const byte Lf = (byte)'\n';
    private const byte Cr = (byte)'\r';

    private readonly string _path;
    private readonly FieldMapping _mapping;
    private readonly byte _delimiter;
    private readonly SearchValues<byte> _unquotedStops;
    private readonly SearchValues<byte> _padding;
    private readonly SearchValues<byte> _paddingAfterQuote;
    private readonly int _maxRowBytes;
    // A row longer than the limit was cut off: the rest of its line, to the line feed, is skipped.
    private bool _skippingToLineEnd;

    private FieldBounds[] _fields = new FieldBounds[32];
    private byte[] _rowBuffer = [];
    private char[] _chars = [];

    // The row just scanned.
    private int _fieldCount;
    private RowFault _fault;
    private int _faultField;
    private int _rowLines;
    private bool _rowTerminated;

    // From the header: column names, and which column feeds which attribute, sorted by column.
    private string[] _columns = [];
    private int[] _targetColumns = [];
    private CanonicalAttribute[] _targetAttributes = [];
    private bool _bomChecked;

    private long _offset;
    private long _line;

    public CsvRowScanner(string path, FieldMapping mapping, byte delimiter, SearchValues<byte> unquotedStops, SearchValues<byte> padding, SearchValues<byte> paddingAfterQuote,
        int maxRowBytes = ChannelFile.DefaultMaxRowBytes)
    {
        _maxRowBytes = maxRowBytes;
        _path = path;
        _mapping = mapping;
        _delimiter = delimiter;
        _unquotedStops = unquotedStops;
        _padding = padding;
        _paddingAfterQuote = paddingAfterQuote;
    }

    private enum RowFault : byte
    {
        None,
        QuoteInUnquotedField,
        TextAfterClosingQuote,
        UnterminatedQuote,
        RowTooLong,
        QuoteNeverClosed,
    }

    private enum ScanState : byte
    {
        Unquoted,
        Quoted,
        QuoteInQuoted,
        AfterClosingQuote,
    }

    /// <summary>Just after the last consumed row.</summary>
    public SourcePosition Position => new(_offset, _line);

    public void MoveTo(SourcePosition position)
    {
        _offset = position.ByteOffset;
        _line = position.Line;
    }

    /// <summary>
    /// Skips the BOM and any blank lines, then reads the header row and resolves the mapped columns.
    /// Returns false when more data is needed (or the file has no header yet).
    /// </summary>
    public bool TryReadHeader(in ReadOnlySequence<byte> buffer, bool isCompleted, bool eofEndsRow, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!_bomChecked)
        {
            if (buffer.Length < ChannelFile.Utf8Bom.Length && !isCompleted)
            {
                consumed = buffer.Start;
                return false;
            }
            _bomChecked = true;
            if (reader.IsNext(ChannelFile.Utf8Bom, advancePast: true))
            {
                _offset += ChannelFile.Utf8Bom.Length;
            }
        }

        while (!reader.End)
        {
            var rowStart = reader.Position;
            var rowStartConsumed = reader.Consumed;
            if (!TryScanRow(ref reader, eofEndsRow))
            {
                consumed = rowStart;
                return false;
            }

            var content = RowContent(buffer.Slice(rowStart, reader.Position));
            _offset += reader.Consumed - rowStartConsumed;
            _line += _rowLines;
            if (IsBlank(content))
            {
                continue;
            }
            if (_fault != RowFault.None)
            {
                ChannelFormatException.ThrowMalformedHeader(_path, Describe(_fault));
            }

            ResolveColumns(content);
            consumed = reader.Position;
            return true;
        }

        consumed = reader.Position;
        return false;
    }

    /// <summary>
    /// Hands every complete row in <paramref name="buffer"/> to <paramref name="sink"/> and returns where the
    /// first unconsumed row starts. <paramref name="eofEndsRow"/>: the buffer ends the file for good.
    /// </summary>
    public SequencePosition ReadRows(in ReadOnlySequence<byte> buffer, bool eofEndsRow, IRawRecordSink sink)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (!reader.End)
        {
            var rowStart = reader.Position;
            var rowStartConsumed = reader.Consumed;
            if (_skippingToLineEnd)
            {
                // The tail of a row already dead-lettered: consumed as it comes, so memory stays within the limit.
                _skippingToLineEnd = !reader.TryAdvanceTo(Lf);
                if (_skippingToLineEnd)
                {
                    reader.AdvanceToEnd();
                }
                _offset += reader.Consumed - rowStartConsumed;
                continue;
            }
            if (!TryScanRow(ref reader, eofEndsRow))
            {
                return rowStart;
            }

            var content = RowContent(buffer.Slice(rowStart, reader.Position));
            if (_fault == RowFault.RowTooLong && content.Length > _maxRowBytes)
            {
                content = content[.._maxRowBytes];
            }
            var line = _line + 1;
            _offset += reader.Consumed - rowStartConsumed;
            _line += _rowLines;
            if (!IsBlank(content))
            {
                EmitRow(content, line, sink);
            }
        }
        return reader.Position;
    }

    public void Dispose()
    {
        PooledArray.Return(ref _rowBuffer);
        PooledArray.Return(ref _chars);
    }

    /// <summary>
    /// Finds the end of the row starting at <paramref name="reader"/> and the bounds of its fields, relative to
    /// the row start. Leaves <paramref name="reader"/> after the row's LF. False: the row is not complete yet.
    /// </summary>
    private bool TryScanRow(ref SequenceReader<byte> reader, bool eofEndsRow)
    {
        var rowStart = reader.Consumed;
        _fieldCount = 0;
        _fault = RowFault.None;
        _faultField = -1;
        _rowLines = 0;
        _rowTerminated = false;

        var state = ScanState.Unquoted;
        var fieldStart = 0;
        var fieldHasText = false;   // unquoted: anything but padding seen, so a quote is no longer an opening quote
        var contentStart = 0;       // quoted: first byte after the opening quote
        var closingQuote = 0;       // quoted: offset of the closing quote
        var escaped = false;        // quoted: holds a doubled quote

        while (true)
        {
            var span = reader.UnreadSpan;
            if (reader.Consumed - rowStart > _maxRowBytes)
            {
                return CutRow(ref reader, rowStart, state is ScanState.Quoted or ScanState.QuoteInQuoted ? RowFault.QuoteNeverClosed : RowFault.RowTooLong);
            }
            if (span.IsEmpty)
            {
                if (!eofEndsRow)
                {
                    return false;
                }
                var end = (int)(reader.Consumed - rowStart);
                switch (state)
                {
                    case ScanState.Unquoted:
                        AddField(fieldStart, end, escaped: false);
                        break;
                    case ScanState.Quoted:
                        // Only the line the quote opened on is lost, not the rows after it.
                        return CutRow(ref reader, rowStart, RowFault.UnterminatedQuote);
                    case ScanState.QuoteInQuoted:
                        AddField(contentStart, end - 1, escaped);
                        break;
                    default:
                        AddField(contentStart, closingQuote, escaped);
                        break;
                }
                _rowLines++;
                return true;
            }

            var at = (int)(reader.Consumed - rowStart);
            switch (state)
            {
                case ScanState.Unquoted:
                {
                    var i = span.IndexOfAny(_unquotedStops);
                    var text = i < 0 ? span : span[..i];
                    if (!fieldHasText && text.IndexOfAnyExcept(_padding) >= 0)
                    {
                        fieldHasText = true;
                    }
                    if (i < 0)
                    {
                        reader.Advance(span.Length);
                        break;
                    }

                    reader.Advance(i + 1);
                    var stop = span[i];
                    if (stop == _delimiter)
                    {
                        AddField(fieldStart, at + i, escaped: false);
                        fieldStart = at + i + 1;
                        fieldHasText = false;
                    }
                    else if (stop == Lf)
                    {
                        AddField(fieldStart, at + i, escaped: false);
                        _rowLines++;
                        _rowTerminated = true;
                        return CheckLength(reader.Consumed - rowStart);
                    }
                    else if (!fieldHasText)
                    {
                        state = ScanState.Quoted;
                        contentStart = at + i + 1;
                        escaped = false;
                    }
                    else
                    {
                        // Taken literally so one stray quote cannot swallow the rows after it.
                        SetFault(RowFault.QuoteInUnquotedField);
                    }
                    break;
                }
                case ScanState.Quoted:
                {
                    var q = span.IndexOf(Quote);
                    _rowLines += (q < 0 ? span : span[..q]).Count(Lf);
                    if (q < 0)
                    {
                        reader.Advance(span.Length);
                        break;
                    }
                    reader.Advance(q + 1);
                    closingQuote = at + q;
                    state = ScanState.QuoteInQuoted;
                    break;
                }
                case ScanState.QuoteInQuoted:
                    if (span[0] == Quote)
                    {
                        reader.Advance(1);
                        escaped = true;
                        state = ScanState.Quoted;
                    }
                    else
                    {
                        state = ScanState.AfterClosingQuote;
                    }
                    break;
                default:
                {
                    var i = span.IndexOfAnyExcept(_paddingAfterQuote);
                    if (i < 0)
                    {
                        reader.Advance(span.Length);
                        break;
                    }

                    reader.Advance(i + 1);
                    var stop = span[i];
                    if (stop == _delimiter)
                    {
                        AddField(contentStart, closingQuote, escaped);
                        fieldStart = at + i + 1;
                        fieldHasText = false;
                        state = ScanState.Unquoted;
                    }
                    else if (stop == Lf)
                    {
                        AddField(contentStart, closingQuote, escaped);
                        _rowLines++;
                        _rowTerminated = true;
                        return CheckLength(reader.Consumed - rowStart);
                    }
                    else
                    {
                        SetFault(RowFault.TextAfterClosingQuote);
                        fieldHasText = true;
                        state = ScanState.Unquoted;
                    }
                    break;
                }
            }
        }
    }

    /// <summary>
    /// A row past <see cref="_maxRowBytes"/>: only its first line is taken (as a malformed row) and reading resumes
    /// after it, so a quote that is never closed cannot swallow the rows after it; a single line that long is cut at
    /// the limit and the rest of it skipped. Memory stays within the limit either way.
    /// </summary>
    private bool CutRow(ref SequenceReader<byte> reader, long rowStart, RowFault fault)
    {
        reader.Rewind(reader.Consumed - rowStart);
        // A quote that was never closed opened in the field after the complete ones.
        _faultField = fault == RowFault.RowTooLong ? int.MaxValue : _fieldCount;
        _fieldCount = 0;
        _rowLines = 1;
        _fault = fault;
        var window = reader.UnreadSequence.Slice(0, Math.Min(reader.Remaining, _maxRowBytes));
        if (window.PositionOf(Lf) is { } lf)
        {
            reader.Advance(window.Slice(0, lf).Length + 1);
            _rowTerminated = true;
        }
        else
        {
            // Cut inside the line (or at the end of the file): no line feed to take off the row's text.
            reader.Advance(window.Length);
            _rowTerminated = false;
            _skippingToLineEnd = true;
        }
        return true;
    }

    /// <summary>
    /// A row that ended past the limit in one step (a long run without a stop) is dead-lettered whole, its start kept:
    /// it ended where it should, so nothing after it is lost.
    /// </summary>
    private bool CheckLength(long length)
    {
        if (length > _maxRowBytes)
        {
            _fault = RowFault.RowTooLong;
            _faultField = int.MaxValue;
        }
        return true;
    }

    private void AddField(int start, int end, bool escaped)
    {
        if (_fieldCount == _fields.Length)
        {
            Array.Resize(ref _fields, _fields.Length * 2);
        }
        _fields[_fieldCount++] = new FieldBounds(start, end, escaped);
    }

    private void SetFault(RowFault fault)
    {
        if (_fault == RowFault.None)
        {
            _fault = fault;
            _faultField = _fieldCount;
        }
    }

    /// <summary>The row's bytes without its line ending, contiguous (copied only when it spans segments).</summary>
    private ReadOnlySpan<byte> RowContent(ReadOnlySequence<byte> row)
    {
        if (_rowTerminated)
        {
            row = row.Slice(0, row.Length - 1);
        }

        ReadOnlySpan<byte> content;
        if (row.IsSingleSegment)
        {
            content = row.FirstSpan;
        }
        else
        {
            var length = checked((int)row.Length);
            PooledArray.EnsureCapacity(ref _rowBuffer, length);
            row.CopyTo(_rowBuffer);
            content = _rowBuffer.AsSpan(0, length);
        }

        if (_rowTerminated && !content.IsEmpty && content[^1] == Cr)
        {
            content = content[..^1];
            // A row cut off by the limit has no fields to trim.
            if (_fieldCount > 0)
            {
                ref var last = ref _fields[_fieldCount - 1];
                if (last.End > content.Length)
                {
                    last = new FieldBounds(Math.Min(last.Start, content.Length), content.Length, last.Escaped);
                }
            }
        }
        return content;
    }

    private bool IsBlank(ReadOnlySpan<byte> content) =>
        _fieldCount == 1 && _fault == RowFault.None && content.IndexOfAnyExcept(_padding) < 0;

    private void EmitRow(ReadOnlySpan<byte> content, long line, IRawRecordSink sink)
    {
        if (_fault != RowFault.None)
        {
            EmitMalformed(content, line, _faultField < _columns.Length ? _columns[_faultField] : null, Describe(_fault), sink);
            return;
        }
        if (_fieldCount != _columns.Length)
        {
            EmitMalformed(content, line, null, string.Create(CultureInfo.InvariantCulture, $"row has {_fieldCount} fields; the header has {_columns.Length}"), sink);
            return;
        }

        var values = new string?[_mapping.SlotCount];
        var previousColumn = -1;
        string? previous = null;
        for (var t = 0; t < _targetColumns.Length; t++)
        {
            var column = _targetColumns[t];
            if (column != previousColumn)
            {
                var field = _fields[column];
                if (!FieldText.TryDecode(content[field.Start..field.End], field.Escaped, ref _chars, out previous))
                {
                    EmitMalformed(content, line, _columns[column], "invalid UTF-8", sink);
                    return;
                }
                previousColumn = column;
            }
            values[(int)_targetAttributes[t]] = previous;
        }
        sink.OnRecord(new RawRecord(line, Position, values));
    }

    private void EmitMalformed(ReadOnlySpan<byte> content, long line, string? field, string reason, IRawRecordSink sink) =>
        sink.OnMalformed(new MalformedRow(line, Position, field, reason, FieldText.RawText(content)));

    private void ResolveColumns(ReadOnlySpan<byte> content)
    {
        _columns = new string[_fieldCount];
        for (var i = 0; i < _fieldCount; i++)
        {
            var field = _fields[i];
            if (!FieldText.TryDecode(content[field.Start..field.End], field.Escaped, ref _chars, out var name))
            {
                ChannelFormatException.ThrowMalformedHeader(_path, "invalid UTF-8");
            }
            _columns[i] = name ?? "";
        }

        var attributes = _mapping.Attributes;
        var sources = _mapping.Sources;
        _targetColumns = new int[attributes.Length];
        _targetAttributes = new CanonicalAttribute[attributes.Length];
        for (var t = 0; t < attributes.Length; t++)
        {
            var column = IndexOfColumn(sources[t]);
            if (column < 0)
            {
                ChannelFormatException.ThrowMissingColumn(_path, _mapping.NameOf(attributes[t]), sources[t]);
            }
            _targetColumns[t] = column;
            _targetAttributes[t] = attributes[t];
        }
        // Left to right, so a column feeding two attributes is decoded once.
        Array.Sort(_targetColumns, _targetAttributes);
    }

    private int IndexOfColumn(string name)
    {
        for (var i = 0; i < _columns.Length; i++)
        {
            if (string.Equals(_columns[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    private string Describe(RowFault fault) => fault switch
    {
        RowFault.RowTooLong => string.Create(CultureInfo.InvariantCulture, $"row longer than MaxRowBytes ({_maxRowBytes:N0} bytes): its start is kept here, reading resumes at the next line"),
        RowFault.QuoteNeverClosed => string.Create(CultureInfo.InvariantCulture, $"a quoted field opened on this line is not closed within MaxRowBytes ({_maxRowBytes:N0} bytes): the line is kept here, reading resumes at the next line"),
        RowFault.QuoteInUnquotedField => "quote inside an unquoted field",
        RowFault.TextAfterClosingQuote => "text after the closing quote of a quoted field",
        RowFault.UnterminatedQuote => "quoted field not closed before the end of the file: the line it opened on is kept here, reading resumes at the next line",
        _ => "malformed row",
    };

    /// <summary>Where a field's value lies in its row: the inside of the quotes for a quoted field.</summary>
    private readonly record struct FieldBounds(int Start, int End, bool Escaped);
}
