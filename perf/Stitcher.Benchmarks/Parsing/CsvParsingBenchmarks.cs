using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Stitcher.Engine.Ingest;
using Stitcher.Engine.Schema;

namespace Stitcher.Benchmarks.Parsing;

/// <summary>Streams a whole channel CSV through <see cref="CsvChannelReader"/> into a sink that only counts.</summary>
[MemoryDiagnoser]
public class CsvParsingBenchmarks
{
    private const int Seed = 20_240_601;

    private static readonly string[] s_givenNames = ["Ann", "Bo", "Chloé", "Dmitri", "Eun-ji", "Farah", "Günter", "Hana", "Ítalo", "Jae-won"];
    private static readonly string[] s_surnames = ["Lee", "O'Brien", "Müller", "Kim", "García", "Nguyen", "Smith, Jr.", "Ødegård", "김", "Tanaka"];
    private static readonly string[] s_cities = ["Auckland", "Seoul", "São Paulo", "Berlin", "Lagos", "Osaka", "Zürich", "Toronto"];

    private readonly CountingSink _sink = new();
    private string _directory = "";
    private string _path = "";
    private CsvChannelReader _fewColumns = null!;
    private CsvChannelReader _allColumns = null!;

    [Params(100_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "stitcher-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _path = Path.Combine(_directory, "channel.csv");
        WriteFile(_path, Rows);

        _fewColumns = new CsvChannelReader(new FieldMapping(new Dictionary<CanonicalAttribute, string>
        {
            [CanonicalAttribute.RecordId] = "id",
            [CanonicalAttribute.Email] = "email",
            [CanonicalAttribute.Phone] = "phone",
        }));
        _allColumns = new CsvChannelReader(new FieldMapping(new Dictionary<CanonicalAttribute, string>
        {
            [CanonicalAttribute.RecordId] = "id",
            [CanonicalAttribute.Timestamp] = "updated_at",
            [CanonicalAttribute.GivenName] = "given_name",
            [CanonicalAttribute.Surname] = "surname",
            [CanonicalAttribute.Email] = "email",
            [CanonicalAttribute.Phone] = "phone",
            [CanonicalAttribute.Street] = "street",
            [CanonicalAttribute.City] = "city",
            [CanonicalAttribute.Country] = "country",
        }));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Baseline = true)]
    public Task<long> Read_ThreeMappedColumns() => ReadAsync(_fewColumns);

    [Benchmark]
    public Task<long> Read_NineMappedColumns() => ReadAsync(_allColumns);

    private async Task<long> ReadAsync(CsvChannelReader reader)
    {
        _sink.Reset();
        await reader.ReadAsync(_path, SourcePosition.Start, _sink, finalRead: true, CancellationToken.None);
        if (_sink.Records != Rows || _sink.Malformed != 0)
        {
            throw new InvalidOperationException($"Read {_sink.Records} records and {_sink.Malformed} malformed rows; expected {Rows} records.");
        }
        return _sink.Records;
    }

    private static void WriteFile(string path, int rows)
    {
        var random = new Random(Seed);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        writer.Write("id,updated_at,given_name,surname,email,phone,street,city,country,notes\r\n");
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < rows; i++)
        {
            var given = s_givenNames[random.Next(s_givenNames.Length)];
            var surname = s_surnames[random.Next(s_surnames.Length)];
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"C{i:D8},{start.AddSeconds(random.Next(31_536_000)):O},{given},{Quote(surname)},{given.ToLowerInvariant()}.{i}@example.com,+64 21 {random.Next(1_000_000):D6},"));
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"\"{random.Next(1, 999)} Main St, Unit {random.Next(1, 40)}\",{s_cities[random.Next(s_cities.Length)]},NZ,"));
            // One row in ten carries a quoted note with doubled quotes and a line break.
            writer.Write(random.Next(10) == 0 ? "\"said \"\"call me\"\"\nafter 5\"\r\n" : "\r\n");
        }
    }

    private static string Quote(string value) => value.Contains(',', StringComparison.Ordinal) ? $"\"{value}\"" : value;

    private sealed class CountingSink : IRawRecordSink
    {
        public long Records { get; private set; }

        public long Malformed { get; private set; }

        public void Reset() => (Records, Malformed) = (0, 0);

        public void OnRecord(in RawRecord record) => Records++;

        public void OnMalformed(in MalformedRow row) => Malformed++;
    }
}
