using System.CommandLine;

namespace Stitcher.Host.Commands;

/// <summary>The command tree. Every command and option carries the description that <c>--help</c> shows.</summary>
internal static class StitcherCommandLine
{
    public static RootCommand Build()
    {
        var config = new Option<FileInfo?>("--config", "-c")
        {
            Description = "Path to the configuration file (default: ./stitcher.json, else the one beside the executable). "
                + "Environment variables prefixed STITCHER_ override it, e.g. STITCHER_Stitcher__DataDirectory=/var/lib/stitcher.",
            Recursive = true,
            HelpName = "PATH",
        };

        var once = new Option<bool>("--once")
        {
            Description = "Process what the configured sources hold now, print a summary, then exit 0 (instead of running as a service).",
        };
        var run = new Command("run", "Stitch the configured channel sources into golden profiles. Without --once, runs as a service "
            + "(systemd / Windows service aware) that watches the sources until stopped with Ctrl+C or SIGTERM, then checkpoints and exits.")
        {
            once,
        };
        run.SetAction((parse, cancellationToken) => RunCommand.ExecuteAsync(parse.GetValue(config), parse.GetValue(once), cancellationToken));

        var channel = new Option<string>("--channel")
        {
            Description = "The configured channel whose mapping reads the file (e.g. crm).",
            Required = true,
            HelpName = "NAME",
        };
        var input = new Option<FileInfo>("--input", "-i")
        {
            Description = "The CSV or NDJSON file to load, in the channel's format.",
            Required = true,
            HelpName = "FILE",
        };
        var ingest = new Command("ingest", "Bulk-load one file into the store as records of a channel, stitch them, deliver the "
            + "changed profiles to the sinks and print a summary. Re-running it on the same file adds nothing.")
        {
            channel,
            input,
        };
        ingest.SetAction((parse, cancellationToken) => IngestCommand.ExecuteAsync(
            parse.GetValue(config), parse.GetRequiredValue(channel), parse.GetRequiredValue(input), cancellationToken));

        var root = new RootCommand("Stitcher: stitches fragmented customer records from many channels into golden profiles.")
        {
            run,
            ingest,
        };
        root.Options.Add(config);
        return root;
    }
}
