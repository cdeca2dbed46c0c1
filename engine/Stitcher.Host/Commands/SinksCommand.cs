using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Delivery;

namespace Stitcher.Host.Commands;

/// <summary>
/// <c>stitcher sinks status | dead-letters --sink NAME | replay --sink NAME</c>: read and act on the sinks' outbox files,
/// which the commands can do while the service runs (they do not open the store).
/// </summary>
internal static class SinksCommand
{
    public static Task<int> StatusAsync(FileInfo? config, CancellationToken cancellationToken) =>
        CommandHost.RunAsync(config, service: false, (host, _) =>
        {
            var options = host.Services.GetRequiredService<IOptions<StitcherOptions>>().Value;
            var data = options.ResolvePath(options.DataDirectory);
            var table = new Table().AddColumns("sink", "cursor", "lag", "lag s", "delivered", "retries", "dead letters", "last error");
            foreach (var (name, sink) in options.Sinks)
            {
                var status = new OutboxFiles(data, name).ReadStatus();
                if (status is null)
                {
                    table.AddRow(Markup.Escape(name), "never ran", "", "", "", "", "", "");
                    Console.WriteLine($"sink: name={name} plugin={sink.Plugin} status=never_ran");
                    continue;
                }
                table.AddRow(
                    Markup.Escape(name),
                    status.Cursor.ToString("N0", CultureInfo.InvariantCulture) + (status.Snapshot ? " (snapshot)" : ""),
                    status.LagChanges.ToString("N0", CultureInfo.InvariantCulture),
                    status.LagSeconds.ToString("F1", CultureInfo.InvariantCulture),
                    status.Delivered.ToString("N0", CultureInfo.InvariantCulture),
                    status.Retries.ToString("N0", CultureInfo.InvariantCulture),
                    status.DeadLetters.ToString("N0", CultureInfo.InvariantCulture),
                    Markup.Escape(status.LastError ?? ""));
                // One plain line per sink for scripts, with what the table leaves out.
                Console.WriteLine($"sink: name={name} plugin={sink.Plugin} purpose={sink.Purpose ?? "-"} cursor={status.Cursor} committed={status.Committed} "
                    + $"lag_changes={status.LagChanges} lag_s={status.LagSeconds.ToString("F1", CultureInfo.InvariantCulture)} snapshot={status.Snapshot} "
                    + $"delivered={status.Delivered} attempts={status.Attempts} retries={status.Retries} dead_letters={status.DeadLetters} "
                    + $"usage={status.Usage ?? "-"} updated={status.UpdatedAt.ToString("o", CultureInfo.InvariantCulture)}");
            }
            AnsiConsole.Write(table);
            return Task.FromResult(ExitCodes.Success);
        }, cancellationToken);

    public static Task<int> DeadLettersAsync(FileInfo? config, string sinkName, CancellationToken cancellationToken) =>
        CommandHost.RunAsync(config, service: false, (host, _) =>
        {
            var files = Files(host, sinkName);
            var letters = OutboxFiles.ReadDeadLetters(files.DeadLettersPath);
            foreach (var letter in letters)
            {
                // One line per dead letter: when, what, and the destination's error code and message.
                Console.WriteLine(string.Join('\t',
                    letter.At.ToString("u", CultureInfo.InvariantCulture), letter.Kind, letter.ProfileId,
                    "v" + letter.Version.ToString(CultureInfo.InvariantCulture), letter.Code, letter.Message.ReplaceLineEndings(" ")));
            }
            Console.Error.WriteLine($"{letters.Count} dead letters for sink {sinkName} ({files.DeadLettersPath})");
            return Task.FromResult(ExitCodes.Success);
        }, cancellationToken);

    public static Task<int> ReplayAsync(FileInfo? config, string sinkName, CancellationToken cancellationToken) =>
        CommandHost.RunAsync(config, service: false, (host, _) =>
        {
            var queued = Files(host, sinkName).QueueDeadLettersForReplay();
            Console.WriteLine(queued == 0
                ? $"sink {sinkName} has no dead letters"
                : $"{queued} dead letters of sink {sinkName} queued: the next run (or the running service) delivers those profiles again as they are then");
            return Task.FromResult(ExitCodes.Success);
        }, cancellationToken);

    private static OutboxFiles Files(Microsoft.Extensions.Hosting.IHost host, string sinkName)
    {
        var options = host.Services.GetRequiredService<IOptions<StitcherOptions>>().Value;
        if (!options.Sinks.ContainsKey(sinkName))
        {
            throw new ConfigurationKeyException("--sink", $"no sink named '{sinkName}' (configured: {string.Join(", ", options.Sinks.Keys)}).");
        }
        return new OutboxFiles(options.ResolvePath(options.DataDirectory), sinkName);
    }
}
