using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Stitcher.Host.Tests;

/// <summary>
/// Kills the real <c>stitcher</c> service with SIGKILL at random points of a backfill, restarting it each time, and
/// compares what it ends with (the sink's profiles, the dead letters, the totals) with one clean run of the same files.
/// A short campaign runs in CI; <c>STITCHER_CRASH_KILLS=20</c> runs a long one.
/// </summary>
public sealed class CrashHarnessTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    // Enough rows that every kill comes before the service has read them all.
    private int _rows = 120_000;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ServiceKilledAtRandomPoints_EndsWithWhatOneCleanRunGives()
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("STITCHER_CRASH_KILLS"), out var n) && n > 0 ? n : 3;
        _rows = Math.Max(_rows, kills * 40_000);
        var clean = Prepare("clean");
        var crashed = Prepare("crashed");

        var cleanRun = await StitcherProcess.RunAsync(clean, "run", "--once", "--config", Path.Combine(clean, "stitcher.json"));
        Assert.True(cleanRun.ExitCode == 0, cleanRun.Stderr);

        var random = new Random(20261204);
        for (var k = 0; k < kills; k++)
        {
            using var service = StitcherProcess.Start(crashed, "run", "--config", Path.Combine(crashed, "stitcher.json"));
            // Start-up takes about a second: kill somewhere from the first checkpoints on (one a second).
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(1500, 4000)));
            var before = File.Exists(Path.Combine(crashed, "out", "profiles.csv")) ? new FileInfo(Path.Combine(crashed, "out", "profiles.csv")).Length : 0;
            service.KillHard();
            await service.WaitForExitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine($"kill {k + 1}: profiles.csv {before:N0} bytes at the kill");
        }
        var finalRun = await StitcherProcess.RunAsync(crashed, "run", "--once", "--config", Path.Combine(crashed, "stitcher.json"));
        Assert.True(finalRun.ExitCode == 0, finalRun.Stderr);
        output.WriteLine($"{kills} SIGKILLs, then run --once; summary: {Line(finalRun.Stdout)}");

        Assert.Equal(Totals(cleanRun.Stdout), Totals(finalRun.Stdout));
        Assert.Equal(File.ReadAllText(Path.Combine(clean, "out", "profiles.csv")), File.ReadAllText(Path.Combine(crashed, "out", "profiles.csv")));
        Assert.Equal(DeadLetters(clean), DeadLetters(crashed));
        // The campaign proves something only if the service was still reading when it was killed, and had made progress.
        var read = long.Parse(Line(finalRun.Stdout).Split(' ').Single(f => f.StartsWith("read=", StringComparison.Ordinal))["read=".Length..]);
        Assert.True(read > 0, "the service had read everything before the last kill");
        Assert.True(read < _rows, "the service made no progress between the kills");
    }

    /// <summary>A folder with the channel file (namesakes sharing emails, so that profiles merge; some rows without a time) and its configuration.</summary>
    private string Prepare(string name)
    {
        var directory = Path.Combine(_temp.Path, name);
        Directory.CreateDirectory(Path.Combine(directory, "in"));
        using (var writer = new StreamWriter(Path.Combine(directory, "in", "a.csv")))
        {
            writer.WriteLine("id,at,email,name");
            for (var i = 0; i < _rows; i++)
            {
                var at = i % 997 == 5 ? "not a date" : $"2026-01-{1 + (i % 28):D2}T10:00:00Z";
                writer.WriteLine($"id{i},{at},person{i % (_rows / 3)}@example.org,Name{i % 500}");
            }
        }
        var config = new JsonObject
        {
            ["Stitcher"] = new JsonObject
            {
                ["DataDirectory"] = "data",
                ["BatchSize"] = 500,
                ["CheckpointIntervalSeconds"] = 1,
                ["PollIntervalSeconds"] = 0.2,
                ["Channels"] = new JsonObject
                {
                    ["crm"] = new JsonObject
                    {
                        ["Path"] = "in",
                        ["Pattern"] = "*.csv",
                        ["Mapping"] = new JsonObject { ["record_id"] = "id", ["timestamp"] = "at", ["email"] = "email", ["given_name"] = "name" },
                    },
                },
                ["Rules"] = new JsonArray(new JsonObject { ["Name"] = "email", ["Attribute"] = "email", ["MaxPeople"] = 0 }),
                ["Sinks"] = new JsonObject
                {
                    ["out"] = new JsonObject { ["Plugin"] = "csv", ["Settings"] = new JsonObject { ["path"] = "out/profiles.csv", ["changes"] = "none" } },
                },
                ["Store"] = new JsonObject { ["IndexSizeBytes"] = 1 << 22, ["MemorySizeBytes"] = 1 << 26, ["PageSizeBytes"] = 1 << 22 },
            },
        };
        File.WriteAllText(Path.Combine(directory, "stitcher.json"), config.ToJsonString());
        return directory;
    }

    private static string Line(string stdout) => stdout.Split('\n').LastOrDefault(l => l.StartsWith("summary:", StringComparison.Ordinal)) ?? "";

    /// <summary>The totals the store ends with (not what this one run read).</summary>
    private static string Totals(string stdout) =>
        string.Join(' ', Line(stdout).Split(' ').Where(f => f.StartsWith("profiles_total=", StringComparison.Ordinal) || f.StartsWith("records_total=", StringComparison.Ordinal)));

    /// <summary>Every dead letter without the time it was written: each row once, whatever was read again after a kill.</summary>
    private static List<string> DeadLetters(string directory) =>
        [.. Directory.GetFiles(Path.Combine(directory, "data", "dead-letter"), "*.ndjson")
            .SelectMany(File.ReadAllLines)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .Select(entry =>
            {
                entry.Remove("at");
                entry.Remove("file");
                return entry.ToJsonString(new JsonSerializerOptions());
            })
            .Order(StringComparer.Ordinal)];
}
