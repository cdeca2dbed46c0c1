using Spectre.Console;
using Stitcher.Engine;
using Stitcher.Engine.Pipeline;

namespace Stitcher.Host.Commands;

/// <summary>The table a person reads at the end of a run.</summary>
internal static class SummaryReport
{
    public static void Write(RunSummary summary, StitcherEngine engine)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Stitcher run[/]");
        table.AddColumn("Channel");
        table.AddColumn(new TableColumn("Files").RightAligned());
        table.AddColumn(new TableColumn("Read").RightAligned());
        table.AddColumn(new TableColumn("Rejected").RightAligned());
        table.AddColumn(new TableColumn("Fields dropped").RightAligned());
        table.AddColumn(new TableColumn("Unchanged").RightAligned());
        foreach (var (name, channel) in summary.Channels)
        {
            table.AddRow(Markup.Escape(name), channel.Files.ToString("N0"), channel.RecordsRead.ToString("N0"),
                channel.RecordsRejected.ToString("N0"), channel.FieldsDropped.ToString("N0"), channel.RecordsUnchanged.ToString("N0"));
        }
        table.AddRow("[bold]total[/]", "", $"[bold]{summary.RecordsRead:N0}[/]", $"[bold]{summary.RecordsRejected:N0}[/]",
            $"[bold]{summary.FieldsDropped:N0}[/]", $"[bold]{summary.RecordsUnchanged:N0}[/]");
        AnsiConsole.Write(table);

        var seconds = Math.Max(summary.Elapsed.TotalSeconds, 1e-6);
        AnsiConsole.MarkupLine(
            $"Profiles created [bold]{summary.ProfilesCreated:N0}[/], merged [bold]{summary.ProfilesMerged:N0}[/]; "
            + $"store holds [bold]{summary.TotalRecords:N0}[/] records in [bold]{summary.TotalProfiles:N0}[/] golden profiles.");
        AnsiConsole.MarkupLine($"Time [bold]{summary.Elapsed.TotalSeconds:F2} s[/] ({summary.RecordsRead / seconds:N0} records/s). Data: {Markup.Escape(engine.DataDirectory)}");
        if (summary.SourcesMissing > 0)
        {
            AnsiConsole.MarkupLine($"[red]{summary.SourcesMissing:N0} configured source(s) do not exist[/]: see the warnings above (Channels:<name>:Path).");
        }
        if (summary.FilesFailed > 0)
        {
            AnsiConsole.MarkupLine($"[red]{summary.FilesFailed:N0} file(s) could not be read[/]: see the log above and the dead-letter files.");
        }
        if (summary.RecordsRejected > 0 || summary.FieldsDropped > 0)
        {
            AnsiConsole.MarkupLine($"Rejected rows and dropped fields are in {Markup.Escape(Path.Combine(engine.DataDirectory, "dead-letter"))}.");
        }
        var unverified = summary.ValuesUnverified;
        if (unverified.Count > 0)
        {
            AnsiConsole.MarkupLine("Values kept unverified (normalized, compared like any other): "
                + string.Join(", ", unverified.Select(pair => $"{Markup.Escape(pair.Key)} [bold]{pair.Value:N0}[/]")) + ".");
        }
        foreach (var sink in summary.Sinks)
        {
            var state = sink.LagChanges == 0 ? "[green]drained[/]" : $"[red]{sink.LagChanges:N0} changes behind[/]";
            AnsiConsole.MarkupLine($"Sink [bold]{Markup.Escape(sink.Sink)}[/]: {state}, {sink.Delivered:N0} changes delivered so far"
                + (sink.DeadLetters > 0 ? $", [red]{sink.DeadLetters:N0} dead letters[/] (stitcher sinks dead-letters --sink {Markup.Escape(sink.Sink)})" : "")
                + (sink.LastError is { } error ? $"; last error: {Markup.Escape(error)}" : "") + ".");
        }
        // One plain line for scripts and CI logs; an unverified_<attribute> count per attribute that had any.
        Console.WriteLine(
            $"summary: read={summary.RecordsRead} files_failed={summary.FilesFailed} sources_missing={summary.SourcesMissing} rejected={summary.RecordsRejected} fields_dropped={summary.FieldsDropped} "
            + $"profiles_created={summary.ProfilesCreated} profiles_merged={summary.ProfilesMerged} profiles_total={summary.TotalProfiles} "
            + $"records_total={summary.TotalRecords} identifiers_disabled={summary.IdentifiersDisabled} elapsed_s={summary.Elapsed.TotalSeconds:F3}"
            + string.Concat(unverified.Select(pair => $" unverified_{pair.Key}={pair.Value}")));
    }
}
