using Microsoft.Extensions.Logging.Abstractions;
using Stitcher.Engine.Profiles;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Tests.Profiles;

public sealed class ChangeLogTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly KeyValueStore _store;
    private long _sequence;

    public ChangeLogTests() => _store = new KeyValueStore(Path.Combine(_temp.Path, "store"), 1L << 16, 1L << 22, 1L << 20, NullLogger.Instance);

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Read_FlushesOfEverySize_ReturnsEveryEventOnceInOrderFromAnyPoint()
    {
        // 3 events (page 0 from its start), 300 (the rest of page 0 one by one, then page 1 from its start), a single
        // event, 600 (page 1's rest one by one, all of page 2, page 3 from its start), then 5 more.
        foreach (var size in new[] { 3, 300, 1, 600, 5 })
        {
            Flush(size);
        }

        AssertSequences(1, 909, Read(0));
        AssertSequences(301, 310, Read(300, max: 10));
        AssertSequences(256, 258, Read(255, max: 3));
        AssertSequences(768, 770, Read(767, max: 3));
        Assert.Empty(Read(909));
        Assert.All(Read(0), change => Assert.Equal($"P-{change.Sequence}", change.ProfileId));
        // Every page begun by a flush is a document; what later flushes add to it are single keys.
        Assert.True(_store.Contains(StoreKeys.ChangePage(0)) && _store.Contains(StoreKeys.ChangePage(1)) && _store.Contains(StoreKeys.ChangePage(2)) && _store.Contains(StoreKeys.ChangePage(3)));
        Assert.True(_store.Contains(StoreKeys.Change(4)) && _store.Contains(StoreKeys.Change(304)));
        Assert.False(_store.Contains(StoreKeys.Change(3)) || _store.Contains(StoreKeys.Change(257)));
    }

    [Fact]
    public void Read_StoreWrittenOneKeyPerEventBeforePages_ReadsOnIntoTheNewPages()
    {
        for (var i = 0; i < 100; i++)
        {
            var change = Change(++_sequence);
            _store.Write(StoreKeys.Change(change.Sequence), change);
        }
        Flush(600);

        AssertSequences(1, 700, Read(0));
        AssertSequences(95, 104, Read(94, max: 10));
    }

    [Fact]
    public void Read_AfterAFailedFlushWhoseSequenceNumbersAreUsedAgain_ReturnsOnlyTheEventsWrittenSince()
    {
        Flush(256);
        // A flush that wrote page 1 and more, then failed before its counters: the numbers are given out again.
        Flush(300, profilePrefix: "failed-");
        _sequence = 256;

        Flush(3);

        var changes = Read(256, lastSequence: 259);
        AssertSequences(257, 259, changes);
        Assert.All(changes, change => Assert.Equal($"P-{change.Sequence}", change.ProfileId));
        // Nothing past the last committed event, though the failed flush left some behind.
        Assert.Empty(Read(259, lastSequence: 259));
    }

    private void Flush(int size, string profilePrefix = "")
    {
        var events = new List<ChangeEvent>();
        for (var i = 0; i < size; i++)
        {
            events.Add(Change(++_sequence, profilePrefix));
        }
        var writes = new StoreWriteBatch();
        ChangeLog.Write(events, writes);
        writes.WriteTo(_store);
    }

    private static ChangeEvent Change(long sequence, string profilePrefix = "") =>
        new(sequence, ChangeEventType.ProfileUpdated, $"{profilePrefix}P-{sequence}", null, sequence, 638_000_000_000_000_000 + sequence);

    /// <summary>The events after <paramref name="after"/>, up to the last one written unless told otherwise.</summary>
    private List<ChangeEvent> Read(long after, int max = int.MaxValue, long? lastSequence = null)
    {
        var changes = new List<ChangeEvent>();
        ChangeLog.Read(_store, after, lastSequence ?? _sequence, max, changes);
        return changes;
    }

    private static void AssertSequences(long first, long last, List<ChangeEvent> changes) =>
        Assert.Equal(Enumerable.Range((int)first, (int)(last - first + 1)).Select(i => (long)i), changes.Select(change => change.Sequence));
}
