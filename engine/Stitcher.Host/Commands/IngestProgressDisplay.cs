using Serilog;
using Spectre.Console;
using Stitcher.Engine;
using Stitcher.Engine.Pipeline;

namespace Stitcher.Host.Commands;

/// <summary>
/// A live progress bar (bytes, records, records/s, rejects, time left) when a person is watching a terminal;
/// a plain log line every few seconds when output goes to a file or a pipe.
/// </summary>
internal static class IngestProgressDisplay
{
    private static readonly TimeSpan s_logEvery = TimeSpan.FromSeconds(5);
    private static readonly ILogger s_log = Log.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "Stitcher.Host.Ingest");

    public static async Task<RunSummary> RunAsync(StitcherEngine engine, FileInfo input, Func<Task<RunSummary>> ingest)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastLog = TimeSpan.Zero;
            engine.Progress = new Callback(progress =>
            {
                if (progress.Elapsed - lastLog < s_logEvery)
                {
                    return;
                }
                lastLog = progress.Elapsed;
                s_log.Information("Ingest {Channel}: {Records} records ({Rate:N0} records/s), {Percent:F0}% of the file, {Rejected} rejected",
                    progress.Channel, progress.RecordsRead, Rate(progress), Percent(progress), progress.RecordsRejected);
            });
            return await ingest().ConfigureAwait(false);
        }

        RunSummary? summary = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(input.Name), maxValue: Math.Max(input.Length, 1));
                engine.Progress = new Callback(progress =>
                {
                    task.Value = progress.BytesRead;
                    task.Description = Markup.Escape(
                        $"{input.Name}: {progress.RecordsRead:N0} records, {Rate(progress):N0}/s, {progress.RecordsRejected:N0} rejected");
                });
                summary = await ingest().ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return summary!;
    }

    private static double Rate(IngestProgress progress) => progress.RecordsRead / Math.Max(progress.Elapsed.TotalSeconds, 1e-3);

    private static double Percent(IngestProgress progress) => 100.0 * progress.BytesRead / Math.Max(progress.FileBytes, 1);

    private sealed class Callback(Action<IngestProgress> report) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => report(value);
    }
}
