using System.Globalization;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using Spectre.Console;
using Stitcher.Engine.Evaluation;

namespace Stitcher.Host.Commands;

/// <summary><c>stitcher evaluate --input FILE.csv --truth COLUMN [--map col=attr ...]</c>.</summary>
internal static class EvaluateCommand
{
    public static async Task<int> ExecuteAsync(FileInfo input, string truth, string[] maps, string region, FileInfo? modelOutput, FileInfo? assignments,
        FileInfo? errors, CancellationToken cancellationToken)
    {
        var serilog = new LoggerConfiguration()
            .MinimumLevel.Warning()
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose)
            .CreateLogger();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddSerilog(serilog, dispose: true));
        try
        {
            var overrides = ParseMaps(maps);
            if (!input.Exists)
            {
                throw new FileNotFoundException($"Input file '{input.FullName}' does not exist.", input.FullName);
            }
            var report = await AnsiConsole.Status().StartAsync("Training the model and deduplicating…", _ =>
                LabelledFileEvaluator.EvaluateAsync(input.FullName, truth, overrides, region, loggerFactory, modelOutput?.FullName, cancellationToken, errors?.FullName));
            Write(report, input.Name);
            if (report.Errors is { } found)
            {
                WriteErrors(found);
                Console.WriteLine("errors: " + errors!.FullName);
            }
            if (assignments is not null)
            {
                await WriteAssignmentsAsync(report, assignments.FullName, cancellationToken);
                Console.WriteLine("assignments: " + assignments.FullName);
            }
            return ExitCodes.Success;
        }
        catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or InvalidDataException)
        {
            Console.Error.WriteLine("evaluate: " + ex.Message);
            return ExitCodes.InvalidConfiguration;
        }
    }

    /// <summary>record_id,entity,profile,profile_records,profile_entities: a wrongly merged record is one whose profile holds more than one entity.</summary>
    /// <summary>False links and missed pairs by kind, the most frequent first.</summary>
    private static void WriteErrors(ErrorSummary errors)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]Errors[/]: {errors.FalsePairs:N0} false pairs, {errors.MissedTotal:N0} missed pairs");
        table.AddColumn("False links: what joined two people");
        table.AddColumn(new TableColumn("Links").RightAligned());
        table.AddColumn("Missed pairs: what the two records share");
        table.AddColumn(new TableColumn("Pairs").RightAligned());
        const int Rows = 12;
        for (var i = 0; i < Math.Min(Rows, Math.Max(errors.FalseLinks.Count, errors.MissedPairs.Count)); i++)
        {
            var (falseKind, falseCount) = i < errors.FalseLinks.Count ? errors.FalseLinks[i] : ("", 0);
            var (missedKind, missedCount) = i < errors.MissedPairs.Count ? errors.MissedPairs[i] : ("", 0);
            table.AddRow(Markup.Escape(falseKind), falseKind.Length == 0 ? "" : falseCount.ToString("N0", CultureInfo.InvariantCulture),
                Markup.Escape(missedKind), missedKind.Length == 0 ? "" : missedCount.ToString("N0", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
    }

    private static async Task WriteAssignmentsAsync(EvaluationReport report, string path, CancellationToken cancellationToken)
    {
        var records = new Dictionary<string, int>(StringComparer.Ordinal);
        var entities = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var a in report.Assignments)
        {
            records[a.Profile] = records.GetValueOrDefault(a.Profile) + 1;
            if (!entities.TryGetValue(a.Profile, out var set))
            {
                entities[a.Profile] = set = new HashSet<string>(StringComparer.Ordinal);
            }
            set.Add(a.Entity);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
        await writer.WriteLineAsync("record_id,entity,profile,profile_records,profile_entities".AsMemory(), cancellationToken);
        foreach (var a in report.Assignments)
        {
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{Csv(a.RecordId)},{Csv(a.Entity)},{Csv(a.Profile)},{records[a.Profile]},{entities[a.Profile].Count}").AsMemory(), cancellationToken);
        }
    }

    private static string Csv(string value) =>
        value.AsSpan().IndexOfAny(',', '"', '\n') < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static Dictionary<string, string> ParseMaps(string[] maps)
    {
        var overrides = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var map in maps)
        {
            var equals = map.IndexOf('=');
            if (equals <= 0 || equals == map.Length - 1)
            {
                throw new ArgumentException($"--map '{map}': expected column=attribute, e.g. --map zip=postcode.");
            }
            overrides[map[..equals].Trim()] = map[(equals + 1)..].Trim();
        }
        return overrides;
    }

    private static void Write(EvaluationReport report, string file)
    {
        var m = report.Metrics;
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]Evaluation of {Markup.Escape(file)}[/]");
        table.AddColumn("Measure");
        table.AddColumn(new TableColumn("Value").RightAligned());
        void Row(string name, string value) => table.AddRow(name, value);
        Row("records (rejected)", $"{report.Records:N0} ({report.Rejected:N0})");
        Row("values kept unverified", report.ValuesUnverified.Count == 0 ? "none"
            : string.Join(", ", report.ValuesUnverified.Select(pair => $"{pair.Key} {pair.Value.ToString("N0", CultureInfo.InvariantCulture)}")));
        Row("true pairs / predicted pairs / correct", $"{m.TruePairs:N0} / {m.PredictedPairs:N0} / {m.CorrectPairs:N0}");
        Row("pairwise precision / recall / F1", $"{m.Precision:F4} / {m.Recall:F4} / {m.F1:F4}");
        Row("B-cubed precision / recall / F1", $"{m.BCubedPrecision:F4} / {m.BCubedRecall:F4} / {m.BCubedF1:F4}");
        Row("largest profile: records / true entities", $"{m.LargestCluster:N0} / {m.LargestClusterEntities:N0}");
        Row("profiles", report.Profiles.ToString("N0", CultureInfo.InvariantCulture));
        Row("candidate pairs scored", report.CandidatePairs.ToString("N0", CultureInfo.InvariantCulture));
        Row("blocking: pairs completeness / reduction ratio", $"{report.Blocking.PairsCompleteness:F4} / {report.Blocking.ReductionRatio:F6}");
        Row("oversized blocks (capped)", report.OversizedBlocks.ToString("N0", CultureInfo.InvariantCulture));
        var t = report.Training;
        Row("training: read / random pairs / candidate pairs / EM", $"{t.ReadTime.TotalSeconds:F2} s / {t.Timings.RandomPairs.TotalSeconds:F2} s / "
            + $"{t.Timings.CandidatePairs.TotalSeconds:F2} s / {t.Timings.Em.TotalSeconds:F2} s ({Markup.Escape(t.EmOutcome)}, {t.Timings.DistinctVectors:N0} vectors)");
        Row("train / link / wall time", $"{report.TrainTime.TotalSeconds:F2} s / {report.LinkTime.TotalSeconds:F2} s / {report.WallTime.TotalSeconds:F2} s");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]mapping: " + Markup.Escape(string.Join(", ", report.Mapping.Select(p => $"{p.Value}→{p.Key}"))) + "[/]");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"precision={m.Precision:F4} recall={m.Recall:F4} f1={m.F1:F4}"));
    }
}
