using Microsoft.Extensions.Logging.Abstractions;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Tests.Store;

public sealed class KeyValueStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ScanPrefix_OverwrittenAndDeletedKeysSpilledToDisk_VisitsEachLiveKeyOnceWithItsLatestValue()
    {
        using var store = Open();
        for (var i = 0; i < 5000; i++)
        {
            store.Write($"R|x|{i}", i);
        }
        for (var i = 0; i < 5000; i++)
        {
            store.Write($"R|x|{i}", i + 1);
            if (i % 10 == 0)
            {
                store.Delete($"R|x|{i}");
            }
        }
        store.Write("P|other", 7);
        var visited = new Dictionary<string, int>();

        store.ScanPrefix<int>("R|", (key, value) => visited.Add(key, value));

        Assert.Equal(4500, visited.Count);
        for (var i = 0; i < 5000; i++)
        {
            if (i % 10 == 0)
            {
                Assert.False(visited.ContainsKey($"R|x|{i}"));
            }
            else
            {
                Assert.Equal(i + 1, visited[$"R|x|{i}"]);
            }
        }
    }

    [Fact]
    public async Task Checkpoint_ThenReopen_RecoversEveryValueWrittenBeforeIt()
    {
        using (var store = Open())
        {
            for (var i = 0; i < 3000; i++)
            {
                store.Write($"K|{i}", $"value {i}");
            }
            await store.CheckpointAsync(CancellationToken.None);
            store.Write("K|after", "not checkpointed");
        }

        using var reopened = Open();

        Assert.True(reopened.Recovered);
        for (var i = 0; i < 3000; i++)
        {
            Assert.True(reopened.TryRead<string>($"K|{i}", out var value));
            Assert.Equal($"value {i}", value);
        }
    }

    private KeyValueStore Open() => new(Path.Combine(_temp.Path, "store"), 1L << 16, 1L << 20, 1L << 16, NullLogger.Instance);
}
