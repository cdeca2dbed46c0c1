using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Stitcher.Engine;

namespace Stitcher.Host.Commands;

/// <summary><c>stitcher run [--once]</c>.</summary>
internal static class RunCommand
{
    public static Task<int> ExecuteAsync(FileInfo? config, bool once, CancellationToken cancellationToken) =>
        CommandHost.RunAsync(config, service: !once, async (host, token) =>
        {
            if (!once)
            {
                // Taken before running: RunAsync disposes the host's services when it returns.
                var service = host.Services.GetServices<IHostedService>().OfType<Hosting.StitcherHostedService>().Single();
                await host.RunAsync(token).ConfigureAwait(false);
                // A host may stop for a failed service as for a normal stop: the exit code must say which, or a
                // supervisor's Restart=on-failure never fires.
                if (service.ExecuteTask is not { IsFaulted: true } faulted)
                {
                    return ExitCodes.Success;
                }
                if (Stitcher.Engine.Store.DataDirectoryWriteException.FindWriteRefusal(faulted.Exception) is { } refusal)
                {
                    Serilog.Log.Fatal("{Message}", CommandHost.WriteRefusalMessage(refusal));
                    return ExitCodes.DataDirectoryNotWritable;
                }
                return ExitCodes.Failed;
            }
            await host.StartAsync(token).ConfigureAwait(false);
            var engine = host.Services.GetRequiredService<StitcherEngine>();
            var summary = await IngestProgressDisplay.RunAsync(engine, () => engine.RunOnceAsync(token)).ConfigureAwait(false);
            SummaryReport.Write(summary, engine);
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.For(summary);
        }, cancellationToken);
}

/// <summary><c>stitcher ingest --channel NAME --input FILE</c>.</summary>
internal static class IngestCommand
{
    public static Task<int> ExecuteAsync(FileInfo? config, string channel, FileInfo input, CancellationToken cancellationToken) =>
        CommandHost.RunAsync(config, service: false, async (host, token) =>
        {
            var channels = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Stitcher.Engine.Configuration.StitcherOptions>>().Value.Channels;
            if (!channels.ContainsKey(channel))
            {
                throw new ConfigurationKeyException("--channel", $"no channel '{channel}' is configured; the channels are {string.Join(", ", channels.Keys.Order(StringComparer.Ordinal))}.");
            }
            await host.StartAsync(token).ConfigureAwait(false);
            var engine = host.Services.GetRequiredService<StitcherEngine>();
            var summary = await IngestProgressDisplay.RunAsync(engine, () => engine.IngestFileAsync(channel, input.FullName, token)).ConfigureAwait(false);
            SummaryReport.Write(summary, engine);
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.For(summary);
        }, cancellationToken);
}

internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int InvalidConfiguration = 2;
    /// <summary>Another process owns the data directory; nothing was changed.</summary>
    public const int DataDirectoryInUse = 3;
    /// <summary>Stitched and checkpointed, but a sink dead-lettered changes during the run (see <c>stitcher sinks dead-letters</c>).</summary>
    public const int SinkDeadLetters = 4;
    /// <summary>The store's files are not what its last checkpoint left (a truncated log, a damaged or missing checkpoint); nothing was changed.</summary>
    public const int StoreDamaged = 5;
    /// <summary>
    /// The data directory could not be written: the disk is full, or it is read-only (refused at open). The store keeps
    /// its last checkpoint; the next run resumes from it.
    /// </summary>
    public const int DataDirectoryNotWritable = 6;
    public const int Cancelled = 130;

    /// <summary>A run's exit code: a failed file or source first, then dead letters of a sink.</summary>
    public static int For(Stitcher.Engine.Pipeline.RunSummary summary) =>
        summary.HasFailures ? Failed : summary.SinkDeadLetters > 0 ? SinkDeadLetters : Success;
}
