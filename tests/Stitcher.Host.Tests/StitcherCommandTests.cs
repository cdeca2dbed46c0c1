using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Stitcher.Host.Tests;

/// <summary>The executable end to end: configuration errors, a clean stop and a hard kill.</summary>
public sealed partial class StitcherCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Run_UnknownConfigurationKey_StopsStartNamingTheKey()
    {
        var config = Config();
        config["Stitcher"]!["DataDirectry"] = "elsewhere";
        var configPath = WriteConfig(config);

        var (exitCode, _, stderr) = await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", configPath);

        Assert.Equal(2, exitCode);
        Assert.Contains("DataDirectry", stderr);
    }

    [Theory]
    [InlineData("Mapping", "emial", "Stitcher:Channels:crm:Mapping:emial")]
    [InlineData("Format", null, "Stitcher:Channels:crm:Format")]
    public async Task Run_WrongChannelValue_StopsStartNamingTheKey(string field, string? mappingKey, string expectedKey)
    {
        var config = Config();
        var crm = config["Stitcher"]!["Channels"]!["crm"]!;
        if (mappingKey is null)
        {
            crm[field] = "xml";
        }
        else
        {
            crm[field]![mappingKey] = "email";
        }
        var configPath = WriteConfig(config);

        var (exitCode, _, stderr) = await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", configPath);

        Assert.Equal(2, exitCode);
        Assert.Contains(expectedKey, stderr);
    }

    [Fact]
    public async Task Run_UnknownSinkPlugin_StopsStartNamingTheKey()
    {
        var config = Config();
        config["Stitcher"]!["Sinks"]!["out"]!["Plugin"] = "nosuch";
        var configPath = WriteConfig(config);

        var (exitCode, _, stderr) = await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", configPath);

        Assert.Equal(2, exitCode);
        Assert.Contains("Stitcher:Sinks:out:Plugin", stderr);
    }

    [Fact]
    public async Task ExplainAndDelete_FromTheCommandLine_ShowEvidenceThenRemoveTheRecord()
    {
        var configPath = WriteConfig(Config());
        Directory.CreateDirectory(Path.Combine(_temp.Path, "in"));
        File.WriteAllLines(Path.Combine(_temp.Path, "in", "a.csv"),
        [
            "id,at,email,name",
            "a1,2026-01-01T00:00:00Z,ann@example.org,Ann",
            "a2,2026-01-02T00:00:00Z,ann@example.org,Ann",
        ]);
        Assert.Equal(0, (await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", configPath)).ExitCode);

        var (exitCode, stdout, stderr) = await StitcherProcess.RunAsync(_temp.Path, "explain", "--record", "crm:a2", "--json", "--config", configPath);

        Assert.True(exitCode == 0, stderr);
        var explanation = JsonNode.Parse(stdout)!;
        Assert.Equal(2, explanation["Members"]!.AsArray().Count);
        var evidence = explanation["Members"]!.AsArray().Single(m => (string?)m!["RecordId"] == "a2")!["Evidence"]!.AsArray().Single()!;
        Assert.Equal(("identifier", "email", "crm:a1"), ((string?)evidence["Kind"], (string?)evidence["Rule"], (string?)evidence["OtherRecord"]));

        Assert.Equal(0, (await StitcherProcess.RunAsync(_temp.Path, "delete", "--record", "crm:a1", "--config", configPath)).ExitCode);
        var after = JsonNode.Parse((await StitcherProcess.RunAsync(_temp.Path, "explain", "--record", "crm:a2", "--json", "--config", configPath)).Stdout)!;
        Assert.Single(after["Members"]!.AsArray());
        Assert.Equal(1, CountRows(ProfilesCsv));
    }

    [Fact]
    public async Task RunOnce_WebhookThatCannotBeReached_ExitsFourAndTheSinksCommandsShowAndReplayItsDeadLetters()
    {
        var config = Config();
        // Port 9 (discard) on loopback: nothing listens, every try is refused at once.
        config["Stitcher"]!["Sinks"]!["hook"] = new JsonObject
        {
            ["Plugin"] = "webhook",
            ["MaxAttempts"] = 2,
            ["RetryDelayMilliseconds"] = 1,
            ["Settings"] = new JsonObject { ["Url"] = "http://127.0.0.1:9/hooks", ["Secret"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
        };
        var configPath = WriteConfig(config);
        Directory.CreateDirectory(Path.Combine(_temp.Path, "in"));
        File.WriteAllLines(Path.Combine(_temp.Path, "in", "a.csv"), ["id,at,email,name", "a1,2026-01-01T00:00:00Z,ann@example.org,Ann", "b1,2026-01-02T00:00:00Z,bob@example.org,Bob"]);

        var run = await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", configPath);

        // Stitched and delivered to the CSV sink, but the webhook's changes are dead letters: exit 4.
        Assert.True(run.ExitCode == 4, run.Stdout + run.Stderr);
        Assert.Equal(2, CountRows(ProfilesCsv));
        var status = await StitcherProcess.RunAsync(_temp.Path, "sinks", "status", "--config", configPath);
        Assert.Contains("sink: name=hook plugin=webhook", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("lag_changes=0", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("dead_letters=2", status.Stdout, StringComparison.Ordinal);
        var letters = await StitcherProcess.RunAsync(_temp.Path, "sinks", "dead-letters", "--sink", "hook", "--config", configPath);
        var lines = letters.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.Contains("\tupserted\t", line, StringComparison.Ordinal));
        Assert.All(lines, line => Assert.Contains("Connection refused", line, StringComparison.Ordinal));
        Assert.Equal(2, (await StitcherProcess.RunAsync(_temp.Path, "sinks", "dead-letters", "--sink", "nope", "--config", configPath)).ExitCode);

        var replay = await StitcherProcess.RunAsync(_temp.Path, "sinks", "replay", "--sink", "hook", "--config", configPath);
        Assert.Contains("2 dead letters of sink hook queued", replay.Stdout, StringComparison.Ordinal);
        // Replayed by the next run, and still refused: dead letters again, exit 4 again.
        Assert.Equal(4, (await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", configPath)).ExitCode);
        Assert.Equal(2, (await StitcherProcess.RunAsync(_temp.Path, "sinks", "dead-letters", "--sink", "hook", "--config", configPath)).Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task UnlinkThenLink_FromTheCommandLine_SplitAndJoinTheRecordsAndExplainSaysWhy()
    {
        var configPath = WriteConfig(Config());
        Directory.CreateDirectory(Path.Combine(_temp.Path, "in"));
        File.WriteAllLines(Path.Combine(_temp.Path, "in", "a.csv"),
        [
            "id,at,email,name",
            "a1,2026-01-01T00:00:00Z,ann@example.org,Ann",
            "a2,2026-01-02T00:00:00Z,ann@example.org,Ann",
        ]);
        Assert.Equal(0, (await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", configPath)).ExitCode);

        var (exitCode, stdout, stderr) = await StitcherProcess.RunAsync(_temp.Path, "unlink", "crm:a1", "crm:a2", "--config", configPath);

        Assert.True(exitCode == 0, stderr);
        Assert.StartsWith("separated crm:a1", stdout, StringComparison.Ordinal);
        var apart = JsonNode.Parse((await StitcherProcess.RunAsync(_temp.Path, "explain", "--record", "crm:a2", "--json", "--config", configPath)).Stdout)!;
        var member = Assert.Single(apart["Members"]!.AsArray())!;
        Assert.Contains(member["Evidence"]!.AsArray(), e => (string?)e!["Kind"] == "reviewer" && (string?)e["OtherRecord"] == "crm:a1");
        Assert.Equal(2, CountRows(ProfilesCsv));

        Assert.Equal(0, (await StitcherProcess.RunAsync(_temp.Path, "review", "accept", "crm:a2", "crm:a1", "--config", configPath)).ExitCode);
        var together = JsonNode.Parse((await StitcherProcess.RunAsync(_temp.Path, "explain", "--record", "crm:a2", "--json", "--config", configPath)).Stdout)!;
        Assert.Equal(2, together["Members"]!.AsArray().Count);
        Assert.Equal(1, (await StitcherProcess.RunAsync(_temp.Path, "link", "crm:a1", "crm:zz", "--config", configPath)).ExitCode);
    }

    [Fact]
    public async Task Evaluate_WithAssignments_WritesEachRecordsEntityAndProfile()
    {
        var input = Path.Combine(_temp.Path, "labelled.csv");
        File.WriteAllLines(input,
        [
            "id,first_name,last_name,email,person",
            "a1,Ann,Lee,ann@example.org,p1",
            "a2,Ann,Lee,ann@example.org,p1",
            "b1,Bob,Ray,bob@example.org,p2",
            "c1,Cy,Ng,cy@example.org,p3",
        ]);
        var output = Path.Combine(_temp.Path, "out", "assignments.csv");

        var (exitCode, stdout, stderr) = await StitcherProcess.RunAsync(_temp.Path, "evaluate", "--input", input, "--truth", "person", "--assignments", output);

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("precision=1.0000 recall=1.0000", stdout);
        var rows = File.ReadAllLines(output);
        Assert.Equal("record_id,entity,profile,profile_records,profile_entities", rows[0]);
        var byId = rows.Skip(1).Select(r => r.Split(',')).ToDictionary(c => c[0]);
        Assert.Equal(4, byId.Count);
        Assert.Equal(byId["a1"][2], byId["a2"][2]);
        Assert.Equal(("p1", "2", "1"), (byId["a2"][1], byId["a2"][3], byId["a2"][4]));
        Assert.NotEqual(byId["a1"][2], byId["b1"][2]);
        Assert.Equal(("p2", "1", "1"), (byId["b1"][1], byId["b1"][3], byId["b1"][4]));
    }

    [Fact]
    public async Task Service_SigTerm_FinishesCheckpointsAndResumesWithoutReReading()
    {
        var configPath = WriteConfig(Config());
        WriteRows("a.csv", 0, 3000);
        using (var service = StitcherProcess.Start(_temp.Path, "run", "--config", configPath))
        {
            await WaitForAsync(() => File.Exists(ProfilesCsv) && CountRows(ProfilesCsv) == 3000, service);
            service.Terminate();
            Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }

        var (exitCode, stdout, stderr) = await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", configPath);

        Assert.True(exitCode == 0, stderr);
        var summary = Summary(stdout);
        Assert.Equal(0, summary["read"]);
        Assert.Equal(3000, summary["records_total"]);
    }

    [Fact]
    public async Task SamplePluginOutsideTheSolution_BuiltAndLoadedFromAFolder_RunsWithItsOwnVersionOfADependencyTheHostUses()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Stitcher.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("no Stitcher.sln above the tests");
        }
        // As docs/writing-a-plugin.md says: build the plugin on its own, copy its output into a plugin folder.
        var project = Path.Combine(root, "samples", "plugins", "Stitcher.Sample.NdjsonSink", "Stitcher.Sample.NdjsonSink.csproj");
        var output = Path.Combine(Path.GetDirectoryName(project)!, "bin", "Release", "net10.0");
        var build = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["build", project, "-c", "Release"])
        {
            build.ArgumentList.Add(arg);
        }
        using (var process = System.Diagnostics.Process.Start(build)!)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await stdout);
        }
        var folder = Path.Combine(_temp.Path, "my-plugins", "Stitcher.Sample.NdjsonSink");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(output).Where(f => !Path.GetFileName(f).StartsWith("Stitcher.Plugins.Abstractions", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
        var config = Config();
        config["Stitcher"]!["PluginDirectories"] = new JsonArray(Path.Combine(_temp.Path, "my-plugins"), Path.Combine(AppContext.BaseDirectory, "plugins"));
        config["Stitcher"]!["Sinks"]!["lines"] = new JsonObject { ["Plugin"] = "ndjson-sample", ["Settings"] = new JsonObject { ["path"] = "out/changes.ndjson" } };
        var configPath = WriteConfig(config);
        WriteRows("a.csv", 0, 10);

        var run = await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", configPath);

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var lines = File.ReadAllLines(Path.Combine(_temp.Path, "out", "changes.ndjson"));
        Assert.Equal(10, lines.Length);
        Assert.All(lines, line => Assert.Matches("^\\{\"kind\":\"upserted\",\"key\":\"P[0-9a-f]{16}:\\d+\".*\"xxh64\":\"[0-9a-f]{16}\"\\}$", line));
        // The plugin ran with the System.IO.Hashing it carries (8.0), the host with its own (10.0).
        Assert.Equal("8.0.0.0", File.ReadAllText(Path.Combine(_temp.Path, "out", "changes.ndjson.meta")));
        Assert.Equal(10, typeof(System.IO.Hashing.XxHash64).Assembly.GetName().Version!.Major);
        Assert.Equal(10, CountRows(ProfilesCsv));
    }

    [Fact]
    public async Task Publish_ShipsTheBundledPluginsAndThePublishedHostLoadsThem()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Stitcher.sln")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("no Stitcher.sln above the tests");
        }
        // The configuration these tests were built in (bin/<Configuration>/<tfm>/), so --no-build finds its outputs.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var published = Path.Combine(_temp.Path, "published");
        var publish = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["publish", Path.Combine(root, "engine", "Stitcher.Host", "Stitcher.Host.csproj"), "-c", configuration, "--no-build", "-o", published])
        {
            publish.ArgumentList.Add(arg);
        }
        using (var process = System.Diagnostics.Process.Start(publish)!)
        {
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, output);
        }
        Assert.True(File.Exists(Path.Combine(published, "plugins", "Stitcher.Plugins.Csv", "Stitcher.Plugins.Csv.dll")));
        Assert.True(File.Exists(Path.Combine(published, "plugins", "Stitcher.Plugins.Webhook", "Stitcher.Plugins.Webhook.dll")));
        Assert.True(File.Exists(Path.Combine(published, "plugins", "Stitcher.Plugins.Salesforce", "Stitcher.Plugins.Salesforce.dll")));

        // The published host, with no PluginDirectories configured, finds the CSV sink in its own plugins/.
        var configPath = WriteConfig(Config());
        WriteRows("a.csv", 0, 10);
        var run = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = _temp.Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[Path.Combine(published, "stitcher.dll"), "run", "--once", "--config", configPath])
        {
            run.ArgumentList.Add(arg);
        }
        using (var process = System.Diagnostics.Process.Start(run)!)
        {
            var errors = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, await errors);
        }
        Assert.Equal(10, CountRows(ProfilesCsv));
    }

    [Fact]
    public async Task WrongTypeOrUnknownChannel_ExitTwoNamingTheKeyWithoutAStackTrace()
    {
        var config = Config();
        config["Stitcher"]!["BatchSize"] = "lots";
        var badPath = WriteConfig(config);

        var (exitCode, stdout, stderr) = await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", badPath);

        Assert.Equal(2, exitCode);
        Assert.Contains("'Stitcher:BatchSize' to type 'System.Int32'", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);

        var goodPath = WriteConfig(Config());
        var input = Path.Combine(_temp.Path, "x.csv");
        File.WriteAllText(input, "id,at,email,name\n");
        (exitCode, stdout, stderr) = await StitcherProcess.RunAsync(_temp.Path, "ingest", "--channel", "nope", "--input", input, "--config", goodPath);

        Assert.Equal(2, exitCode);
        Assert.Contains("no channel 'nope' is configured; the channels are crm", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);

        // A misspelt key inside a channel: the message gives its full path.
        var nested = Config();
        nested["Stitcher"]!["Channels"]!["crm"]!["Pathh"] = "in";
        (exitCode, stdout, stderr) = await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", WriteConfig(nested));

        Assert.Equal(2, exitCode);
        Assert.Contains("unknown key Stitcher:Channels:crm:Pathh", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOnce_ConfiguredSourceThatDoesNotExist_ExitsNonZeroAndSaysSo()
    {
        var configPath = WriteConfig(Config());

        var (exitCode, stdout, stderr) = await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", configPath);

        Assert.True(exitCode == 1, $"exit {exitCode}: {stderr}");
        Assert.Equal(1, Summary(stdout)["sources_missing"]);
        Directory.CreateDirectory(Path.Combine(_temp.Path, "in"));
        Assert.Equal(0, (await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", configPath)).ExitCode);
    }

    [Fact]
    public async Task Service_FatalError_ExitsNonZero()
    {
        var config = Config();
        // MaxRecordBytes past the page size, so that the record is not refused first (as it is by default).
        config["Stitcher"]!["MaxRecordBytes"] = 8 << 20;
        var configPath = WriteConfig(config);
        Directory.CreateDirectory(Path.Combine(_temp.Path, "in"));
        // A name of 2 MiB in a store of 1 MiB pages: the write cannot succeed, and the service stops.
        File.WriteAllText(Path.Combine(_temp.Path, "in", "a.csv"), "id,at,email,name\na1,2026-01-01T00:00:00Z,ann@example.org," + new string('x', 2 << 20) + "\n");
        using var service = StitcherProcess.Start(_temp.Path, "run", "--config", configPath);

        var exitCode = await service.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 1, $"exit {exitCode}: {service.StandardError}");
    }

    [Fact]
    public async Task SecondProcessOnOneDataDirectory_StopsAtOnceNamingTheHolderAndLeavesTheStoreAlone()
    {
        var configPath = WriteConfig(Config());
        WriteRows("a.csv", 0, 3000);
        using (var service = StitcherProcess.Start(_temp.Path, "run", "--config", configPath))
        {
            await WaitForAsync(() => File.Exists(ProfilesCsv) && CountRows(ProfilesCsv) == 3000, service);

            var (exitCode, _, stderr) = await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", configPath);

            Assert.Equal(3, exitCode);
            Assert.Contains($"in use by process {service.Id}", stderr, StringComparison.Ordinal);
            service.Terminate();
            Assert.Equal(0, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }
        // The holder's work is whole, and the directory is free again.
        var (again, stdout, againErr) = await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", configPath);
        Assert.True(again == 0, againErr);
        Assert.Equal(3000, Summary(stdout)["records_total"]);
    }

    [Fact]
    public async Task Service_KilledHardMidRun_RestartLosesNothingAndDuplicatesNothing()
    {
        var config = Config(batchSize: 100);
        config["Serilog"] = new JsonObject
        {
            ["MinimumLevel"] = new JsonObject { ["Override"] = new JsonObject { ["Stitcher.Engine.Store"] = "Debug" } },
        };
        var configPath = WriteConfig(config);
        WriteRows("a.csv", 0, Rows);
        using (var service = StitcherProcess.Start(_temp.Path, "run", "--config", configPath))
        {
            // Let it complete a checkpoint (logged once it is durable), so it is mid-way through, then pull the plug.
            await WaitForAsync(() => service.StandardError.Contains("Checkpoint "), service);
            service.KillHard();
            await service.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        WriteRows("b.csv", Rows, 500);

        var (exitCode, stdout, stderr) = await StitcherProcess.RunAsync(_temp.Path, "run", "--once", "--config", configPath);

        Assert.True(exitCode == 0, stderr);
        var summary = Summary(stdout);
        Assert.True(summary["read"] < Rows + 500, "the restart re-read everything instead of resuming from the checkpoint");
        Assert.True(summary["read"] > 500, "the service had finished before the kill; the test proves nothing");
        Assert.Equal(Rows + 500, summary["records_total"]);
        Assert.Equal(Rows + 500, summary["profiles_total"]);
        Assert.Equal(Rows + 500, CountRows(ProfilesCsv));
    }

    private string ProfilesCsv => Path.Combine(_temp.Path, "out", "profiles.csv");

    private const int Rows = 400_000;

    private static JsonObject Config(int batchSize = 500) => new()
    {
        ["Stitcher"] = new JsonObject
        {
            ["DataDirectory"] = "data",
            ["BatchSize"] = batchSize,
            ["CheckpointIntervalSeconds"] = 1,
            ["PollIntervalSeconds"] = 0.2,
            ["Channels"] = new JsonObject
            {
                ["crm"] = new JsonObject
                {
                    ["Path"] = "in",
                    ["Pattern"] = "*.csv",
                    ["Format"] = "csv",
                    ["Mapping"] = new JsonObject
                    {
                        ["record_id"] = "id",
                        ["timestamp"] = "at",
                        ["email"] = "email",
                        ["given_name"] = "name",
                    },
                },
            },
            ["Rules"] = new JsonArray(new JsonObject { ["Name"] = "email", ["Attribute"] = "email" }),
            ["Sinks"] = new JsonObject
            {
                ["out"] = new JsonObject { ["Plugin"] = "csv", ["Settings"] = new JsonObject { ["path"] = "out/profiles.csv" } },
            },
            ["Store"] = new JsonObject { ["IndexSizeBytes"] = 1 << 20, ["MemorySizeBytes"] = 1 << 24, ["PageSizeBytes"] = 1 << 20 },
        },
    };

    private string WriteConfig(JsonObject config)
    {
        var path = Path.Combine(_temp.Path, "stitcher.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    private void WriteRows(string file, int first, int count)
    {
        Directory.CreateDirectory(Path.Combine(_temp.Path, "in"));
        using var writer = new StreamWriter(Path.Combine(_temp.Path, "in", file));
        writer.WriteLine("id,at,email,name");
        for (var i = first; i < first + count; i++)
        {
            writer.WriteLine($"id{i},2026-01-01T00:00:00Z,person{i}@example.org,Name{i}");
        }
    }

    private static int CountRows(string csv)
    {
        try
        {
            return File.ReadLines(csv).Count() - 1;
        }
        catch (IOException)
        {
            return -1;
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, StitcherProcess process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Condition not met in 60 s. stderr:\n" + process.StandardError);
            }
            await Task.Delay(20);
        }
    }

    private static Dictionary<string, double> Summary(string stdout)
    {
        var match = SummaryLine().Match(stdout);
        Assert.True(match.Success, "no summary line in:\n" + stdout);
        var values = new Dictionary<string, double>();
        foreach (var pair in match.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=');
            values[parts[0]] = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        return values;
    }

    [GeneratedRegex("^summary: (.*)$", RegexOptions.Multiline)]
    private static partial Regex SummaryLine();
}
