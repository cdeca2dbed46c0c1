using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Stitcher.Engine;
using Stitcher.Engine.Profiles;

namespace Stitcher.Host.Commands;

/// <summary><c>stitcher explain PROFILE_ID | --record CHANNEL:ID [--json]</c>.</summary>
internal static class ExplainCommand
{
    public static Task<int> ExecuteAsync(FileInfo? config, string? profileId, string? record, bool json, CancellationToken cancellationToken) =>
        CommandHost.RunAsync(config, service: false, (host, _) =>
        {
            var engine = host.Services.GetRequiredService<StitcherEngine>();
            ProfileExplanation? explanation;
            if (record is not null)
            {
                var colon = record.IndexOf(':');
                if (colon <= 0)
                {
                    throw new ConfigurationKeyException("--record", $"'{record}' is not CHANNEL:RECORD_ID.");
                }
                explanation = engine.ExplainRecord(record[..colon], record[(colon + 1)..]);
            }
            else if (profileId is not null)
            {
                explanation = engine.Explain(profileId);
            }
            else
            {
                throw new ConfigurationKeyException("explain", "give a PROFILE_ID or --record CHANNEL:RECORD_ID.");
            }
            if (explanation is null)
            {
                Console.Error.WriteLine("explain: no such profile or record.");
                return Task.FromResult(ExitCodes.Failed);
            }
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(explanation, new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                Write(explanation);
            }
            return Task.FromResult(ExitCodes.Success);
        }, cancellationToken);

    private static void Write(ProfileExplanation explanation)
    {
        var profile = explanation.Profile;
        AnsiConsole.MarkupLine($"[bold]Profile {Markup.Escape(profile.Id)}[/]: {profile.Records.Count} records, first seen {profile.FirstSeen:u}, last seen {profile.LastSeen:u}");

        var lineage = new Table().Border(TableBorder.Rounded).Title("Golden attributes and where they came from");
        lineage.AddColumn("Attribute");
        lineage.AddColumn("Value");
        lineage.AddColumn("From record");
        lineage.AddColumn("At");
        foreach (var (name, attribute) in profile.Attributes.OrderBy(static a => a.Key, StringComparer.Ordinal))
        {
            lineage.AddRow(Markup.Escape(name), Markup.Escape(attribute.Value), Markup.Escape($"{attribute.Channel}:{attribute.RecordId}"), attribute.Timestamp.ToString("u"));
        }
        AnsiConsole.Write(lineage);

        var members = new Table().Border(TableBorder.Rounded).Title("Members and the evidence that linked them");
        members.AddColumn("Record");
        members.AddColumn("Source");
        members.AddColumn("Evidence");
        foreach (var member in explanation.Members)
        {
            var evidence = member.Evidence.Count == 0
                ? "founded the profile"
                : string.Join("\n", member.Evidence.Select(Describe));
            members.AddRow(Markup.Escape($"{member.Channel}:{member.RecordId}"), Markup.Escape($"{Path.GetFileName(member.SourceFile)}:{member.SourceLine}"), Markup.Escape(evidence));
        }
        AnsiConsole.Write(members);
    }

    private static string Describe(EvidenceExplanation evidence)
    {
        var target = evidence.OtherRecord is null ? "" : $" with {evidence.OtherRecord}";
        var levels = evidence.Levels is null ? "" : " [" + string.Join(' ', evidence.Levels.Select(static l => $"{l.Key}={l.Value}")) + "]";
        var probability = evidence.Kind == "identifier" ? "" : $" p={evidence.Probability:F3}";
        var value = evidence.Value is null ? "" : $" = {evidence.Value}";
        return $"{evidence.Kind}{target}: {evidence.Reason}{value}{probability}{levels}";
    }
}
