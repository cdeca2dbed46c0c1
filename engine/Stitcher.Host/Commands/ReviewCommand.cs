using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Stitcher.Engine;

namespace Stitcher.Host.Commands;

/// <summary>
/// <c>stitcher review [--limit N] [--json]</c>: the undecided pairs still in different profiles; and the decisions a
/// reviewer makes about two records (<c>review accept|reject</c>, <c>link</c>, <c>unlink</c>).
/// </summary>
internal static class ReviewCommand
{
    public static Task<int> ExecuteAsync(FileInfo? config, int limit, bool json, CancellationToken cancellationToken) =>
        CommandHost.RunAsync(config, service: false, (host, _) =>
        {
            var engine = host.Services.GetRequiredService<StitcherEngine>();
            var reviews = engine.ListReviews(limit);
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(reviews, new JsonSerializerOptions { WriteIndented = true }));
                return Task.FromResult(ExitCodes.Success);
            }
            var table = new Table().Border(TableBorder.Rounded).Title($"[bold]Review queue[/] ({reviews.Count:N0} shown)");
            table.AddColumn(new TableColumn("Probability").RightAligned());
            table.AddColumn("Record A");
            table.AddColumn("Record B");
            table.AddColumn("Agreement per field");
            foreach (var review in reviews)
            {
                table.AddRow(review.Probability.ToString("F3"), Markup.Escape(review.RecordA), Markup.Escape(review.RecordB),
                    Markup.Escape(string.Join(", ", review.Agreement.Select(pair => $"{pair.Key} {pair.Value}"))));
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine("Decide a pair with [bold]stitcher review accept A B[/] (same person) or [bold]stitcher review reject A B[/] (different people).");
            return Task.FromResult(ExitCodes.Success);
        }, cancellationToken);

    /// <summary>Records a reviewer's decision about two records, written CHANNEL:ID, and prints where both ended up.</summary>
    public static Task<int> DecideAsync(FileInfo? config, string recordA, string recordB, bool samePerson, string optionA, string optionB,
        CancellationToken cancellationToken) =>
        CommandHost.RunAsync(config, service: false, async (host, token) =>
        {
            var (channelA, idA) = Split(recordA, optionA);
            var (channelB, idB) = Split(recordB, optionB);
            if (channelA == channelB && idA == idB)
            {
                throw new ConfigurationKeyException(optionB, "a decision is about two different records.");
            }
            await host.StartAsync(token).ConfigureAwait(false);
            var engine = host.Services.GetRequiredService<StitcherEngine>();
            var decided = await engine.DecideAsync(channelA, idA, channelB, idB, samePerson, token).ConfigureAwait(false);
            await engine.DrainSinksAsync(CancellationToken.None).ConfigureAwait(false);
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            if (!decided)
            {
                Console.WriteLine($"no such record: {(engine.FindProfileIdByRecord(channelA, idA) is null ? recordA : recordB)}");
                return ExitCodes.Failed;
            }
            var profileA = engine.FindProfileIdByRecord(channelA, idA);
            var profileB = engine.FindProfileIdByRecord(channelB, idB);
            Console.WriteLine(samePerson
                ? $"linked {recordA} and {recordB}: profile {profileA}"
                : $"separated {recordA} (profile {profileA}) and {recordB} (profile {profileB})");
            return ExitCodes.Success;
        }, cancellationToken);

    private static (string Channel, string Id) Split(string record, string option)
    {
        var colon = record.IndexOf(':');
        if (colon <= 0 || colon == record.Length - 1)
        {
            throw new ConfigurationKeyException(option, $"'{record}' is not CHANNEL:RECORD_ID.");
        }
        return (record[..colon], record[(colon + 1)..]);
    }
}
