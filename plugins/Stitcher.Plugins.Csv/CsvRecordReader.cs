using System.Text;

namespace Stitcher.Plugins.Csv;

/// <summary>
/// Reads RFC 4180 records back from a file this sink wrote, so a restarted sink keeps the profiles it is not sent again.
/// Quoted fields may hold commas, doubled quotes and line breaks; CRLF and LF both end a record.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader)
{
    private readonly TextReader _reader = reader;
    private readonly StringBuilder _field = new();
    private int _nextLine = 1;

    /// <summary>The 1-based line the last record read starts on.</summary>
    public int LineNumber { get; private set; }

    public bool TryReadRecord(List<string> fields)
    {
        fields.Clear();
        var c = _reader.Read();
        if (c < 0)
        {
            return false;
        }

        LineNumber = _nextLine;
        _field.Clear();
        var atFieldStart = true;
        var inQuotes = false;
        while (true)
        {
            if (inQuotes)
            {
                if (c < 0)
                {
                    throw new InvalidDataException($"The quoted field in the record starting on line {LineNumber} is never closed.");
                }

                if (c == '"')
                {
                    if (_reader.Peek() == '"')
                    {
                        _reader.Read();
                        _field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        _nextLine++;
                    }

                    _field.Append((char)c);
                }
            }
            else if (c == '"' && atFieldStart)
            {
                inQuotes = true;
                atFieldStart = false;
            }
            else if (c == ',')
            {
                fields.Add(_field.ToString());
                _field.Clear();
                atFieldStart = true;
            }
            else if (c is '\r' or '\n' or < 0)
            {
                if (c == '\r' && _reader.Peek() == '\n')
                {
                    _reader.Read();
                }

                _nextLine++;
                fields.Add(_field.ToString());
                return true;
            }
            else
            {
                _field.Append((char)c);
                atFieldStart = false;
            }

            c = _reader.Read();
        }
    }
}
