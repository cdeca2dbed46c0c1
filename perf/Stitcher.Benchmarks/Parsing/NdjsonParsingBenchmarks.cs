using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Stitcher.Engine.Ingest;
using Stitcher.Engine.Schema;

namespace Stitcher.Benchmarks.Parsing;

/// <summary>Streams a whole channel NDJSON file through <see cref="NdjsonChannelReader"/> into a sink that only counts.</summary>
[MemoryDiagnoser]
public class NdjsonParsingBenchmarks() : ChannelParsingBenchmarks("channel.ndjson", "lines")
{
    private static readonly string[] s_surnames = ["Lee", "O'Brien", "Müller", "Kim", "García", "Nguyen", "Smith \\\"Jr\\\"", "Ødegård", "김", "Tanaka"];
    private static readonly string[] s_events = ["page_view", "purchase", "signup", "login"];

    private readonly NdjsonChannelReader _topLevel = new(new FieldMapping(new Dictionary<CanonicalAttribute, string>
    {
        [CanonicalAttribute.RecordId] = "event_id",
        [CanonicalAttribute.Timestamp] = "ts",
        [CanonicalAttribute.EventType] = "type",
    }));

    private readonly NdjsonChannelReader _nested = new(new FieldMapping(new Dictionary<CanonicalAttribute, string>
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

    [Benchmark(Baseline = true)]
    public Task<long> Read_ThreeTopLevelPaths() => ReadAsync(_topLevel);

    [Benchmark]
    public Task<long> Read_NineNestedPaths() => ReadAsync(_nested);

    protected override void WriteFile(string path, int rows, Random random)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < rows; i++)
        {
            var given = GivenNames[random.Next(GivenNames.Length)];
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $$"""{"event_id":"E{{i:D8}}","ts":"{{start.AddSeconds(random.Next(31_536_000)):O}}","type":"{{s_events[random.Next(s_events.Length)]}}","""));
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $$"""  "user":{"name":{"given":"{{given}}","family":"{{s_surnames[random.Next(s_surnames.Length)]}}"},"contact":{"email":"{{given.ToLowerInvariant()}}.{{i}}@example.com","phone":"+64 21 {{random.Next(1_000_000):D6}}"},"loyalty":{{random.Next(100_000, 999_999)}},"tags":["a","b"]},"""));
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $$"""  "device":{"id":"d-{{random.Next():x8}}","os":"ios"},"cart":{"items":[{"sku":"S{{random.Next(1000)}}","qty":{{random.Next(1, 5)}}}],"total":{{random.Next(10_000) / 100.0}}"""));
            writer.Write("}}\n");
        }
    }
}
