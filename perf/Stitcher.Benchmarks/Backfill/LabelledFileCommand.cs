using System.Globalization;
using System.Text;
using Stitcher.Engine.Ingest;
using Stitcher.Engine.Pipeline;
using Stitcher.Engine.Schema;

namespace Stitcher.Benchmarks.Backfill;

/// <summary>
/// Writes the synthetic multi-channel customer base as one labelled CSV, for <c>stitcher evaluate</c> at scale: every
/// well-formed row of the three channel files, as read by the engine's own readers, in canonical columns, with the
/// person it belongs to in <c>person_id</c>.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project perf/Stitcher.Benchmarks -- labelled --records 1m --out /tmp/customers-1m.csv</c>,
/// then <c>stitcher evaluate --input /tmp/customers-1m.csv --truth person_id --region US</c>. <c>--population dense</c>
/// (US namesakes everywhere) or <c>korean</c> (then evaluate with <c>--region KR</c>) draws other people.
/// </remarks>
internal static class LabelledFileCommand
{
    public const string Command = "labelled";

    private static readonly CanonicalAttribute[] s_columns =
    [
        CanonicalAttribute.RecordId, CanonicalAttribute.Timestamp, CanonicalAttribute.GivenName, CanonicalAttribute.Surname,
        CanonicalAttribute.FullName, CanonicalAttribute.Email, CanonicalAttribute.Phone, CanonicalAttribute.DateOfBirth,
        CanonicalAttribute.Street, CanonicalAttribute.City, CanonicalAttribute.Postcode, CanonicalAttribute.Country,
        CanonicalAttribute.CustomerId, CanonicalAttribute.LoyaltyId, CanonicalAttribute.DeviceId,
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        long records = 0;
        string? output = null;
        ulong seed = 20_240_601;
        var mix = PopulationMix.Mixed;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--records" when BackfillBenchmark.TryParseCount(args[i + 1], out records):
                    break;
                case "--out":
                    output = Path.GetFullPath(args[i + 1]);
                    break;
                case "--seed" when ulong.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out seed):
                    break;
                case "--population" when Enum.TryParse(args[i + 1], ignoreCase: true, out mix) && Enum.IsDefined(mix):
                    break;
                default:
                    Console.Error.WriteLine($"Unknown option or bad value: {args[i]} {args[i + 1]}.");
                    return 2;
            }
        }
        if (records < 1 || output is null)
        {
            Console.Error.WriteLine("usage: labelled --records N --out FILE.csv [--seed S] [--population mixed|dense|korean]");
            return 2;
        }
        var work = Path.Combine(Path.GetTempPath(), "stitcher-labelled-" + Guid.NewGuid().ToString("N"));
        try
        {
            var generated = new SyntheticChannelGenerator(seed, records, mix).Write(work);
            var persons = new Dictionary<(string, string), int>();
            foreach (var truth in SyntheticChannelGenerator.ReadTruth(generated))
            {
                persons[(truth.Channel, truth.RecordId)] = truth.Person;
            }
            var options = BackfillBenchmark.BuildOptions(work, generated, records);
            await using var writer = new StreamWriter(output, append: false, new UTF8Encoding(false), bufferSize: 1 << 20);
            await writer.WriteLineAsync(string.Join(',', s_columns.Select(CanonicalAttributes.NameOf).Append("channel").Append("person_id"))).ConfigureAwait(false);
            long rows = 0;
            foreach (var file in generated.Files)
            {
                var source = new ChannelSource(file.Channel, options.Channels[file.Channel], options);
                var sink = new RowWriter(file.Channel, persons, writer);
                await source.Reader.ReadAsync(file.Path, SourcePosition.Start, sink, finalRead: true, CancellationToken.None).ConfigureAwait(false);
                rows += sink.Rows;
            }
            Console.Error.WriteLine($"Wrote {rows:N0} labelled rows of {generated.Persons:N0} people to {output}");
            return 0;
        }
        finally
        {
            BackfillBenchmark.TryDeleteDirectory(work);
        }
    }

    private sealed class RowWriter(string channel, Dictionary<(string, string), int> persons, StreamWriter writer) : IRawRecordSink
    {
        private readonly StringBuilder _line = new(256);

        public long Rows { get; private set; }

        public void OnRecord(in RawRecord record)
        {
            var id = record.Values[(int)CanonicalAttribute.RecordId];
            if (id is null || !persons.TryGetValue((channel, id), out var person))
            {
                return;
            }
            _line.Clear();
            foreach (var column in s_columns)
            {
                AppendField(record.Values[(int)column]);
                _line.Append(',');
            }
            _line.Append(channel).Append(',').Append(person.ToString(CultureInfo.InvariantCulture));
            writer.WriteLine(_line);
            Rows++;
        }

        public void OnMalformed(in MalformedRow row)
        {
        }

        private void AppendField(string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }
            if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
            {
                _line.Append(value);
                return;
            }
            _line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
    }
}
