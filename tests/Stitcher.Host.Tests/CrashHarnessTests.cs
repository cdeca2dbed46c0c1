using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Stitcher.Host.Tests;

/// <summary>
/// Kills the real <c>stitcher</c> service with SIGKILL at random points of a backfill, restarting it each time, and
/// compares what it ends with (the sink's profiles, the change log it was delivered, the dead letters, the totals) with
/// one clean run of the same files.
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
        AssertChangeLogsAgree(clean, crashed);
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
        ServiceTestConfig.Write(directory, "out/changes", 1 << 22);
        return directory;
    }

    /// <summary>
    /// The change log the sink was delivered (the CSV sink's change files, in name order, which is delivery order). What
    /// must hold after kills, where the work after the last checkpoint was done again and delivery is at least once: a
    /// version delivered again carries the same content; each profile ends on the highest version it was ever delivered
    /// (none lost, none going back); the profiles whose last change is an upsert are exactly those of profiles.csv, with
    /// the same content, and the same as after the clean run; and a retired profile id found in both runs leads, through
    /// its survivors, to the same final profile (this data only merges: nothing is deleted or split). Version numbers, and
    /// which short-lived ids a sink heard of, may differ between the runs: versions are change sequence numbers, work done
    /// again after a kill may be numbered differently, and the sink hears of changes at other checkpoints.
    /// </summary>
    private void AssertChangeLogsAgree(string clean, string crashed)
    {
        var cleanFinal = FinalChanges(clean);
        var crashedFinal = FinalChanges(crashed);
        var cleanLive = cleanFinal.Where(c => c.Value.Kind == "upserted").ToDictionary(c => c.Key, c => c.Value.Content);
        var crashedLive = crashedFinal.Where(c => c.Value.Kind == "upserted").ToDictionary(c => c.Key, c => c.Value.Content);
        Assert.Equal(cleanLive.OrderBy(c => c.Key, StringComparer.Ordinal), crashedLive.OrderBy(c => c.Key, StringComparer.Ordinal));
        var retiredInBoth = 0;
        foreach (var (id, change) in crashedFinal)
        {
            if (change.Kind != "upserted" && cleanFinal.ContainsKey(id))
            {
                retiredInBoth++;
                Assert.Equal(FinalProfile(cleanFinal, id), FinalProfile(crashedFinal, id));
            }
        }
        output.WriteLine($"change logs: {crashedLive.Count:N0} live profiles agree; {retiredInBoth:N0} retired ids in both lead to the same profile; "
            + $"{crashedFinal.Count - crashedFinal.Keys.Count(cleanFinal.ContainsKey):N0} ids only after the kills, {cleanFinal.Count - cleanFinal.Keys.Count(crashedFinal.ContainsKey):N0} only in the clean run");
    }

    /// <summary>Each profile id's last delivered change, after checking the log is consistent in itself and with profiles.csv.</summary>
    private static Dictionary<string, DeliveredChange> FinalChanges(string directory)
    {
        var seen = new Dictionary<(string Id, long Version), DeliveredChange>();
        var final = new Dictionary<string, DeliveredChange>(StringComparer.Ordinal);
        var highest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(directory, "out", "changes"), "changes-*.csv").Order(StringComparer.Ordinal))
        {
            foreach (var fields in ReadCsv(file).Skip(1))
            {
                // change, version, survivor_id, changed_at, then the profile's row (profile_id first).
                var change = new DeliveredChange(fields[0], long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture), fields[2], string.Join('\u001f', fields[4..]));
                var id = fields[4];
                if (seen.TryGetValue((id, change.Version), out var earlier))
                {
                    Assert.True(earlier == change, $"{directory}: {id} version {change.Version} was delivered twice with different content");
                }
                seen[(id, change.Version)] = change;
                highest[id] = Math.Max(highest.GetValueOrDefault(id), change.Version);
                final[id] = change;
            }
        }
        Assert.NotEmpty(final);
        foreach (var (id, change) in final)
        {
            Assert.True(change.Version == highest[id], $"{directory}: {id} ends on version {change.Version}, but version {highest[id]} was delivered");
        }
        var profiles = ReadCsv(Path.Combine(directory, "out", "profiles.csv")).Skip(1).ToDictionary(f => f[0], f => string.Join('\u001f', f), StringComparer.Ordinal);
        var live = final.Where(c => c.Value.Kind == "upserted").ToDictionary(c => c.Key, c => c.Value.Content, StringComparer.Ordinal);
        Assert.Equal(profiles.OrderBy(p => p.Key, StringComparer.Ordinal), live.OrderBy(p => p.Key, StringComparer.Ordinal));
        return final;
    }

    /// <summary>Where a profile id ended: itself if live, else its survivor's end, or "(deleted)".</summary>
    private static string FinalProfile(Dictionary<string, DeliveredChange> final, string id)
    {
        for (var hops = 0; hops <= final.Count; hops++)
        {
            var change = final[id];
            switch (change.Kind)
            {
                case "upserted":
                    return id;
                case "retired" when final.ContainsKey(change.Survivor):
                    id = change.Survivor;
                    break;
                default:
                    return "(deleted)";
            }
        }
        throw new InvalidOperationException($"retirements of {id} go round in a circle");
    }

    /// <summary>A change as delivered: its kind, version, survivor (for a retirement) and the profile's row (its fields joined).</summary>
    private sealed record DeliveredChange(string Kind, long Version, string Survivor, string Content);

    /// <summary>The rows of an RFC 4180 file, as the CSV sink writes them (quoted fields may hold commas, quotes and line breaks).</summary>
    private static List<string[]> ReadCsv(string path)
    {
        var text = File.ReadAllText(path);
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n')
            {
                fields.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                rows.Add([.. fields]);
                fields.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            rows.Add([.. fields]);
        }
        return rows;
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
