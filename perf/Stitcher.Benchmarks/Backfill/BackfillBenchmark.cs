using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime;
using System.Runtime.InteropServices;
using Stitcher.Engine;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Matching;
using Stitcher.Engine.Pipeline;

namespace Stitcher.Benchmarks.Backfill;

/// <summary>
/// The end-to-end backfill harness, apart from the BenchmarkDotNet micro-benchmarks (as Garnet keeps
/// <c>Resp.benchmark</c> apart from <c>BDN.benchmark</c>): generates about N records in three channels, stitches
/// them with one <see cref="StitcherEngine.RunOnceAsync"/>, and reports throughput, memory, disk and pairwise
/// precision/recall against the generator's truth.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project perf/Stitcher.Benchmarks -- backfill --records N [--seed S] [--keep DIR]</c>.
/// Progress goes to stderr; the Markdown table to stdout and, with a JSON copy, to
/// <c>BenchmarkDotNet.Artifacts/backfill-N.md</c> and <c>.json</c>.
/// </remarks>
internal static class BackfillBenchmark
{
    public const string Command = "backfill";

    private const ulong DefaultSeed = 20_240_601;
    private const int BatchSize = 5000;
    private const long IndexBytesPerRecord = 64;
    private const long MinIndexBytes = 1L << 20;
    private const long MaxIndexBytes = 1L << 30;
    private const long LogBytesPerRecord = 1024;
    private const long MinMemoryBytes = 512L << 20;

    // What --log-memory may ask for: sixteen 4 MiB pages.
    private const long MinLogMemoryOption = 64L << 20;
    private const long MaxMemoryBytes = 8L << 30;
    private const long PageBytes = 4L << 20;
    private const long MaxRecords = 100_000_000;
    private const long DefaultTrainRecords = 100_000;

    private const string Usage = """
        usage: backfill --records N [--seed S] [--keep DIR] [--matching probabilistic|deterministic] [--train-records N]
          --records N        records to generate across the crm, pos and web channels (e.g. 100000, 300k, 1m)
          --seed S           generator seed (default 20240601)
          --keep DIR         generate into DIR (new or empty) and keep input and data directory afterwards
          --matching M       probabilistic (default): train a model on a separate sample first, then stitch with it;
                             deterministic: identifier rules only
          --train-records N  size of the training sample, generated with seed S+1 (default 100k, at most --records)
          --log-memory SIZE  FASTER log memory (e.g. 2g, 256m; at least 64m); default N x 1 KiB, between 512 MiB and 8 GiB.
                             Smaller keeps the process small at 10M and more: older records are then read from disk
          --index-memory SIZE  FASTER hash index (e.g. 512m); default N x 64 B, between 1 MiB and 1 GiB
        """;

    private static readonly TimeSpan s_progressInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_pauseSampleInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(string[] args)
    {
        // A command-line harness: its tables and progress lines read the same everywhere.
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (!TryParseArguments(args, out var records, out var seed, out var keep, out var matching, out var trainRecords, out var logMemory, out var indexMemory, out var error))
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var work = keep ?? Path.Combine(Path.GetTempPath(), "stitcher-backfill-" + Guid.NewGuid().ToString("N"));
        if (Directory.Exists(work) && Directory.EnumerateFileSystemEntries(work).Any())
        {
            Console.Error.WriteLine($"--keep directory '{work}' is not empty; give a new or empty one.");
            return 2;
        }
        try
        {
            var report = await RunAsync(records, seed, work, matching, trainRecords ?? Math.Min(records, DefaultTrainRecords), logMemory, indexMemory).ConfigureAwait(false);
            var markdown = report.ToMarkdown();
            Console.WriteLine(markdown);
            var artifacts = Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts");
            Directory.CreateDirectory(artifacts);
            var name = string.Create(CultureInfo.InvariantCulture, $"backfill-{records}");
            await File.WriteAllTextAsync(Path.Combine(artifacts, name + ".md"), markdown).ConfigureAwait(false);
            await File.WriteAllTextAsync(Path.Combine(artifacts, name + ".json"), report.ToJson()).ConfigureAwait(false);
            Console.Error.WriteLine($"Wrote {Path.Combine(artifacts, name)}.md and .json");
            if (keep is not null)
            {
                Console.Error.WriteLine($"Kept input and data directory in {work}");
            }
            return 0;
        }
        finally
        {
            if (keep is null)
            {
                TryDeleteDirectory(work);
            }
        }
    }

    private static async Task<BackfillReport> RunAsync(long records, ulong seed, string work, MatchingMode matching, long trainRecords, long? logMemory, long? indexMemory)
    {
        Console.Error.WriteLine($"backfill: ~{records:N0} records, seed {seed}, {matching.ToString().ToLowerInvariant()} matching, working in {work}");

        // 1. Input, streamed to disk.
        var generator = new SyntheticChannelGenerator(seed, records);
        var generationWatch = Stopwatch.StartNew();
        var lastReport = Stopwatch.StartNew();
        var generated = generator.Write(Path.Combine(work, "input"), (channel, rows) =>
        {
            if (lastReport.Elapsed >= s_progressInterval)
            {
                lastReport.Restart();
                Console.Error.WriteLine($"  generate: {rows:N0} / ~{records:N0} rows ({channel})");
            }
        });
        generationWatch.Stop();
        var generation = new GenerationFigures(generated.Persons, generated.Rows, generated.MalformedRows, generated.Bytes, generationWatch.Elapsed.TotalSeconds);
        Console.Error.WriteLine($"  generated {generated.Rows:N0} rows of {generated.Persons:N0} people, {BackfillReport.Bytes(generated.Bytes)}, in {generation.Seconds:F1} s");

        var options = BuildOptions(work, generated, records, logMemory, indexMemory);

        // 2. The model, trained without labels on a separate sample (another seed: other people), as a user trains on
        //    an extract before the backfill. Not part of the measured run.
        var training = matching == MatchingMode.Probabilistic
            ? await TrainAsync(options, seed + 1, trainRecords, Path.Combine(work, "training")).ConfigureAwait(false)
            : null;

        // 3. Stitch, measured.
        var machine = DescribeMachine();
        using var logs = new CheckpointTimingLoggerFactory();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var peakCoversIngestOnly = TryResetPeakWorkingSet();
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var gcBefore = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2));
        var pauseBefore = GC.GetTotalPauseDuration();
        var longestPause = TimeSpan.Zero;
        var lastGcBefore = GC.GetGCMemoryInfo(GCKind.Any).Index;

        var openWatch = Stopwatch.StartNew();
        var engine = new StitcherEngine(options, sinks: null, logs);
        openWatch.Stop();
        await using (engine.ConfigureAwait(false))
        {
            var runWatch = Stopwatch.StartNew();
            RunSummary summary;
            using (var stopProgress = new CancellationTokenSource())
            {
                var progress = ReportIngestProgressAsync(engine, generated.Rows, runWatch, () => longestPause = Max(longestPause, LongestPauseSince(lastGcBefore)), stopProgress.Token);
                try
                {
                    summary = await engine.RunOnceAsync().ConfigureAwait(false);
                }
                finally
                {
                    await stopProgress.CancelAsync().ConfigureAwait(false);
                    await progress.ConfigureAwait(false);
                }
            }
            runWatch.Stop();
            longestPause = Max(longestPause, LongestPauseSince(lastGcBefore));

            process.Refresh();
            var ingest = new IngestFigures(
                RecordsRead: summary.RecordsRead,
                RecordsRejected: summary.RecordsRejected,
                FieldsDropped: summary.FieldsDropped,
                RecordsStored: engine.TotalRecords,
                Profiles: engine.TotalProfiles,
                ProfilesMerged: summary.ProfilesMerged,
                OpenSeconds: openWatch.Elapsed.TotalSeconds,
                Seconds: runWatch.Elapsed.TotalSeconds,
                RecordsPerSecond: summary.RecordsRead / runWatch.Elapsed.TotalSeconds,
                CpuSeconds: (process.TotalProcessorTime - cpuBefore).TotalSeconds,
                PeakWorkingSetBytes: process.PeakWorkingSet64,
                PeakWorkingSetCoversIngestOnly: peakCoversIngestOnly,
                AllocatedBytes: GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore,
                ManagedHeapBytes: GC.GetGCMemoryInfo().HeapSizeBytes,
                Gen0Collections: GC.CollectionCount(0) - gcBefore.Gen0,
                Gen1Collections: GC.CollectionCount(1) - gcBefore.Gen1,
                Gen2Collections: GC.CollectionCount(2) - gcBefore.Gen2,
                GcPauseSeconds: (GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds,
                LongestGcPauseSeconds: longestPause.TotalSeconds,
                Checkpoints: logs.Checkpoints,
                CheckpointSeconds: logs.CheckpointTime.TotalSeconds);
            Console.Error.WriteLine($"  stitched {summary.RecordsRead:N0} records into {engine.TotalProfiles:N0} profiles in {ingest.Seconds:F1} s ({ingest.RecordsPerSecond:N0}/s)");

            var disk = MeasureDataDirectory(engine.DataDirectory, summary.RecordsRead);
            var channels = generated.Files
                .Select(f => summary.Channels.TryGetValue(f.Channel, out var c)
                    ? new ChannelFigures(f.Channel, f.Rows, c.RecordsRead, c.RecordsRejected, c.FieldsDropped)
                    : new ChannelFigures(f.Channel, f.Rows, 0, 0, 0))
                .ToArray();

            var matchingFigures = new MatchingFigures(
                matching.ToString().ToLowerInvariant(),
                engine.ProbabilisticMatching,
                training,
                engine.PairsScored,
                (double)engine.PairsScored / Math.Max(summary.RecordsRead, 1),
                engine.OversizedBlocks,
                engine.BlocksOverBudget,
                engine.ListReviews().Count);
            if (matching == MatchingMode.Probabilistic && !engine.ProbabilisticMatching)
            {
                throw new InvalidOperationException($"The engine did not load the trained model at {StitcherEngine.ModelPath(options)}.");
            }

            // 4. Score against the truth column, reading the files again.
            var evaluationWatch = Stopwatch.StartNew();
            var quality = Score(engine, generated);
            evaluationWatch.Stop();

            // 5. Stopwatch breakdown: the front stages alone over the same files.
            Console.Error.WriteLine("  timing parse and normalize alone...");
            var stages = await StageTimings.MeasureAsync(options, generated).ConfigureAwait(false);

            return new BackfillReport(
                records,
                seed,
                DateTimeOffset.UtcNow,
                machine,
                new SizingFigures(options.Store.IndexSizeBytes, options.Store.MemorySizeBytes, options.Store.PageSizeBytes, options.BatchSize, options.CheckpointIntervalSeconds),
                generation,
                ingest,
                matchingFigures,
                channels,
                disk,
                quality,
                evaluationWatch.Elapsed.TotalSeconds,
                stages);
        }
    }

    /// <summary>Generates <paramref name="records"/> training rows of other people and trains the model where the engine will look for it.</summary>
    internal static async Task<TrainingFigures> TrainAsync(StitcherOptions options, ulong seed, long records, string directory)
    {
        Console.Error.WriteLine($"  training: generating ~{records:N0} rows with seed {seed}...");
        var generated = new SyntheticChannelGenerator(seed, records).Write(directory);
        var watch = Stopwatch.StartNew();
        var report = await ModelTraining.TrainAsync(options, generated.Files.Select(f => (f.Channel, f.Path)).ToArray()).ConfigureAwait(false);
        watch.Stop();
        Console.Error.WriteLine($"  trained on {report.Records:N0} records ({report.CandidatePairs:N0} candidate pairs, {report.EmIterations} EM iterations) in {watch.Elapsed.TotalSeconds:F1} s");
        TryDeleteDirectory(directory);
        return new TrainingFigures(seed, report.Records, report.CandidatePairs, report.EmIterations, report.Prior, watch.Elapsed.TotalSeconds);
    }

    /// <summary>Options as a production config would set them, with the store sized for <paramref name="records"/>.</summary>
    internal static StitcherOptions BuildOptions(string work, GeneratedChannels generated, long records, long? logMemory = null, long? indexMemory = null)
    {
        var options = new StitcherOptions
        {
            BaseDirectory = work,
            DataDirectory = "data",
            DefaultRegion = "US",
            // As stitcher.json: POS has no country column, so a domestic Korean number is read as KR when it is not a US one.
            FallbackPhoneRegions = ["KR"],
            BatchSize = BatchSize,
            Rules =
            [
                new IdentifierRuleOptions { Name = "email", Attribute = "email", IgnoreValues = ["noemail@example.com", "test@test.com"] },
                new IdentifierRuleOptions { Name = "phone", Attribute = "phone" },
                new IdentifierRuleOptions { Name = "loyalty", Attribute = "loyalty_id" },
                new IdentifierRuleOptions { Name = "device", Attribute = "device_id" },
            ],
            Store = new StoreOptions
            {
                // A 64-byte FASTER bucket holds 7 entries: one bucket per record leaves room for the record, profile and identifier keys.
                IndexSizeBytes = indexMemory ?? Math.Clamp((long)BitOperations.RoundUpToPowerOf2((ulong)(records * IndexBytesPerRecord)), MinIndexBytes, MaxIndexBytes),
                MemorySizeBytes = logMemory ?? Math.Clamp((long)BitOperations.RoundUpToPowerOf2((ulong)(records * LogBytesPerRecord)), MinMemoryBytes, MaxMemoryBytes),
                PageSizeBytes = PageBytes,
            },
        };
        foreach (var file in generated.Files)
        {
            options.Channels[file.Channel] = SyntheticChannelGenerator.OptionsFor(file);
        }
        return options;
    }

    /// <summary>Prints progress every few seconds, and samples the longest recent GC pause while it is still in the runtime's short history.</summary>
    private static async Task ReportIngestProgressAsync(StitcherEngine engine, long expected, Stopwatch watch, Action samplePauses, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(s_pauseSampleInterval);
        var ticks = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                samplePauses();
                if (++ticks % (int)(s_progressInterval / s_pauseSampleInterval) != 0)
                {
                    continue;
                }
                // TotalRecords is the engine's running counter, read without its lock: good enough for a progress line.
                var stored = engine.TotalRecords;
                Console.Error.WriteLine(
                    $"  ingest: {stored:N0} / ~{expected:N0} records stored, {stored / watch.Elapsed.TotalSeconds:N0}/s, working set {BackfillReport.Bytes(Environment.WorkingSet)}");
            }
        }
        catch (OperationCanceledException)
        {
            // The run finished.
        }
    }

    /// <summary>
    /// The longest pause among the last GC of each kind the runtime remembers (ephemeral, full blocking, background),
    /// counting only GCs after <paramref name="gcIndex"/>. Sampled often, it catches the long (full) pauses.
    /// </summary>
    private static TimeSpan LongestPauseSince(long gcIndex)
    {
        var longest = TimeSpan.Zero;
        foreach (var kind in (ReadOnlySpan<GCKind>)[GCKind.Ephemeral, GCKind.FullBlocking, GCKind.Background])
        {
            var info = GC.GetGCMemoryInfo(kind);
            if (info.Index <= gcIndex)
            {
                continue;
            }
            foreach (var pause in info.PauseDurations)
            {
                longest = Max(longest, pause);
            }
        }
        return longest;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static PairwiseScores Score(StitcherEngine engine, GeneratedChannels generated)
    {
        var quality = new PairwiseQuality(generated.Persons);
        var watch = Stopwatch.StartNew();
        var lastReport = Stopwatch.StartNew();
        long scored = 0;
        foreach (var truth in SyntheticChannelGenerator.ReadTruth(generated))
        {
            quality.Add(engine.FindProfileByRecord(truth.Channel, truth.RecordId)?.Id, truth.Person);
            if (++scored % 4096 == 0 && lastReport.Elapsed >= s_progressInterval)
            {
                lastReport.Restart();
                Console.Error.WriteLine($"  score: {scored:N0} records looked up, {scored / watch.Elapsed.TotalSeconds:N0}/s");
            }
        }
        return quality.Score();
    }

    private static DiskFigures MeasureDataDirectory(string dataDirectory, long records)
    {
        long total = 0;
        long log = 0;
        long checkpoints = 0;
        long deadLetters = 0;
        foreach (var file in new DirectoryInfo(dataDirectory).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(dataDirectory, file.FullName).Replace('\\', '/');
            total += file.Length;
            if (relative.StartsWith("store/checkpoints/", StringComparison.Ordinal))
            {
                checkpoints += file.Length;
            }
            else if (relative.StartsWith("store/", StringComparison.Ordinal))
            {
                log += file.Length;
            }
            else if (relative.StartsWith("dead-letter/", StringComparison.Ordinal))
            {
                deadLetters += file.Length;
            }
        }
        return new DiskFigures(total, log, checkpoints, deadLetters, (double)total / Math.Max(records, 1));
    }

    /// <summary>
    /// Resets the kernel's peak-RSS mark (Linux: <c>/proc/self/clear_refs</c>), so the peak working set read after
    /// the run covers the run and not the generation before it. False where that is not possible.
    /// </summary>
    internal static bool TryResetPeakWorkingSet()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    internal static MachineFigures DescribeMachine()
    {
        var cpu = RuntimeInformation.ProcessArchitecture.ToString();
        if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
        {
            var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(static l => l.StartsWith("model name", StringComparison.Ordinal));
            if (model is not null)
            {
                cpu = model[(model.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }
        var gc = string.Concat(GCSettings.IsServerGC ? "server" : "workstation", " GC, ", GCSettings.LatencyMode.ToString());
        double? load = null;
        if (OperatingSystem.IsLinux() && File.Exists("/proc/loadavg"))
        {
            var text = File.ReadAllText("/proc/loadavg");
            if (double.TryParse(text.AsSpan(0, Math.Max(0, text.IndexOf(' ', StringComparison.Ordinal))), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                load = value;
            }
        }
        return new MachineFigures(RuntimeInformation.OSDescription, cpu, Environment.ProcessorCount, RuntimeInformation.FrameworkDescription, gc, load);
    }

    private static bool TryParseArguments(string[] args, out long records, out ulong seed, out string? keep, out MatchingMode matching, out long? trainRecords, out long? logMemory, out long? indexMemory, out string error)
    {
        logMemory = null;
        indexMemory = null;
        records = 0;
        seed = DefaultSeed;
        keep = null;
        matching = MatchingMode.Probabilistic;
        trainRecords = null;
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
                case "--records" when TryParseCount(value, out records) && records is >= 1 and <= MaxRecords:
                    break;
                case "--records":
                    error = $"--records must be a count between 1 and {MaxRecords:N0} (e.g. 100000, 300k, 1m), not '{value}'.";
                    return false;
                case "--seed" when ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out seed):
                    break;
                case "--seed":
                    error = $"--seed must be a non-negative integer, not '{value}'.";
                    return false;
                case "--keep":
                    keep = Path.GetFullPath(value);
                    break;
                case "--matching" when Enum.TryParse(value, ignoreCase: true, out matching) && Enum.IsDefined(matching):
                    break;
                case "--matching":
                    error = $"--matching must be probabilistic or deterministic, not '{value}'.";
                    return false;
                case "--train-records" when TryParseCount(value, out var train) && train >= 1000:
                    trainRecords = train;
                    break;
                case "--log-memory" when TryParseBytes(value, out var bytes) && bytes >= MinLogMemoryOption && BitOperations.IsPow2(bytes):
                    logMemory = bytes;
                    break;
                case "--log-memory":
                    error = $"--log-memory must be a power of two of at least 64m (e.g. 256m, 2g), not '{value}'.";
                    return false;
                case "--index-memory" when TryParseBytes(value, out var index) && index >= MinIndexBytes && BitOperations.IsPow2(index):
                    indexMemory = index;
                    break;
                case "--index-memory":
                    error = $"--index-memory must be a power of two of at least 1m (e.g. 256m, 512m), not '{value}'.";
                    return false;
                case "--train-records":
                    error = $"--train-records must be a count of at least 1000 (e.g. 100k), not '{value}'.";
                    return false;
                default:
                    error = $"Unknown option '{name}'.";
                    return false;
            }
        }
        if (records == 0)
        {
            error = "--records is required.";
            return false;
        }
        if (trainRecords > records)
        {
            error = "--train-records cannot be more than --records.";
            return false;
        }
        return true;
    }

    private static bool TryParseBytes(string text, out long bytes)
    {
        var digits = text.Trim().ToLowerInvariant();
        var shift = digits.EndsWith('g') ? 30 : digits.EndsWith('m') ? 20 : digits.EndsWith('k') ? 10 : 0;
        if (shift != 0)
        {
            digits = digits[..^1];
        }
        if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out bytes) && bytes <= (1L << 40) >> shift)
        {
            bytes <<= shift;
            return true;
        }
        return false;
    }

    internal static bool TryParseCount(string text, out long count)
    {
        var digits = text.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal).Trim().ToLowerInvariant();
        var multiplier = digits.EndsWith('k') ? 1_000L : digits.EndsWith('m') ? 1_000_000L : 1L;
        if (multiplier != 1)
        {
            digits = digits[..^1];
        }
        if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count <= MaxRecords / multiplier)
        {
            count *= multiplier;
            return true;
        }
        return false;
    }

    internal static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"Could not delete {path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            Console.Error.WriteLine($"Could not delete {path}: {e.Message}");
        }
    }
}

/// <summary>How the backfill links records.</summary>
internal enum MatchingMode
{
    /// <summary>Identifier rules, then the trained Fellegi–Sunter model.</summary>
    Probabilistic,

    /// <summary>Identifier rules only.</summary>
    Deterministic,
}
