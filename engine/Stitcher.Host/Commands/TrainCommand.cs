using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Matching;

namespace Stitcher.Host.Commands;

/// <summary><c>stitcher train [--input FILE ...] [--channel NAME]</c>.</summary>
internal static class TrainCommand
{
    public static Task<int> ExecuteAsync(FileInfo? config, FileInfo[] inputs, string? channel, bool apply, CancellationToken cancellationToken) =>
        CommandHost.RunAsync(config, service: false, async (host, token) =>
        {
            var options = host.Services.GetRequiredService<IOptions<StitcherOptions>>().Value;
            var files = Resolve(options, inputs, channel);
            var report = await AnsiConsole.Status().StartAsync("Training…", _ => ModelTraining.TrainAsync(options, files, token));
            var sampled = report.SampledRecords < report.Records ? $" (a sample of {report.SampledRecords:N0} chosen by record key)" : "";
            AnsiConsole.MarkupLine($"Trained on [bold]{report.Records:N0}[/] records{sampled}: {report.CandidatePairs:N0} candidate pairs, "
                + $"{report.RandomPairs:N0} random pairs, {Markup.Escape(report.EmOutcome)}, prior {report.Prior:G3}, "
                + $"{report.Elapsed.TotalSeconds:F2} s.");
            if (!apply)
            {
                AnsiConsole.MarkupLine($"Model saved to [bold]{Markup.Escape(report.ModelPath)}[/]; the engine uses it for new records from its next "
                    + "start. Run [bold]stitcher resolve[/] (or train with --apply) to decide the stored records again with it.");
                return ExitCodes.Success;
            }
            AnsiConsole.MarkupLine($"Model saved to [bold]{Markup.Escape(report.ModelPath)}[/].");
            return await ResolveCoreAsync(host, token).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary><c>stitcher resolve</c>: every stored record decided again with the current model.</summary>
    public static Task<int> ResolveAsync(FileInfo? config, CancellationToken cancellationToken) =>
        CommandHost.RunAsync(config, service: false, ResolveCoreAsync, cancellationToken);

    private static async Task<int> ResolveCoreAsync(Microsoft.Extensions.Hosting.IHost host, CancellationToken token)
    {
        await host.StartAsync(token).ConfigureAwait(false);
        var engine = host.Services.GetRequiredService<Stitcher.Engine.StitcherEngine>();
        if (!engine.ProbabilisticMatching)
        {
            AnsiConsole.MarkupLine("No model in the data directory: run [bold]stitcher train[/] first; nothing was changed.");
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return ExitCodes.Failed;
        }
        var summary = await AnsiConsole.Status().StartAsync("Resolving the stored records…", context =>
            engine.ResolveAllAsync(new Progress<long>(done => context.Status($"Resolving the stored records… {done:N0} profiles"))));
        await engine.DrainSinksAsync(CancellationToken.None).ConfigureAwait(false);
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        AnsiConsole.MarkupLine($"Resolved [bold]{summary.Records:N0}[/] records again: [bold]{summary.ProfilesBefore:N0}[/] profiles before, "
            + $"[bold]{summary.ProfilesAfter:N0}[/] after ({summary.ProfilesCreated:N0} new, {summary.ProfilesMerged:N0} merged away), {summary.Elapsed.TotalSeconds:F2} s.");
        Console.WriteLine($"resolve: records={summary.Records} profiles_before={summary.ProfilesBefore} profiles_after={summary.ProfilesAfter} "
            + $"profiles_created={summary.ProfilesCreated} profiles_merged={summary.ProfilesMerged} elapsed_s={summary.Elapsed.TotalSeconds:F3}");
        return ExitCodes.Success;
    }

    /// <summary>Each input belongs to the channel named by --channel, or to the channel whose configured path holds it.</summary>
    private static List<(string, string)> Resolve(StitcherOptions options, FileInfo[] inputs, string? channel)
    {
        var files = new List<(string, string)>();
        if (inputs.Length == 0)
        {
            foreach (var (name, source) in options.Channels)
            {
                var path = options.ResolvePath(source.Path);
                if (File.Exists(path))
                {
                    files.Add((name, path));
                }
                else if (Directory.Exists(path))
                {
                    foreach (var file in Directory.GetFiles(path, source.Pattern ?? "*"))
                    {
                        files.Add((name, file));
                    }
                }
            }
            return files;
        }
        foreach (var input in inputs)
        {
            if (!input.Exists)
            {
                throw new FileNotFoundException($"Input file '{input.FullName}' does not exist.", input.FullName);
            }
            var owner = channel ?? ChannelOf(options, input.FullName)
                ?? throw new ConfigurationKeyException("--channel", $"'{input.FullName}' is under no configured channel path; name its channel with --channel.");
            files.Add((owner, input.FullName));
        }
        return files;
    }

    private static string? ChannelOf(StitcherOptions options, string file)
    {
        foreach (var (name, source) in options.Channels)
        {
            var path = options.ResolvePath(source.Path);
            if (string.Equals(path, file, StringComparison.Ordinal)
                || (Directory.Exists(path) && file.StartsWith(path.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            {
                return name;
            }
        }
        return null;
    }
}
