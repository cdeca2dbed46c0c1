using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HdrHistogram;
using Stitcher.Benchmarks.Backfill;
using Stitcher.Engine;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Ingest;
using Stitcher.Engine.Pipeline;

namespace Stitcher.Benchmarks.Latency;

/// <summary>
/// Single-record latency: stitches a synthetic customer base into a store (as <c>backfill</c> does), then hands
/// it records that were held out of the same population one at a time through
/// <see cref="StitcherEngine.IngestRecordAsync"/>, as an embedding host would for live events, and records each
/// call's latency in an HDR histogram.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project perf/Stitcher.Benchmarks -- latency [--store-records 1m] [--records 100k]</c>.
/// The held-out records are every k-th row of each generated file, so most belong to people already in the store
/// and join their profile, as new purchases and events do. Results go to stdout and to
/// <c>BenchmarkDotNet.Artifacts/latency-N.md</c>, <c>.json</c> and <c>.hgrm</c> (the full percentile distribution,
/// which HdrHistogram's plotter charts).
/// </remarks>
internal static class LatencyBenchmark
{
    public const string Command = "latency";

    private const ulong DefaultSeed = 20_240_601;
    private const long DefaultStoreRecords = 1_000_000;
    private const long DefaultRecords = 100_000;
    private const int WarmUpRecords = 2_000;
    private const long HighestTrackableNanoseconds = 60L * 1_000_000_000;

    private const string Usage = """
        usage: latency [--store-records N] [--records M] [--seed S] [--matching probabilistic|deterministic] [--keep DIR]
          --store-records N  records stitched into the store before measuring (default 1m)
          --records M        records then ingested one at a time and measured (default 100k; 2,000 more warm up first)
          --seed S           generator seed (default 20240601)
          --matching M       probabilistic (default, model trained on 100k records of other people) or deterministic
          --keep DIR         work in DIR (new or empty) and keep it
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (!TryParseArguments(args, out var settings, out var error))
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var work = settings.Keep ?? Path.Combine(Path.GetTempPath(), "stitcher-latency-" + Guid.NewGuid().ToString("N"));
        if (Directory.Exists(work) && Directory.EnumerateFileSystemEntries(work).Any())
        {
            Console.Error.WriteLine($"--keep directory '{work}' is not empty; give a new or empty one.");
            return 2;
        }
        try
        {
            var (report, histogram) = await RunAsync(settings, work).ConfigureAwait(false);
            var markdown = report.ToMarkdown();
            Console.WriteLine(markdown);
            var artifacts = Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts");
            Directory.CreateDirectory(artifacts);
            var name = Path.Combine(artifacts, string.Create(CultureInfo.InvariantCulture, $"latency-{settings.StoreRecords}"));
            await File.WriteAllTextAsync(name + ".md", markdown).ConfigureAwait(false);
            await File.WriteAllTextAsync(name + ".json", JsonSerializer.Serialize(report, s_json)).ConfigureAwait(false);
            await using (var hgrm = new StreamWriter(name + ".hgrm"))
            {
                // Values are recorded in nanoseconds and written in microseconds.
                histogram.OutputPercentileDistribution(hgrm, outputValueUnitScalingRatio: 1000.0);
            }
            Console.Error.WriteLine($"Wrote {name}.md, .json and .hgrm");
            return 0;
        }
        finally
        {
            if (settings.Keep is null)
            {
                BackfillBenchmark.TryDeleteDirectory(work);
            }
        }
    }

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static async Task<(LatencyReport Report, LongHistogram Histogram)> RunAsync(LatencySettings settings, string work)
    {
        var measured = settings.Records + WarmUpRecords;
        var total = settings.StoreRecords + measured;
        var holdOutEvery = (int)Math.Max(2, total / measured);
        Console.Error.WriteLine($"latency: ~{settings.StoreRecords:N0} records in the store, then ~{measured:N0} one at a time (every {holdOutEvery}th row held out); working in {work}");

        var watch = Stopwatch.StartNew();
        var (main, heldOut) = new SyntheticChannelGenerator(settings.Seed, total).Write(Path.Combine(work, "input"), Path.Combine(work, "held-out"), holdOutEvery);
        Console.Error.WriteLine($"  generated {main.Rows:N0} + {heldOut!.Rows:N0} held-out rows in {watch.Elapsed.TotalSeconds:F1} s");

        var options = BackfillBenchmark.BuildOptions(work, main, main.Rows);
        var training = settings.Matching == MatchingMode.Probabilistic
            ? await BackfillBenchmark.TrainAsync(options, settings.Seed + 1, Math.Min(main.Rows, 100_000), Path.Combine(work, "training")).ConfigureAwait(false)
            : null;
        var records = await ReadHeldOutAsync(options, heldOut, settings.Seed).ConfigureAwait(false);

        await using var engine = new StitcherEngine(options);
        watch.Restart();
        var bulk = await engine.RunOnceAsync().ConfigureAwait(false);
        var bulkSeconds = watch.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"  stitched {bulk.RecordsRead:N0} records into {engine.TotalProfiles:N0} profiles in {bulkSeconds:F1} s ({bulk.RecordsRead / bulkSeconds:N0}/s)");

        var histogram = new LongHistogram(HighestTrackableNanoseconds, 3);
        var profilesBefore = engine.TotalProfiles;
        long rejected = 0;
        long joined = 0;
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var pauseBefore = GC.GetTotalPauseDuration();
        var lastReport = Stopwatch.StartNew();
        var measuring = Stopwatch.StartNew();
        for (var i = 0; i < records.Count; i++)
        {
            var (channel, fields) = records[i];
            if (i == WarmUpRecords)
            {
                profilesBefore = engine.TotalProfiles;
                gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                pauseBefore = GC.GetTotalPauseDuration();
                measuring.Restart();
            }
            var started = Stopwatch.GetTimestamp();
            var profiles = engine.TotalProfiles;
            var result = await engine.IngestRecordAsync(channel, fields).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (i < WarmUpRecords)
            {
                continue;
            }
            histogram.RecordValue(Math.Max(1, (long)(elapsed.TotalMilliseconds * 1_000_000)));
            rejected += result.Accepted ? 0 : 1;
            joined += result.Accepted && engine.TotalProfiles <= profiles ? 1 : 0;
            if (lastReport.Elapsed.TotalSeconds >= 3)
            {
                lastReport.Restart();
                Console.Error.WriteLine($"  measured {i - WarmUpRecords + 1:N0} / {records.Count - WarmUpRecords:N0}, p50 {Micros(histogram, 50)} µs, p99 {Micros(histogram, 99)} µs");
            }
        }
        var seconds = measuring.Elapsed.TotalSeconds;
        var count = histogram.TotalCount;
        var report = new LatencyReport(
            settings.StoreRecords,
            settings.Seed,
            settings.Matching.ToString().ToLowerInvariant(),
            training?.Records ?? 0,
            bulk.RecordsRead,
            profilesBefore,
            bulkSeconds,
            count,
            rejected,
            joined,
            engine.TotalProfiles - profilesBefore,
            seconds,
            count / seconds,
            Micros(histogram, 50),
            Micros(histogram, 90),
            Micros(histogram, 99),
            Micros(histogram, 99.9),
            histogram.GetMaxValue() / 1000.0,
            histogram.GetMean() / 1000.0,
            GC.CollectionCount(0) - gcBefore.Item1,
            GC.CollectionCount(1) - gcBefore.Item2,
            GC.CollectionCount(2) - gcBefore.Item3,
            (GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds,
            BackfillBenchmark.DescribeMachine(),
            DateTimeOffset.UtcNow);
        return (report, histogram);
    }

    private static double Micros(LongHistogram histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) / 1000.0;

    /// <summary>
    /// Reads the held-out files with the engine's own readers and turns each row back into source field → value,
    /// as a host would hand it over; the channels are interleaved in a fixed shuffled order.
    /// </summary>
    private static async Task<List<(string Channel, IReadOnlyDictionary<string, string?> Fields)>> ReadHeldOutAsync(StitcherOptions options, GeneratedChannels heldOut, ulong seed)
    {
        var records = new List<(string, IReadOnlyDictionary<string, string?>)>();
        foreach (var file in heldOut.Files)
        {
            var channelOptions = SyntheticChannelGenerator.OptionsFor(file);
            var source = new ChannelSource(file.Channel, channelOptions, options);
            var sourceOf = new List<(int Attribute, string Source)>();
            foreach (var (attribute, column) in channelOptions.Mapping)
            {
                if (Engine.Schema.CanonicalAttributes.TryParse(attribute, out var canonical))
                {
                    sourceOf.Add(((int)canonical, column));
                }
            }
            await source.Reader.ReadAsync(file.Path, SourcePosition.Start, new Collector(file.Channel, sourceOf, records), finalRead: true, CancellationToken.None).ConfigureAwait(false);
        }
        var random = new Random(unchecked((int)seed));
        var shuffled = records.ToArray();
        random.Shuffle(shuffled);
        return [.. shuffled];
    }

    private sealed class Collector(string channel, List<(int Attribute, string Source)> sourceOf, List<(string, IReadOnlyDictionary<string, string?>)> records) : IRawRecordSink
    {
        public void OnRecord(in RawRecord record)
        {
            var fields = new Dictionary<string, string?>(sourceOf.Count, StringComparer.Ordinal);
            foreach (var (attribute, source) in sourceOf)
            {
                fields[source] = record.Values[attribute];
            }
            records.Add((channel, fields));
        }

        public void OnMalformed(in MalformedRow row)
        {
        }
    }

    private static bool TryParseArguments(string[] args, out LatencySettings settings, out string error)
    {
        settings = new LatencySettings(DefaultStoreRecords, DefaultRecords, DefaultSeed, MatchingMode.Probabilistic, null);
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value.";
                return false;
            }
            var value = args[++i];
            switch (name)
            {
                case "--store-records" when BackfillBenchmark.TryParseCount(value, out var store) && store >= 1000:
                    settings = settings with { StoreRecords = store };
                    break;
                case "--records" when BackfillBenchmark.TryParseCount(value, out var measured) && measured >= 1000:
                    settings = settings with { Records = measured };
                    break;
                case "--seed" when ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seed):
                    settings = settings with { Seed = seed };
                    break;
                case "--matching" when Enum.TryParse<MatchingMode>(value, ignoreCase: true, out var matching) && Enum.IsDefined(matching):
                    settings = settings with { Matching = matching };
                    break;
                case "--keep":
                    settings = settings with { Keep = Path.GetFullPath(value) };
                    break;
                default:
                    error = $"Unknown option or bad value: {name} {value}.";
                    return false;
            }
        }
        return true;
    }
}

internal sealed record LatencySettings(long StoreRecords, long Records, ulong Seed, MatchingMode Matching, string? Keep);

/// <summary>What one latency run measured; latencies in microseconds.</summary>
internal sealed record LatencyReport(
    long RequestedStoreRecords,
    ulong Seed,
    string Matching,
    int TrainingRecords,
    long StoreRecords,
    long StoreProfiles,
    double BulkSeconds,
    long Measured,
    long Rejected,
    long Joined,
    long NewProfiles,
    double Seconds,
    double RecordsPerSecond,
    double P50Micros,
    double P90Micros,
    double P99Micros,
    double P999Micros,
    double MaxMicros,
    double MeanMicros,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    double GcPauseSeconds,
    MachineFigures Machine,
    DateTimeOffset RunAt)
{
    public string ToMarkdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.Append(inv, $"## Single-record latency: {Measured:N0} records into a store of {StoreRecords:N0} records ({StoreProfiles:N0} profiles)").AppendLine().AppendLine();
        md.AppendLine("| Metric | Value |");
        md.AppendLine("|---|---|");
        BackfillReport.Row(md, "Matching", Matching == "probabilistic" ? (FormattableString)$"probabilistic (model trained on {TrainingRecords:N0} records of other people)" : $"{Matching}");
        BackfillReport.Row(md, "Store filled by", $"one `RunOnceAsync` in {BulkSeconds:F1} s");
        BackfillReport.Row(md, "Measured", $"{Measured:N0} `IngestRecordAsync` calls, one at a time, after {2000:N0} warm-up calls; {Seconds:F1} s = {RecordsPerSecond:N0} records/s");
        BackfillReport.Row(md, "Outcome", $"{Joined:N0} joined an existing profile (or merged profiles), {NewProfiles:N0} more profiles in all, {Rejected:N0} rejected");
        BackfillReport.Row(md, "**p50**", $"**{P50Micros:F0} µs**");
        BackfillReport.Row(md, "p90", $"{P90Micros:F0} µs");
        BackfillReport.Row(md, "**p99**", $"**{P99Micros:F0} µs**");
        BackfillReport.Row(md, "p99.9", $"{P999Micros:F0} µs");
        BackfillReport.Row(md, "max", $"{MaxMicros:F0} µs");
        BackfillReport.Row(md, "mean", $"{MeanMicros:F0} µs");
        BackfillReport.Row(md, "GCs while measuring (gen0/1/2)", $"{Gen0Collections:N0} / {Gen1Collections:N0} / {Gen2Collections:N0}, paused {GcPauseSeconds:F2} s in total");
        md.AppendLine();
        md.Append(inv, $"{Machine.Cores} cores ({Machine.Cpu}), {Machine.Os}, {Machine.Runtime}, {Machine.Gc}. Run at {RunAt:yyyy-MM-dd HH:mm} UTC.").AppendLine();
        return md.ToString();
    }
}
