using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Stitcher.Engine;
using Stitcher.Engine.Matching;
using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Host.Commands;

/// <summary><c>stitcher review [--limit N] [--json]</c>: the pairs the model could not decide.</summary>
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
                table.AddRow(review.Probability.ToString("F3"), Markup.Escape(Display(review.RecordA)), Markup.Escape(Display(review.RecordB)), Markup.Escape(Levels(review.Levels)));
            }
            AnsiConsole.Write(table);
            return Task.FromResult(ExitCodes.Success);
        }, cancellationToken);

    /// <summary><c>R|crm|C42</c> → <c>crm:C42</c>.</summary>
    private static string Display(string recordKey) => recordKey.StartsWith("R|", StringComparison.Ordinal)
        ? recordKey[2..].Replace('|', ':')
        : recordKey;

    private static string Levels(string levels)
    {
        var parts = new List<string>(levels.Length);
        for (var f = 0; f < levels.Length; f++)
        {
            var level = (ComparisonLevel)(levels[f] - '0');
            if (level != ComparisonLevel.Missing)
            {
                parts.Add($"{(MatchField)f}={level.ToString().ToLowerInvariant()}");
            }
        }
        return string.Join(' ', parts);
    }
}
