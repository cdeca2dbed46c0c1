using Stitcher.Engine.Store;

namespace Stitcher.Engine.Tests.Store;

/// <summary>A store whose files are not what its last checkpoint left is refused at open, and left untouched.</summary>
public sealed class StoreManifestTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string StoreDirectory => Path.Combine(_temp.Path, "data", "store");

    private async Task StitchAsync()
    {
        EngineFixture.WriteCrm(_temp.Path,
            "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z",
            "c2,Bob,Stone,bob@example.org,,2026-01-02T00:00:00Z",
            "c3,Cy,Moss,cy@example.org,,2026-01-03T00:00:00Z");
        EngineFixture.WritePos(_temp.Path);
        await using var engine = EngineFixture.NewEngine(_temp.Path);
        await engine.RunOnceAsync();
    }

    [Fact]
    public async Task Reopened_AfterACleanStop_OpensWithEverything()
    {
        await StitchAsync();

        await using var engine = EngineFixture.NewEngine(_temp.Path);

        Assert.Equal(3, engine.TotalRecords);
        Assert.True(File.Exists(Path.Combine(StoreDirectory, "manifest.json")));
    }

    [Fact]
    public async Task TruncatedLog_IsRefusedNamingTheSegmentAndLeftAsItIs()
    {
        await StitchAsync();
        var segment = Path.Combine(StoreDirectory, "hlog.log.0");
        using (var stream = new FileStream(segment, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }
        var truncated = new FileInfo(segment).Length;

        var error = Assert.Throws<StoreDamagedException>(() => EngineFixture.NewEngine(_temp.Path));

        Assert.Contains("log segment hlog.log.0", error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.Equal(truncated, new FileInfo(segment).Length);
        // The directory lock was let go: the next attempt gets the same answer, not "in use".
        Assert.Throws<StoreDamagedException>(() => EngineFixture.NewEngine(_temp.Path));
    }

    [Fact]
    public async Task DamagedCheckpointFile_IsRefusedNamingIt()
    {
        await StitchAsync();
        var info = Directory.GetFiles(Path.Combine(StoreDirectory, "checkpoints", "cpr-checkpoints"), "info.dat*", SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(info);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(info, bytes);

        var error = Assert.Throws<StoreDamagedException>(() => EngineFixture.NewEngine(_temp.Path));

        Assert.Contains("is damaged", error.Message, StringComparison.Ordinal);
        Assert.Contains("info.dat", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckpointsGone_IsRefusedInsteadOfOpeningAsAnEmptyStore()
    {
        await StitchAsync();
        Directory.Delete(Path.Combine(StoreDirectory, "checkpoints"), recursive: true);

        var error = Assert.Throws<StoreDamagedException>(() => EngineFixture.NewEngine(_temp.Path));

        Assert.Contains("is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KilledAfterANewCheckpointCommittedButBeforeTheManifestNamedIt_OpensAndIsNotRefused()
    {
        // The state a SIGKILL can leave: checkpoint B committed, the manifest still naming A, A still on disk (A is
        // deleted only after the manifest names B). Rebuilt here by putting A and its manifest back after B.
        await StitchAsync();
        var checkpoints = Path.Combine(StoreDirectory, "checkpoints");
        var saved = Path.Combine(_temp.Path, "saved");
        CopyDirectory(checkpoints, Path.Combine(saved, "checkpoints"));
        File.Copy(Path.Combine(StoreDirectory, "manifest.json"), Path.Combine(saved, "manifest.json"));
        File.AppendAllText(Path.Combine(_temp.Path, "crm.csv"), "c4,Di,Park,di@example.org,,2026-01-04T00:00:00Z\r\n");
        await using (var engine = EngineFixture.NewEngine(_temp.Path))
        {
            await engine.RunOnceAsync();
        }
        CopyDirectory(Path.Combine(saved, "checkpoints"), checkpoints);
        File.Copy(Path.Combine(saved, "manifest.json"), Path.Combine(StoreDirectory, "manifest.json"), overwrite: true);

        // Not refused: the manifest's checkpoint A is on disk as it was written, and it is the one recovered (B was never
        // named, so nothing was delivered from it; it is read again).
        await using var reopened = EngineFixture.NewEngine(_temp.Path);

        Assert.Equal(3, reopened.TotalRecords);
    }

    [Fact]
    public async Task StoreWrittenBeforeManifests_IsRecoveredAndItsCheckpointNamedAtOnce()
    {
        // Without a manifest the newest checkpoint is recovered; naming it at open means a checkpoint this version later
        // leaves half written is never taken for the newest.
        await StitchAsync();
        var manifest = Path.Combine(StoreDirectory, "manifest.json");
        File.Delete(manifest);

        await using (var engine = EngineFixture.NewEngine(_temp.Path))
        {
            Assert.Equal(3, engine.TotalRecords);
            Assert.True(File.Exists(manifest));
            var named = System.Text.Json.JsonDocument.Parse(File.ReadAllText(manifest)).RootElement.EnumerateObject()
                .Single(p => p.Name.Equals("checkpoint", StringComparison.OrdinalIgnoreCase)).Value.GetString();
            Assert.NotEqual(Guid.Empty, Guid.Parse(named!));
        }

        await using var reopened = EngineFixture.NewEngine(_temp.Path);
        Assert.Equal(3, reopened.TotalRecords);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
        }
    }
}
