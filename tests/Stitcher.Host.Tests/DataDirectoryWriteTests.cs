using System.Diagnostics;
using Xunit.Abstractions;

namespace Stitcher.Host.Tests;

/// <summary>
/// The real <c>stitcher</c> on a real file system that fills up or is read-only (a small tmpfs as its data directory):
/// it ends within a bound with exit code 6 and a message naming the file and the operating system's error, never hangs,
/// and once there is room the next run opens the store and ends with what one clean run gives. Needs root to mount;
/// without it each test says SKIPPED on its output and returns.
/// </summary>
public sealed class DataDirectoryWriteTests(ITestOutputHelper output) : IDisposable
{
    private const int Rows = 30_000;
    private const int DataDirectoryNotWritable = 6;

    // A failed write stops the run at once; this only bounds a hang.
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);
    private static readonly SemaphoreSlim s_cleanGate = new(1, 1);
    private static string? s_cleanProfiles;

    private readonly TempDirectory _temp = new();
    private TmpfsMount? _mount;

    public void Dispose()
    {
        _mount?.Dispose();
        _temp.Dispose();
    }

    [Theory]
    [InlineData("run --once", false)]
    [InlineData("run --once", true)]
    [InlineData("ingest", true)]
    [InlineData("run", false)]
    [InlineData("run", true)]
    public async Task DiskFillsUp_ExitsWith6NamingTheFileThenTheNextRunResumesToWhatACleanRunGives(string command, bool afterACheckpoint)
    {
        var directory = Prepare("full");
        var data = Path.Combine(directory, "data");
        _mount = TmpfsMount.TryMount(data, afterACheckpoint ? "256m" : "10m", output);
        if (_mount is null)
        {
            return;
        }
        if (afterACheckpoint)
        {
            // Half the rows stitched and checkpointed, then only a few MiB left for the rest.
            var rows = File.ReadAllLines(Path.Combine(directory, "in", "a.csv"));
            File.WriteAllLines(Path.Combine(directory, "in", "a.csv"), rows.Take(Rows / 2 + 1));
            var half = await RunBoundedAsync(directory, Arguments(command == "ingest" ? "ingest" : "run --once", directory));
            Assert.True(half.ExitCode == 0, half.Stderr);
            File.WriteAllLines(Path.Combine(directory, "in", "a.csv"), rows);
            var drive = new DriveInfo(data);
            _mount.Remount($"size={(drive.TotalSize - drive.AvailableFreeSpace) / 1024 + 6 * 1024}k");
        }

        var (exitCode, stderr, elapsed) = await RunBoundedAsync(directory, Arguments(command, directory));
        output.WriteLine($"{command} on a full tmpfs{(afterACheckpoint ? " after a checkpoint" : "")}: exit {exitCode} after {elapsed.TotalSeconds:F1} s");

        Assert.True(exitCode == DataDirectoryNotWritable, stderr);
        Assert.Contains("No space left on device", stderr);
        Assert.Contains($"The data directory {data} could not be written", stderr);
        Assert.Matches(@"data/(store|outbox|dead-letter)/\S+", stderr);

        _mount.Remount("size=256m");
        var rerun = await RunBoundedAsync(directory, Arguments(command == "ingest" ? "ingest" : "run --once", directory));
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        var recovered = rerun.Stderr.Contains("recovered: True", StringComparison.Ordinal);
        output.WriteLine($"then, with room: exit 0 after {rerun.Elapsed.TotalSeconds:F1} s, {(recovered ? "from a checkpoint" : "from an empty store")}");
        // Without a checkpoint first, the disk may fill before or after the run's own first one.
        Assert.True(recovered || !afterACheckpoint, "the store did not recover the checkpoint taken before the disk filled");
        Assert.Equal(await CleanProfilesAsync(), File.ReadAllText(Path.Combine(directory, "out", "profiles.csv")));
    }

    [Fact]
    public async Task ReadOnlyDataDirectoryOrStoreFolder_IsRefusedAtOpenWith6AndOpensOnceWritable()
    {
        var directory = Prepare("readonly");
        var data = Path.Combine(directory, "data");
        _mount = TmpfsMount.TryMount(data, "256m", output);
        if (_mount is null)
        {
            return;
        }
        _mount.Remount("ro");

        var empty = await RunBoundedAsync(directory, Arguments("run --once", directory));

        Assert.True(empty.ExitCode == DataDirectoryNotWritable, empty.Stderr);
        Assert.Contains("Read-only file system", empty.Stderr);
        Assert.Contains(Path.Combine(data, "stitcher.lock"), empty.Stderr);

        // A store with a checkpoint, then its folder alone made read-only: refused before FASTER reads it (not taken
        // for a damaged store), and left as it was.
        _mount.Remount("rw");
        File.WriteAllText(Path.Combine(directory, "in", "a.csv"), string.Join('\n', File.ReadLines(Path.Combine(directory, "in", "a.csv")).Take(Rows / 2 + 1)) + "\n");
        var half = await RunBoundedAsync(directory, Arguments("run --once", directory));
        Assert.True(half.ExitCode == 0, half.Stderr);
        var before = Snapshot(Path.Combine(data, "store"));
        _mount.BindReadOnly(Path.Combine(data, "store"));

        var store = await RunBoundedAsync(directory, Arguments("run --once", directory));

        Assert.True(store.ExitCode == DataDirectoryNotWritable, store.Stderr);
        Assert.Contains("Read-only file system", store.Stderr);
        Assert.Contains(Path.Combine(data, "store"), store.Stderr);
        Assert.Equal(before, Snapshot(Path.Combine(data, "store")));

        _mount.BindWritable(Path.Combine(data, "store"));
        Write(directory, Rows);
        var writable = await RunBoundedAsync(directory, Arguments("run --once", directory));
        Assert.True(writable.ExitCode == 0, writable.Stderr);
        Assert.Equal(await CleanProfilesAsync(), File.ReadAllText(Path.Combine(directory, "out", "profiles.csv")));
    }

    private string[] Arguments(string command, string directory) => command switch
    {
        "ingest" => ["ingest", "--channel", "crm", "--input", Path.Combine(directory, "in", "a.csv"), "--config", Path.Combine(directory, "stitcher.json")],
        "run" => ["run", "--config", Path.Combine(directory, "stitcher.json")],
        _ => ["run", "--once", "--config", Path.Combine(directory, "stitcher.json")],
    };

    /// <summary>Runs to its end, failing the test (and killing the process) if it takes longer than the bound: a hang.</summary>
    private static async Task<(int ExitCode, string Stderr, TimeSpan Elapsed)> RunBoundedAsync(string directory, string[] args)
    {
        var started = Stopwatch.GetTimestamp();
        using var process = StitcherProcess.Start(directory, args);
        int exitCode;
        try
        {
            exitCode = await process.WaitForExitAsync(s_bound);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"stitcher {string.Join(' ', args)} hung: still running after {s_bound.TotalSeconds} s. Its log:\n{process.StandardError}");
            throw;
        }
        return (exitCode, process.StandardError, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>profiles.csv of one clean run of the same rows on an ordinary disk, once for all tests.</summary>
    private static async Task<string> CleanProfilesAsync()
    {
        await s_cleanGate.WaitAsync();
        try
        {
            if (s_cleanProfiles is null)
            {
                using var temp = new TempDirectory();
                var directory = Path.Combine(temp.Path, "clean");
                Prepare(directory, Rows);
                var clean = await StitcherProcess.RunAsync(directory, "run", "--once", "--config", Path.Combine(directory, "stitcher.json"));
                Assert.True(clean.ExitCode == 0, clean.Stderr);
                s_cleanProfiles = File.ReadAllText(Path.Combine(directory, "out", "profiles.csv"));
            }
            return s_cleanProfiles;
        }
        finally
        {
            s_cleanGate.Release();
        }
    }

    private string Prepare(string name)
    {
        var directory = Path.Combine(_temp.Path, name);
        Prepare(directory, Rows);
        return directory;
    }

    /// <summary>A channel file (namesakes sharing emails, so that profiles merge) and a configuration with the sink's output outside the data directory.</summary>
    private static void Prepare(string directory, int rows)
    {
        Write(directory, rows);
        ServiceTestConfig.Write(directory, "none", 1 << 20);
    }

    private static void Write(string directory, int rows)
    {
        Directory.CreateDirectory(Path.Combine(directory, "in"));
        using var writer = new StreamWriter(Path.Combine(directory, "in", "a.csv"));
        writer.WriteLine("id,at,email,name");
        for (var i = 0; i < rows; i++)
        {
            var at = i % 997 == 5 ? "not a date" : $"2026-01-{1 + (i % 28):D2}T10:00:00Z";
            writer.WriteLine($"id{i},{at},person{i % (rows / 3)}@example.org,Name{i % 500}");
        }
    }

    /// <summary>Every file under <paramref name="directory"/> with its size and last write time.</summary>
    private static List<string> Snapshot(string directory) =>
        [.. Directory.GetFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => new FileInfo(f))
            .Select(f => $"{Path.GetRelativePath(directory, f.FullName)} {f.Length} {f.LastWriteTimeUtc:O}")
            .Order(StringComparer.Ordinal)];
}
