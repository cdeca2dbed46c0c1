using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stitcher.Benchmarks.Backfill;

/// <summary>
/// The machine and runtime a backfill ran on, with the 1-minute load average just before the run (Linux) to tell a
/// busy machine from a slow engine.
/// </summary>
internal sealed record MachineFigures(string Os, string Cpu, int Cores, string Runtime, string Gc, double? LoadAverage);

/// <summary>How the store and the engine were sized for the run.</summary>
internal sealed record SizingFigures(long IndexSizeBytes, long MemorySizeBytes, long PageSizeBytes, int BatchSize, int CheckpointIntervalSeconds);

/// <summary>The generated input.</summary>
internal sealed record GenerationFigures(int Persons, long Rows, long MalformedRows, long Bytes, double Seconds);

/// <summary>Per channel counts of the run.</summary>
internal sealed record ChannelFigures(string Channel, long Rows, long RecordsRead, long RecordsRejected, long FieldsDropped);

/// <summary>What <c>RunOnceAsync</c> did and what it cost.</summary>
internal sealed record IngestFigures(
    long RecordsRead,
    long RecordsRejected,
    long FieldsDropped,
    long RecordsStored,
    long Profiles,
    long ProfilesMerged,
    double OpenSeconds,
    double Seconds,
    double RecordsPerSecond,
    double CpuSeconds,
    long PeakWorkingSetBytes,
    bool PeakWorkingSetCoversIngestOnly,
    long AllocatedBytes,
    long ManagedHeapBytes,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    double GcPauseSeconds,
    double LongestGcPauseSeconds,
    long Checkpoints,
    double CheckpointSeconds);

/// <summary>The model used by the run, trained before it (not measured with it).</summary>
internal sealed record TrainingFigures(ulong Seed, int Records, long CandidatePairs, int EmIterations, double Prior, double Seconds);

/// <summary>How the run linked records: the mode, its model, and how many candidate pairs it scored.</summary>
internal sealed record MatchingFigures(string Mode, bool ModelLoaded, TrainingFigures? Training, long PairsScored, double PairsPerRecord, int OversizedBlocks, long BlocksOverBudget, int ReviewPairs);

/// <summary>The data directory after the run.</summary>
internal sealed record DiskFigures(long Bytes, long LogBytes, long CheckpointBytes, long DeadLetterBytes, double BytesPerRecord);

/// <summary>Everything one backfill measured; written as Markdown and JSON beside BenchmarkDotNet's results.</summary>
internal sealed record BackfillReport(
    long RequestedRecords,
    ulong Seed,
    DateTimeOffset RunAt,
    MachineFigures Machine,
    SizingFigures Sizing,
    GenerationFigures Generation,
    IngestFigures Ingest,
    MatchingFigures Matching,
    IReadOnlyList<ChannelFigures> Channels,
    DiskFigures Disk,
    PairwiseScores Quality,
    double EvaluationSeconds,
    StageFigures Stages)
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public string ToMarkdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var i = Ingest;
        var q = Quality;
        var md = new StringBuilder();
        md.Append(inv, $"## Backfill: {RequestedRecords:N0} records (seed {Seed})").AppendLine().AppendLine();
        md.AppendLine("| Metric | Value |");
        md.AppendLine("|---|---|");
        Row(md, "Input", $"{Generation.Rows:N0} rows of {Generation.Persons:N0} people ({Generation.MalformedRows:N0} malformed), {Bytes(Generation.Bytes)}; generated in {Generation.Seconds:F1} s");
        Row(md, "Records read", $"{i.RecordsRead:N0}");
        Row(md, "Rejected", $"{i.RecordsRejected:N0} (malformed rows and rows without a readable timestamp)");
        Row(md, "Fields dropped", $"{i.FieldsDropped:N0} (invalid email, phone or date of birth; record kept)");
        Row(md, "Records stored", $"{i.RecordsStored:N0}");
        Row(md, "Profiles", $"{i.Profiles:N0} ({i.ProfilesMerged:N0} merges)");
        Row(md, "Elapsed (`RunOnceAsync`)", $"{i.Seconds:F1} s (+ {i.OpenSeconds:F2} s to open the store)");
        Row(md, "Throughput", $"**{i.RecordsPerSecond:N0} records/s**");
        var m = Matching;
        Row(md, "Matching", m.Training is { } t
            ? (FormattableString)$"{m.Mode}: model trained on {t.Records:N0} records of other people (seed {t.Seed}) in {t.Seconds:F1} s, not in the run; {m.PairsScored:N0} pairs scored = **{m.PairsPerRecord:F2} pairs/record**; {m.ReviewPairs:N0} pairs for review; {m.OversizedBlocks:N0} oversized blocks capped; {m.BlocksOverBudget:N0} blocks skipped over the candidate budget"
            : $"{m.Mode}: identifier rules only");
        Row(md, "CPU", $"{i.CpuSeconds:F1} s = {i.CpuSeconds / Math.Max(i.Seconds, 1e-9):F2} cores busy on average");
        Row(md, "Peak working set", $"{Bytes(i.PeakWorkingSetBytes)}{(i.PeakWorkingSetCoversIngestOnly ? "" : " (process lifetime, includes generation)")}");
        Row(md, "Managed allocations", $"{Bytes(i.AllocatedBytes)} = {(double)i.AllocatedBytes / Math.Max(i.RecordsRead, 1):N0} B/record; heap after run {Bytes(i.ManagedHeapBytes)}");
        Row(md, "GCs (gen0/1/2)", $"{i.Gen0Collections:N0} / {i.Gen1Collections:N0} / {i.Gen2Collections:N0}; paused {i.GcPauseSeconds:F1} s in total, longest pause {i.LongestGcPauseSeconds * 1000:N0} ms");
        var rest = i.Seconds - Stages.ParseSeconds - Stages.NormalizeSeconds - i.CheckpointSeconds;
        Row(md, "Where the time goes", $"parse {Stages.ParseSeconds:F1} s, normalize {Stages.NormalizeSeconds:F1} s (both re-timed alone, warm), link + store + JIT warm-up {rest:F1} s, checkpoint {i.CheckpointSeconds:F1} s");
        Row(md, "Checkpoints", $"{i.Checkpoints:N0}, {i.CheckpointSeconds:F1} s in total");
        Row(md, "Data directory", $"{Bytes(Disk.Bytes)} = **{Disk.BytesPerRecord:N0} B/record** (log {Bytes(Disk.LogBytes)}, checkpoints {Bytes(Disk.CheckpointBytes)}, dead letters {Bytes(Disk.DeadLetterBytes)})");
        Row(md, "Pairwise precision", $"{q.Precision:F4} ({q.TruePositivePairs:N0} of {q.PredictedPairs:N0} stitched pairs)");
        Row(md, "Pairwise recall", $"{q.Recall:F4} ({q.TruePositivePairs:N0} of {q.TruePairs:N0} true pairs)");
        Row(md, "Pairwise F1", $"**{q.F1:F4}**");
        Row(md, "Profiles / people", $"{q.Profiles + q.Unstitched:N0} / {q.Persons:N0} (largest profile: {q.LargestProfile:N0} records)");
        Row(md, "Scoring", $"{q.Records:N0} `FindProfileByRecord` look-ups in {EvaluationSeconds:F1} s");
        md.AppendLine();
        md.AppendLine("| Channel | Rows | Read | Rejected | Fields dropped |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var c in Channels)
        {
            md.Append(inv, $"| {c.Channel} | {c.Rows:N0} | {c.RecordsRead:N0} | {c.RecordsRejected:N0} | {c.FieldsDropped:N0} |").AppendLine();
        }
        md.AppendLine();
        md.Append(inv, $"{Machine.Cores} cores ({Machine.Cpu}), {Machine.Os}, {Machine.Runtime}, {Machine.Gc}");
        md.Append(inv, $"{(Machine.LoadAverage is { } load ? string.Create(inv, $", load average {load:F2} before the run") : "")}. ");
        md.Append(inv, $"Store: index {Bytes(Sizing.IndexSizeBytes)}, log memory {Bytes(Sizing.MemorySizeBytes)}, page {Bytes(Sizing.PageSizeBytes)}; ");
        md.Append(inv, $"batch {Sizing.BatchSize:N0}, checkpoint every {Sizing.CheckpointIntervalSeconds} s. Run at {RunAt:yyyy-MM-dd HH:mm} UTC.").AppendLine();
        return md.ToString();
    }

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):F1} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    /// <summary>One "| metric | value |" line of a Markdown table, formatted invariantly.</summary>
    internal static void Row(StringBuilder md, string metric, FormattableString value) =>
        md.Append("| ").Append(metric).Append(" | ").Append(value.ToString(CultureInfo.InvariantCulture)).AppendLine(" |");
}
