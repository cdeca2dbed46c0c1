using System.Globalization;
using System.Text;

namespace Stitcher.Benchmarks.Backfill;

/// <summary>A record of a generated file and the person who generated it.</summary>
internal readonly record struct TruthRecord(string Channel, string RecordId, int Person);

/// <summary>Reading the truth back: which person each record belongs to.</summary>
internal sealed partial class SyntheticChannelGenerator
{
    private const string EventIdPrefix = "{\"event_id\":\"";
    private const string PersonIdProperty = ",\"person_id\":\"U";

    /// <summary>
    /// Streams every well-formed row of the generated files as (channel, record id, person). Malformed rows carry no
    /// person and are skipped. Relies on the layout written here: the record id is the first CSV field or JSON
    /// property, and <c>person_id</c> the last, and neither is ever quoted or escaped.
    /// </summary>
    public static IEnumerable<TruthRecord> ReadTruth(GeneratedChannels channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        foreach (var file in channels.Files)
        {
            using var reader = new StreamReader(file.Path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            var csv = file.Channel != Web;
            if (csv)
            {
                reader.ReadLine();
            }
            while (reader.ReadLine() is { } line)
            {
                if (csv ? TryReadCsvTruth(line, out var recordId, out var person) : TryReadJsonTruth(line, out recordId, out person))
                {
                    yield return new TruthRecord(file.Channel, recordId, person);
                }
            }
        }
    }

    private static bool TryReadCsvTruth(string line, out string recordId, out int person)
    {
        recordId = "";
        person = 0;
        var firstComma = line.IndexOf(',', StringComparison.Ordinal);
        var lastComma = line.LastIndexOf(',');
        if (firstComma <= 0 || !TryParsePersonId(line.AsSpan(lastComma + 1), out person))
        {
            return false;
        }
        recordId = line[..firstComma];
        return true;
    }

    private static bool TryReadJsonTruth(string line, out string recordId, out int person)
    {
        recordId = "";
        person = 0;
        var personAt = line.LastIndexOf(PersonIdProperty, StringComparison.Ordinal);
        if (!line.StartsWith(EventIdPrefix, StringComparison.Ordinal) || personAt < 0)
        {
            return false;
        }
        var idEnd = line.IndexOf('"', EventIdPrefix.Length);
        var personStart = personAt + PersonIdProperty.Length - 1;
        var personEnd = line.IndexOf('"', personStart);
        if (idEnd < 0 || personEnd < 0 || !TryParsePersonId(line.AsSpan(personStart, personEnd - personStart), out person))
        {
            return false;
        }
        recordId = line[EventIdPrefix.Length..idEnd];
        return true;
    }

    private static bool TryParsePersonId(ReadOnlySpan<char> text, out int person)
    {
        person = 0;
        return text.Length > 1 && text[0] == 'U'
            && int.TryParse(text[1..], NumberStyles.None, CultureInfo.InvariantCulture, out person);
    }
}
