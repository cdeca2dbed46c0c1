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

        var trainInputs = new Option<FileInfo[]>("--input", "-i")
        {
            Description = "Channel files to train on (default: every file of every configured channel). Each belongs to the channel "
                + "whose configured path holds it, or to --channel.",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "FILE",
        };
        var trainChannel = new Option<string?>("--channel")
        {
            Description = "The channel whose mapping reads every --input file.",
            HelpName = "NAME",
        };
        var trainApply = new Option<bool>("--apply")
        {
            Description = "Then resolve every stored record again with the new model, as stitcher resolve does.",
        };
        var train = new Command("train", "Estimate the probabilistic matching model (Fellegi–Sunter: u from random pairs, m by EM, "
            + "no labels) from channel files and save it as readable JSON in the data directory, where the engine picks it up.")
        {
            trainInputs,
            trainChannel,
            trainApply,
        };
        train.SetAction((parse, cancellationToken) => TrainCommand.ExecuteAsync(
            parse.GetValue(config), parse.GetValue(trainInputs) ?? [], parse.GetValue(trainChannel), parse.GetValue(trainApply), cancellationToken));

        var resolve = new Command("resolve", "Resolve every stored record again with the current model (after stitcher train): match "
            + "evidence is scored anew and every profile is decided again, as a fresh ingest with the model would; identifier links and "
            + "reviewer decisions stay. Sinks and the change log hear of every profile that changed.");
        resolve.SetAction((parse, cancellationToken) => TrainCommand.ResolveAsync(parse.GetValue(config), cancellationToken));

        var evaluateInput = new Option<FileInfo>("--input", "-i")
        {
            Description = "A labelled CSV file to deduplicate.",
            Required = true,
            HelpName = "FILE.csv",
        };
        var truth = new Option<string>("--truth")
        {
            Description = "The column holding the true entity id; it is never used for matching or training.",
            Required = true,
            HelpName = "COLUMN",
        };
        var maps = new Option<string[]>("--map")
        {
            Description = "Map a column onto a canonical attribute, overriding the automatic mapping by name and alias "
                + "(e.g. --map zip=postcode --map soc_sec_id=national_id).",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "COLUMN=ATTRIBUTE",
        };
        var region = new Option<string>("--region")
        {
            Description = "Default phone region of the file.",
            DefaultValueFactory = _ => "US",
            HelpName = "REGION",
        };
        var modelOutput = new Option<FileInfo?>("--model-out")
        {
            Description = "Also save the model trained on the file (readable JSON), to see what it learned.",
            HelpName = "PATH",
        };
        var errorsOutput = new Option<FileInfo?>("--errors")
        {
            Description = "Write every false merge (the link that joined two people and its evidence) and every missed true pair (what its two "
                + "records share exactly) to this NDJSON file, and print both by kind.",
            HelpName = "FILE",
        };
        var assignmentsOutput = new Option<FileInfo?>("--assignments")
        {
            Description = "Also write one CSV row per record: record_id, its true entity, the profile it was stitched into, "
                + "and whether that profile mixes entities, to find which records were wrongly merged or left apart.",
            HelpName = "PATH",
        };
        var evaluate = new Command("evaluate", "Deduplicate a labelled CSV file in a fresh temporary store (model trained on the file "
            + "without its labels, then the engine's online linking) and print pairwise and B-cubed precision, recall and F1, "
            + "candidate pairs and wall time. The last line reads: precision=… recall=… f1=…")
        {
            evaluateInput,
            truth,
            maps,
            region,
            modelOutput,
            assignmentsOutput,
            errorsOutput,
        };
        evaluate.SetAction((parse, cancellationToken) => EvaluateCommand.ExecuteAsync(
            parse.GetRequiredValue(evaluateInput), parse.GetRequiredValue(truth), parse.GetValue(maps) ?? [], parse.GetValue(region)!, parse.GetValue(modelOutput),
            parse.GetValue(assignmentsOutput), parse.GetValue(errorsOutput), cancellationToken));

        var limit = new Option<int>("--limit")
        {
            Description = "Show at most this many pairs, most probable first.",
            DefaultValueFactory = _ => 50,
            HelpName = "N",
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print the pairs as JSON for machines.",
        };
        var review = new Command("review", "List the review queue: record pairs whose match probability fell between the review "
            + "and link thresholds, or that scored high but conflict (different given names in one household), with how each field agreed.")
        {
            limit,
            json,
        };
        review.SetAction((parse, cancellationToken) => ReviewCommand.ExecuteAsync(parse.GetValue(config), parse.GetValue(limit), parse.GetValue(json), cancellationToken));
        review.Subcommands.Add(DecisionCommand(config, "accept", "The two records are the same person: link them, whatever the evidence says, in every later resolution.", true));
        review.Subcommands.Add(DecisionCommand(config, "reject", "The two records are different people: keep them apart, however they are linked, in every later resolution.", false));

        var profileArgument = new Argument<string?>("PROFILE_ID")
        {
            Description = "The profile to explain (a retired id resolves to the profile that absorbed it).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var recordOption = new Option<string?>("--record")
        {
            Description = "Explain the profile holding this record instead, written CHANNEL:RECORD_ID (e.g. crm:C5001).",
            HelpName = "CHANNEL:ID",
        };
        var explainJson = new Option<bool>("--json")
        {
            Description = "Print the explanation as JSON for machines.",
        };
        var explain = new Command("explain", "Explain a golden profile: its member records, the evidence that linked each (identifier "
            + "rule, or match probability with each field's agreement), links refused by the over-merge guards, and where every golden attribute came from.")
        {
            profileArgument,
            recordOption,
            explainJson,
        };
        explain.SetAction((parse, cancellationToken) => ExplainCommand.ExecuteAsync(
            parse.GetValue(config), parse.GetValue(profileArgument), parse.GetValue(recordOption), parse.GetValue(explainJson), cancellationToken));

        var deleteRecord = new Option<string>("--record")
        {
            Description = "The record to delete, written CHANNEL:RECORD_ID.",
            Required = true,
            HelpName = "CHANNEL:ID",
        };
        var delete = new Command("delete", "Delete one channel record from the store. Its profile is re-evaluated: it splits where the "
            + "record held it together, or is deleted with its last record; sinks and the change log are told.")
        {
            deleteRecord,
        };
        delete.SetAction((parse, cancellationToken) => DeleteCommand.ExecuteAsync(parse.GetValue(config), parse.GetRequiredValue(deleteRecord), cancellationToken));

        var sinks = new Command("sinks", "The sinks' outboxes: delivery status, dead letters, and replaying them. Reads the outbox files, "
            + "so it works while the service runs.");
        var sinksStatus = new Command("status", "Per sink: cursor, lag in changes and seconds, deliveries, tries, retries, dead letters, last error and the destination's quota use.");
        sinksStatus.SetAction((parse, cancellationToken) => SinksCommand.StatusAsync(parse.GetValue(config), cancellationToken));
        sinks.Subcommands.Add(sinksStatus);
        sinks.Subcommands.Add(SinkCommand(config, "dead-letters", "One line per dead letter of a sink: when, the change, and the destination's error code and message.",
            SinksCommand.DeadLettersAsync));
        sinks.Subcommands.Add(SinkCommand(config, "replay", "Queue a sink's dead letters to be delivered again (each profile as it is then) by the next run or the running service.",
            SinksCommand.ReplayAsync));

        var root = new RootCommand("Stitcher: stitches fragmented customer records from many channels into golden profiles.")
        {
            sinks,
            run,
            ingest,
            train,
            resolve,
            evaluate,
            review,
            DecisionCommand(config, "link", "Link two records by hand (the same person); as review accept.", true),
            DecisionCommand(config, "unlink", "Keep two records apart by hand (different people); as review reject.", false),
            explain,
            delete,
        };
        root.Options.Add(config);
        return root;
    }

    /// <summary>A <c>sinks</c> subcommand about one sink, named by <c>--sink</c>.</summary>
    private static Command SinkCommand(Option<FileInfo?> config, string name, string description, Func<FileInfo?, string, CancellationToken, Task<int>> action)
    {
        var sink = new Option<string>("--sink") { Description = "The configured sink's name (Sinks:<name>).", Required = true };
        var command = new Command(name, description) { sink };
        command.SetAction((parse, cancellationToken) => action(parse.GetValue(config), parse.GetRequiredValue(sink), cancellationToken));
        return command;
    }

    /// <summary>A command that records a reviewer's decision about two records given as arguments.</summary>
    private static Command DecisionCommand(Option<FileInfo?> config, string name, string description, bool samePerson)
    {
        var recordA = new Argument<string>("RECORD_A") { Description = "The first record, written CHANNEL:RECORD_ID (e.g. crm:C5670)." };
        var recordB = new Argument<string>("RECORD_B") { Description = "The second record, written CHANNEL:RECORD_ID." };
        var command = new Command(name, description + " Kept in the store, through restarts and re-training; shown by explain.")
        {
            recordA,
            recordB,
        };
        command.SetAction((parse, cancellationToken) => ReviewCommand.DecideAsync(parse.GetValue(config), parse.GetRequiredValue(recordA),
            parse.GetRequiredValue(recordB), samePerson, "RECORD_A", "RECORD_B", cancellationToken));
        return command;
    }
}
