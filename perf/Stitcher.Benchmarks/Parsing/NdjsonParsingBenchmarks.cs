using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Stitcher.Engine.Ingest;
using Stitcher.Engine.Schema;

namespace Stitcher.Benchmarks.Parsing;

/// <summary>Streams a whole channel NDJSON file through <see cref="NdjsonChannelReader"/> into a sink that only counts.</summary>
[MemoryDiagnoser]
public class NdjsonParsingBenchmarks
{
    private const int Seed = 20_240_601;

    private static readonly string[] s_givenNames = ["Ann", "Bo", "Chloé", "Dmitri", "Eun-ji", "Farah", "Günter", "Hana", "Ítalo", "Jae-won"];
    private static readonly string[] s_surnames = ["Lee", "O'Brien", "Müller", "Kim", "García", "Nguyen", "Smith \\\"Jr\\\"", "Ødegård", "김", "Tanaka"];
    private static readonly string[] s_events = ["page_view", "purchase", "signup", "login"];

    private readonly CountingSink _sink = new();
    private string _directory = "";
    private string _path = "";
    private NdjsonChannelReader _topLevel = null!;
    private NdjsonChannelReader _nested = null!;

    [Params(100_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "stitcher-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _path = Path.Combine(_directory, "channel.ndjson");
        WriteFile(_path, Rows);

        _topLevel = new NdjsonChannelReader(new FieldMapping(new Dictionary<CanonicalAttribute, string>
        {
            [CanonicalAttribute.RecordId] = "event_id",
            [CanonicalAttribute.Timestamp] = "ts",
            [CanonicalAttribute.EventType] = "type",
        }));
        _nested = new NdjsonChannelReader(new FieldMapping(new Dictionary<CanonicalAttribute, string>
        {
            [CanonicalAttribute.RecordId] = "event_id",
            [CanonicalAttribute.Timestamp] = "ts",
            [CanonicalAttribute.EventType] = "type",
            [CanonicalAttribute.GivenName] = "user.name.given",
            [CanonicalAttribute.Surname] = "user.name.family",
            [CanonicalAttribute.Email] = "user.contact.email",
            [CanonicalAttribute.Phone] = "user.contact.phone",
            [CanonicalAttribute.LoyaltyId] = "user.loyalty",
            [CanonicalAttribute.DeviceId] = "device.id",
        }));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Baseline = true)]
    public Task<long> Read_ThreeTopLevelPaths() => ReadAsync(_topLevel);

    [Benchmark]
    public Task<long> Read_NineNestedPaths() => ReadAsync(_nested);

    private async Task<long> ReadAsync(NdjsonChannelReader reader)
    {
        _sink.Reset();
        await reader.ReadAsync(_path, SourcePosition.Start, _sink, finalRead: true, CancellationToken.None);
        if (_sink.Records != Rows || _sink.Malformed != 0)
        {
            throw new InvalidOperationException($"Read {_sink.Records} records and {_sink.Malformed} malformed lines; expected {Rows} records.");
        }
        return _sink.Records;
    }

    private static void WriteFile(string path, int rows)
    {
        var random = new Random(Seed);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < rows; i++)
        {
            var given = s_givenNames[random.Next(s_givenNames.Length)];
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $$"""{"event_id":"E{{i:D8}}","ts":"{{start.AddSeconds(random.Next(31_536_000)):O}}","type":"{{s_events[random.Next(s_events.Length)]}}","""));
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $$"""  "user":{"name":{"given":"{{given}}","family":"{{s_surnames[random.Next(s_surnames.Length)]}}"},"contact":{"email":"{{given.ToLowerInvariant()}}.{{i}}@example.com","phone":"+64 21 {{random.Next(1_000_000):D6}}"},"loyalty":{{random.Next(100_000, 999_999)}},"tags":["a","b"]},"""));
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $$"""  "device":{"id":"d-{{random.Next():x8}}","os":"ios"},"cart":{"items":[{"sku":"S{{random.Next(1000)}}","qty":{{random.Next(1, 5)}}}],"total":{{random.Next(10_000) / 100.0}}"""));
            writer.Write("}}\n");
        }
    }

    private sealed class CountingSink : IRawRecordSink
    {
        public long Records { get; private set; }

        public long Malformed { get; private set; }

        public void Reset() => (Records, Malformed) = (0, 0);

        public void OnRecord(in RawRecord record) => Records++;

        public void OnMalformed(in MalformedRow row) => Malformed++;
    }
}
