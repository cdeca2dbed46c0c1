using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace Stitcher.Engine.Ingest;

/// <summary>
/// The state of one <see cref="NdjsonChannelReader.ReadAsync"/> call: splits pipe buffers into lines and maps
/// each line's JSON object onto canonical attributes. Owns pooled scratch buffers.
/// </summary>
internal sealed class NdjsonLineParser : IDisposable
{
    private const byte Lf = (byte)'\n';
    private const byte Cr = (byte)'\r';
    private const string NotAnObject = "line is not a JSON object";
    private const string ObjectValue = "value is a JSON object; expected a string, number or boolean";
    private const string ArrayValue = "value is a JSON array; expected a string, number or boolean";
    private const string InvalidUtf8 = "invalid UTF-8";

    private static ReadOnlySpan<byte> JsonWhitespace => " \t\r\n"u8;

    private readonly JsonPathNode _root;
    private readonly int _slotCount;
    private readonly int _maxLineBytes;
    private byte[] _lineBuffer = [];
    // A line longer than the limit was cut off: the rest of it, to its line feed, is skipped.
    private bool _skippingToLineEnd;
    private char[] _chars = [];
    private bool _bomChecked;
    private long _offset;
    private long _line;

    // Why the current line was rejected, when a mapped value has the wrong shape.
    private string? _faultField;
    private string _faultReason = "";

    /// <param name="root">The mapping's JSON paths.</param>
    /// <param name="slotCount">The length of a record's value array (<see cref="FieldMapping.SlotCount"/>).</param>
    /// <param name="start">Where reading starts.</param>
    /// <param name="maxLineBytes">A longer line is cut off.</param>
    public NdjsonLineParser(JsonPathNode root, int slotCount, SourcePosition start, int maxLineBytes = ChannelFile.DefaultMaxRowBytes)
    {
        _root = root;
        _slotCount = slotCount;
        _maxLineBytes = maxLineBytes;
        _offset = start.ByteOffset;
        _line = start.Line;
        _bomChecked = start.ByteOffset > 0;
    }

    /// <summary>Just after the last consumed line.</summary>
    public SourcePosition Position => new(_offset, _line);

    /// <summary>
    /// Hands every complete line in <paramref name="buffer"/> to <paramref name="sink"/> and returns where the
    /// first unconsumed line starts. <paramref name="eofEndsLine"/>: the buffer ends the file for good.
    /// </summary>
    public SequencePosition ReadLines(in ReadOnlySequence<byte> buffer, bool isCompleted, bool eofEndsLine, IRawRecordSink sink)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!_bomChecked)
        {
            if (buffer.Length < ChannelFile.Utf8Bom.Length && !isCompleted)
            {
                return buffer.Start;
            }
            _bomChecked = true;
            if (reader.IsNext(ChannelFile.Utf8Bom, advancePast: true))
            {
                _offset += ChannelFile.Utf8Bom.Length;
            }
        }

        while (!reader.End)
        {
            var lineStart = reader.Position;
            var lineStartConsumed = reader.Consumed;
            if (_skippingToLineEnd)
            {
                // The tail of a line already dead-lettered: consumed as it comes, so memory stays within the limit.
                _skippingToLineEnd = !reader.TryAdvanceTo(Lf);
                if (_skippingToLineEnd)
                {
                    reader.AdvanceToEnd();
                }
                _offset += reader.Consumed - lineStartConsumed;
                continue;
            }
            if (!reader.TryReadTo(out ReadOnlySequence<byte> lineBytes, Lf))
            {
                if (buffer.Slice(lineStart).Length > _maxLineBytes)
                {
                    // A line past the limit with no end in sight: its first bytes are dead-lettered, the rest skipped.
                    var prefix = buffer.Slice(lineStart, _maxLineBytes);
                    reader.Advance(_maxLineBytes - (reader.Consumed - lineStartConsumed));
                    var number = _line + 1;
                    _offset += _maxLineBytes;
                    _line++;
                    _skippingToLineEnd = true;
                    EmitMalformed(Contiguous(prefix), number, null, TooLong(), sink);
                    continue;
                }
                if (!eofEndsLine)
                {
                    return lineStart;
                }
                lineBytes = buffer.Slice(lineStart);
                reader.AdvanceToEnd();
            }

            if (lineBytes.Length > _maxLineBytes)
            {
                var number = _line + 1;
                _offset += reader.Consumed - lineStartConsumed;
                _line++;
                EmitMalformed(Contiguous(lineBytes.Slice(0, _maxLineBytes)), number, null, TooLong(), sink);
                continue;
            }
            var line = Contiguous(lineBytes);
            if (!line.IsEmpty && line[^1] == Cr)
            {
                line = line[..^1];
            }
            var lineNumber = _line + 1;
            _offset += reader.Consumed - lineStartConsumed;
            _line++;
            if (line.IndexOfAnyExcept(JsonWhitespace) >= 0)
            {
                ParseLine(line, lineNumber, sink);
            }
        }
        return reader.Position;
    }

    public void Dispose()
    {
        PooledArray.Return(ref _lineBuffer);
        PooledArray.Return(ref _chars);
    }

    private ReadOnlySpan<byte> Contiguous(in ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsSingleSegment)
        {
            return bytes.FirstSpan;
        }
        var length = checked((int)bytes.Length);
        PooledArray.EnsureCapacity(ref _lineBuffer, length);
        bytes.CopyTo(_lineBuffer);
        return _lineBuffer.AsSpan(0, length);
    }

    private void ParseLine(ReadOnlySpan<byte> line, long lineNumber, IRawRecordSink sink)
    {
        var values = new string?[_slotCount];
        var json = new Utf8JsonReader(line, isFinalBlock: true, state: default);
        try
        {
            if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
            {
                EmitMalformed(line, lineNumber, null, NotAnObject, sink);
                return;
            }
            if (!TryReadObject(ref json, _root, values))
            {
                EmitMalformed(line, lineNumber, _faultField, _faultReason, sink);
                return;
            }
            // Anything after the object but whitespace makes Read throw.
            json.Read();
        }
        catch (JsonException exception)
        {
            EmitMalformed(line, lineNumber, null, DescribeInvalidJson(exception), sink);
            return;
        }
        sink.OnRecord(new RawRecord(lineNumber, Position, values));
    }

    /// <summary>Reads the object whose StartObject was just read; false with the fault set on a bad mapped value.</summary>
    private bool TryReadObject(ref Utf8JsonReader json, JsonPathNode node, string?[] values)
    {
        while (json.Read())
        {
            if (json.TokenType == JsonTokenType.EndObject)
            {
                return true;
            }

            var child = node.FindChild(ref json);
            json.Read();
            if (child is null)
            {
                json.Skip();
                continue;
            }

            switch (json.TokenType)
            {
                case JsonTokenType.StartObject:
                    if (child.IsMapped)
                    {
                        return Fault(child.Path, ObjectValue);
                    }
                    if (!TryReadObject(ref json, child, values))
                    {
                        return false;
                    }
                    break;
                case JsonTokenType.StartArray:
                    if (child.IsMapped)
                    {
                        return Fault(child.Path, ArrayValue);
                    }
                    json.Skip();
                    break;
                case JsonTokenType.String:
                    if (child.IsMapped)
                    {
                        if (!TryReadString(ref json, out var text))
                        {
                            return Fault(child.Path, InvalidUtf8);
                        }
                        Assign(child, values, text);
                    }
                    break;
                case JsonTokenType.Number:
                    if (child.IsMapped)
                    {
                        // Numbers are ASCII, so this cannot fail; the raw text keeps e.g. leading zeros of an id.
                        FieldText.TryDecode(json.ValueSpan, collapseDoubledQuotes: false, ref _chars, out var number);
                        Assign(child, values, number);
                    }
                    break;
                case JsonTokenType.True:
                    Assign(child, values, "true");
                    break;
                case JsonTokenType.False:
                    Assign(child, values, "false");
                    break;
                default:
                    Assign(child, values, null);
                    break;
            }
        }
        return Fault(null, "JSON object not closed");
    }

    private bool TryReadString(ref Utf8JsonReader json, out string? value)
    {
        var raw = json.ValueSpan;
        if (!json.ValueIsEscaped)
        {
            return FieldText.TryDecode(raw, collapseDoubledQuotes: false, ref _chars, out value);
        }

        value = null;
        if (!Utf8.IsValid(raw))
        {
            return false;
        }
        // Unescaping never makes a string longer than its escaped bytes.
        PooledArray.EnsureCapacity(ref _chars, raw.Length);
        int written;
        try
        {
            written = json.CopyString(_chars);
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate such as \uD800.
            return false;
        }
        value = FieldText.FromChars(_chars.AsSpan(0, written));
        return true;
    }

    private static void Assign(JsonPathNode node, string?[] values, string? value)
    {
        foreach (var attribute in node.Attributes)
        {
            values[(int)attribute] = value;
        }
    }

    private bool Fault(string? field, string reason)
    {
        _faultField = field;
        _faultReason = reason;
        return false;
    }

    private string TooLong() =>
        string.Create(CultureInfo.InvariantCulture, $"line longer than MaxRowBytes ({_maxLineBytes:N0} bytes): its start is kept here, reading resumes at the next line");

    private void EmitMalformed(ReadOnlySpan<byte> line, long lineNumber, string? field, string reason, IRawRecordSink sink) =>
        sink.OnMalformed(new MalformedRow(lineNumber, Position, field, reason, FieldText.RawText(line)));

    /// <summary>
    /// The reader's message without the row's text. Its messages start with the offending text in quotes,
    /// e.g. <c>'x' is an invalid start of a value.</c>, and that may be personal data; the rest is fixed wording.
    /// </summary>
    private static string DescribeInvalidJson(JsonException exception)
    {
        var message = exception.Message.AsSpan();
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            message = message[..cut];
        }
        message = message.TrimEnd(". ");

        var redacted = "";
        if (message.StartsWith('\''))
        {
            // The fragment may itself be a quote ('''), so look for where the fixed wording starts.
            var end = message[1..].IndexOf("' ", StringComparison.Ordinal);
            if (end >= 0)
            {
                message = message[(end + 3)..];
                redacted = "'…' ";
            }
        }
        return string.Create(CultureInfo.InvariantCulture, $"invalid JSON: {redacted}{message} at byte {exception.BytePositionInLine ?? 0}");
    }
}
