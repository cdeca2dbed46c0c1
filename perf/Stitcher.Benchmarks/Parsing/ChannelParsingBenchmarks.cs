using BenchmarkDotNet.Attributes;
using Stitcher.Engine.Ingest;

namespace Stitcher.Benchmarks.Parsing;

/// <summary>
/// What the channel parsing benchmarks share: a generated file of <see cref="Rows"/> rows in a temp folder, read whole
/// by a channel reader into a sink that only counts. The count is checked, so a reader that drops rows cannot look fast.
/// </summary>
public abstract class ChannelParsingBenchmarks
{
    private const int Seed = 20_240_601;

    private readonly CountingSink _sink = new();
    private readonly string _fileName;
    private readonly string _malformedName;
    private string _directory = "";
    private string _path = "";

    /// <param name="fileName">Name of the generated file; its extension is the channel format's.</param>
    /// <param name="malformedName">What the format's malformed units are called in the failure message: rows, lines.</param>
    protected ChannelParsingBenchmarks(string fileName, string malformedName)
    {
        _fileName = fileName;
        _malformedName = malformedName;
    }

    [Params(100_000)]
    public int Rows { get; set; }

    protected static string[] GivenNames { get; } = ["Ann", "Bo", "Chloé", "Dmitri", "Eun-ji", "Farah", "Günter", "Hana", "Ítalo", "Jae-won"];

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "stitcher-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _path = Path.Combine(_directory, _fileName);
        WriteFile(_path, Rows, new Random(Seed));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    /// <summary>Writes <paramref name="rows"/> well-formed rows, drawing every varying value from <paramref name="random"/>.</summary>
    protected abstract void WriteFile(string path, int rows, Random random);

    protected async Task<long> ReadAsync(IChannelFileReader reader)
    {
        _sink.Reset();
        await reader.ReadAsync(_path, SourcePosition.Start, _sink, finalRead: true, CancellationToken.None);
        if (_sink.Records != Rows || _sink.Malformed != 0)
        {
            throw new InvalidOperationException($"Read {_sink.Records} records and {_sink.Malformed} malformed {_malformedName}; expected {Rows} records.");
        }
        return _sink.Records;
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
