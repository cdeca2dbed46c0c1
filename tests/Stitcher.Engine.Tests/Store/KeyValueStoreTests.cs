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

    [Fact]
    public async Task Checkpoint_LogSpilledToDisk_ReopenedStoreReadsEveryValueBackFromTheLogFiles()
    {
        // 20k values of about 300 bytes through a 1 MiB log with 64 KiB pages: most of the log is on disk before
        // the checkpoint, and after reopening every read goes to the log files through the store's device.
        var path = Path.Combine(_temp.Path, "spilled");
        static string Value(int i) => $"{i}:" + new string((char)('a' + (i % 26)), 300);
        using (var store = new KeyValueStore(path, 1L << 16, 1L << 20, 1L << 16, NullLogger.Instance))
        {
            for (var i = 0; i < 20_000; i++)
            {
                store.Write($"K|{i}", Value(i));
            }
            await store.CheckpointAsync(CancellationToken.None);
        }
        Assert.True(new DirectoryInfo(path).EnumerateFiles("hlog.log*").Sum(file => file.Length) > 4L << 20);

        using var reopened = new KeyValueStore(path, 1L << 16, 1L << 20, 1L << 16, NullLogger.Instance);

        Assert.True(reopened.Recovered);
        for (var i = 19_999; i >= 0; i--)
        {
            Assert.True(reopened.TryRead<string>($"K|{i}", out var value), $"K|{i}");
            Assert.Equal(Value(i), value);
        }
    }

    [Fact]
    public async Task Checkpoint_NotEndedWithinTheTimeout_ThrowsStopsWritesAndTheNextOpenRecoversThePreviousOne()
    {
        var path = Path.Combine(_temp.Path, "stuck");
        using (var store = new KeyValueStore(path, 1L << 16, 1L << 20, 1L << 16, NullLogger.Instance))
        {
            store.Write("K|first", "kept");
            await store.CheckpointAsync(CancellationToken.None);
        }
        // A timeout no checkpoint can meet: it is left running, as one on a storage that stopped answering would be.
        using (var store = new KeyValueStore(path, 1L << 16, 1L << 20, 1L << 16, NullLogger.Instance, TimeSpan.FromTicks(1)))
        {
            for (var i = 0; i < 2000; i++)
            {
                store.Write($"K|{i}", new string('x', 200));
            }

            var stuck = await Assert.ThrowsAsync<DataDirectoryWriteException>(async () => await store.CheckpointAsync(CancellationToken.None));

            Assert.IsType<TimeoutException>(stuck.InnerException);
            Assert.Contains("Store:CheckpointTimeoutSeconds", stuck.Message);
            Assert.Throws<DataDirectoryWriteException>(() => store.Write("K|later", "refused"));
        }

        using var reopened = new KeyValueStore(path, 1L << 16, 1L << 20, 1L << 16, NullLogger.Instance);

        Assert.True(reopened.TryRead<string>("K|first", out var kept));
        Assert.Equal("kept", kept);
        Assert.False(reopened.Contains("K|0"));
        await reopened.CheckpointAsync(CancellationToken.None);
    }

    [Fact]
    public async Task FirstCheckpoint_WhoseFilesCannotBeWritten_ThrowsAndTheStoreOpensAgainAsANewOne()
    {
        var path = Path.Combine(_temp.Path, "unwritable");
        using (var store = new KeyValueStore(path, 1L << 16, 1L << 20, 1L << 16, NullLogger.Instance))
        {
            store.Write("K|lost", "not checkpointed");
            // A file where FASTER's index checkpoints go: the checkpoint's index file cannot be created.
            Directory.CreateDirectory(Path.Combine(path, "checkpoints"));
            File.WriteAllText(Path.Combine(path, "checkpoints", "index-checkpoints"), "");

            var failed = await Assert.ThrowsAsync<DataDirectoryWriteException>(async () => await store.CheckpointAsync(CancellationToken.None));

            Assert.Contains("index-checkpoints", failed.Path);
        }
        File.Delete(Path.Combine(path, "checkpoints", "index-checkpoints"));

        // What the failed checkpoint left is not taken for the store's last checkpoint.
        using var reopened = new KeyValueStore(path, 1L << 16, 1L << 20, 1L << 16, NullLogger.Instance);

        Assert.False(reopened.Recovered);
        Assert.False(reopened.Contains("K|lost"));
        reopened.Write("K|new", "kept");
        await reopened.CheckpointAsync(CancellationToken.None);
    }

    [Fact]
    public void TryRead_ValuesSmallAndLargerThanTheReadBufferInMemoryAndOnDisk_ComeBackWhole()
    {
        // Pages large enough for a 190 KB value; four of them in memory.
        using var store = new KeyValueStore(Path.Combine(_temp.Path, "large"), 1L << 16, 1L << 22, 1L << 20, NullLogger.Instance);
        var large = string.Concat(Enumerable.Repeat("a long member list ", 10_000));
        store.Write("P|large", large);
        store.Write("P|small", "small");
        // Push both out of the in-memory log, so the reads go to disk and complete as pending reads.
        for (var i = 0; i < 10_000; i++)
        {
            store.Write($"F|{i}", new string('x', 900));
        }
        store.Write("P|recent", large + "!");

        Assert.True(store.TryRead<string>("P|large", out var readLarge));
        Assert.Equal(large, readLarge);
        Assert.True(store.TryRead<string>("P|small", out var readSmall));
        Assert.Equal("small", readSmall);
        Assert.True(store.TryRead<string>("P|recent", out var readRecent));
        Assert.Equal(large + "!", readRecent);
        Assert.True(store.Contains("P|large"));
        Assert.False(store.Contains("P|missing"));
    }

    [Theory]
    [InlineData(1L << 20)]
    [InlineData(1L << 24)]
    public void ScanPrefix_400kKeysSpilledToDiskWithASmallIndex_VisitsEveryKey(long indexBytes)
    {
        // FASTER's session iterator missed 16 (16 MiB index) and 240 (1 MiB) of these keys; the matcher's index is
        // rebuilt from such a scan on open, so a missed record would never be a candidate again.
        using var store = new KeyValueStore(Path.Combine(_temp.Path, "s" + indexBytes), indexBytes, 1L << 22, 1L << 20, NullLogger.Instance);
        const int Keys = 400_000;
        for (var i = 0; i < Keys; i++)
        {
            store.Write($"Q|R|crm|C{i:D8}#R|pos|P{i:D8}", i);
            store.Write($"R|x|{i}", i);
        }
        var seen = 0;
        store.ScanPrefix<int>("Q|", (_, _) => seen++);
        Assert.Equal(Keys, seen);
    }

    private KeyValueStore Open() => new(Path.Combine(_temp.Path, "store"), 1L << 16, 1L << 20, 1L << 16, NullLogger.Instance);

    [Fact]
    public void TryRead_ProfileOnlyViewOfAStoredRecord_ReadsItsProfileIdAndSkipsTheRest()
    {
        using var store = new KeyValueStore(Path.Combine(_temp.Path, "view"), 1L << 16, 1L << 22, 1L << 20, NullLogger.Instance);
        var record = new StoredRecord
        {
            Channel = "crm", RecordId = "c1", TimestampUtcTicks = 42, Display = ["Ann", null], Normalized = ["ann", null],
            ProfileId = "P0123", SourceFile = "/in/crm.csv", SourceLine = 7, Evidence = [new StoredEvidence { Kind = "identifier", OtherRecord = "R|crm|c0" }],
        };
        store.Write("R|crm|c1", record);

        Assert.True(store.TryRead<StoredRecordProfile>("R|crm|c1", out var view));
        Assert.Equal("P0123", view.ProfileId);
        Assert.False(store.TryRead<StoredRecordProfile>("R|crm|nope", out _));
    }
}
