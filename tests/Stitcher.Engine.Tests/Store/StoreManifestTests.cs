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
}
