using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Matching;

namespace Stitcher.Host.Commands;

/// <summary><c>stitcher train [--input FILE ...] [--channel NAME]</c>.</summary>
internal static class TrainCommand
{
    public static Task<int> ExecuteAsync(FileInfo? config, FileInfo[] inputs, string? channel, CancellationToken cancellationToken) =>
        CommandHost.RunAsync(config, service: false, async (host, token) =>
        {
            var options = host.Services.GetRequiredService<IOptions<StitcherOptions>>().Value;
            var files = Resolve(options, inputs, channel);
            var report = await AnsiConsole.Status().StartAsync("Training…", _ => ModelTraining.TrainAsync(options, files, token));
            AnsiConsole.MarkupLine($"Trained on [bold]{report.Records:N0}[/] records: {report.CandidatePairs:N0} candidate pairs, "
                + $"{report.RandomPairs:N0} random pairs, {Markup.Escape(report.EmOutcome)}, prior {report.Prior:G3}, "
                + $"{report.Elapsed.TotalSeconds:F2} s.");
            AnsiConsole.MarkupLine($"Model saved to [bold]{Markup.Escape(report.ModelPath)}[/]; the engine uses it from its next start.");
            return ExitCodes.Success;
        }, cancellationToken);

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
