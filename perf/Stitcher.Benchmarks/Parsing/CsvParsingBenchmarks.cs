using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Stitcher.Engine.Ingest;
using Stitcher.Engine.Schema;

namespace Stitcher.Benchmarks.Parsing;

/// <summary>Streams a whole channel CSV through <see cref="CsvChannelReader"/> into a sink that only counts.</summary>
[MemoryDiagnoser]
public class CsvParsingBenchmarks() : ChannelParsingBenchmarks("channel.csv", "rows")
{
    private static readonly string[] s_surnames = ["Lee", "O'Brien", "Müller", "Kim", "García", "Nguyen", "Smith, Jr.", "Ødegård", "김", "Tanaka"];
    private static readonly string[] s_cities = ["Auckland", "Seoul", "São Paulo", "Berlin", "Lagos", "Osaka", "Zürich", "Toronto"];

    private readonly CsvChannelReader _fewColumns = new(new FieldMapping(new Dictionary<CanonicalAttribute, string>
    {
        [CanonicalAttribute.RecordId] = "id",
        [CanonicalAttribute.Email] = "email",
        [CanonicalAttribute.Phone] = "phone",
    }));

    private readonly CsvChannelReader _allColumns = new(new FieldMapping(new Dictionary<CanonicalAttribute, string>
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

    [Benchmark(Baseline = true)]
    public Task<long> Read_ThreeMappedColumns() => ReadAsync(_fewColumns);

    [Benchmark]
    public Task<long> Read_NineMappedColumns() => ReadAsync(_allColumns);

    protected override void WriteFile(string path, int rows, Random random)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        writer.Write("id,updated_at,given_name,surname,email,phone,street,city,country,notes\r\n");
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < rows; i++)
        {
            var given = GivenNames[random.Next(GivenNames.Length)];
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
}
