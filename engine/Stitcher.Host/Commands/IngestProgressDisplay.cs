using Serilog;
using Spectre.Console;
using Stitcher.Engine;
using Stitcher.Engine.Pipeline;

namespace Stitcher.Host.Commands;

/// <summary>
/// Progress of a long read: a live bar per file (bytes, records, records/s, rejects, time left) when a person is
/// watching a terminal; a plain log line every few seconds when output goes to a file or a pipe.
/// </summary>
internal static class IngestProgressDisplay
{
    private static readonly TimeSpan s_logEvery = TimeSpan.FromSeconds(5);
    private static readonly ILogger s_log = Log.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "Stitcher.Host.Ingest");

    public static async Task<RunSummary> RunAsync(StitcherEngine engine, Func<Task<RunSummary>> work)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastLog = DateTime.UtcNow;
            engine.Progress = new Callback(progress =>
            {
                if (DateTime.UtcNow - lastLog < s_logEvery)
                {
                    return;
                }
                lastLog = DateTime.UtcNow;
                s_log.Information("Reading {Channel} {File}: {Records} records ({Rate:N0} records/s), {Percent:F0}% of the file, {Rejected} rejected",
                    progress.Channel, Path.GetFileName(progress.File), progress.RecordsRead, Rate(progress), Percent(progress), progress.RecordsRejected);
            });
            return await work().ConfigureAwait(false);
        }

        RunSummary? summary = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                engine.Progress = new Callback(progress =>
                {
                    if (!tasks.TryGetValue(progress.File, out var task))
                    {
                        task = context.AddTask(Markup.Escape(Path.GetFileName(progress.File)), maxValue: Math.Max(progress.FileBytes, 1));
                        tasks[progress.File] = task;
                    }
                    task.Value = progress.BytesRead;
                    task.Description = Markup.Escape(
                        $"{progress.Channel} {Path.GetFileName(progress.File)}: {progress.RecordsRead:N0} records, {Rate(progress):N0}/s, {progress.RecordsRejected:N0} rejected");
                });
                summary = await work().ConfigureAwait(false);
                foreach (var task in tasks.Values)
                {
                    task.Value = task.MaxValue;
                }
            }).ConfigureAwait(false);
        engine.Progress = null;
        return summary!;
    }

    private static double Rate(IngestProgress progress) => progress.RecordsRead / Math.Max(progress.Elapsed.TotalSeconds, 1e-3);

    private static double Percent(IngestProgress progress) => 100.0 * progress.BytesRead / Math.Max(progress.FileBytes, 1);

    private sealed class Callback(Action<IngestProgress> report) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => report(value);
    }
}
