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
        // 3 events (too few for a page), 300 (the rest of page 0 one by one, then page 1 from its start), a single
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
        // Pages 1, 2 and 3 are documents; page 0 began with three events, which stayed one key each.
        Assert.False(_store.Contains(StoreKeys.ChangePage(0)));
        Assert.True(_store.Contains(StoreKeys.ChangePage(1)) && _store.Contains(StoreKeys.ChangePage(2)) && _store.Contains(StoreKeys.ChangePage(3)));
        Assert.False(_store.Contains(StoreKeys.Change(257)));
        Assert.True(_store.Contains(StoreKeys.Change(304)));
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

    private void Flush(int size)
    {
        var events = new List<ChangeEvent>();
        for (var i = 0; i < size; i++)
        {
            events.Add(Change(++_sequence));
        }
        var writes = new StoreWriteBatch();
        ChangeLog.Write(events, writes);
        writes.WriteTo(_store);
    }

    private static ChangeEvent Change(long sequence) => new(sequence, ChangeEventType.ProfileUpdated, $"P-{sequence}", null, sequence, 638_000_000_000_000_000 + sequence);

    private List<ChangeEvent> Read(long after, int max = int.MaxValue)
    {
        var changes = new List<ChangeEvent>();
        ChangeLog.Read(_store, after, max, changes);
        return changes;
    }

    private static void AssertSequences(long first, long last, List<ChangeEvent> changes) =>
        Assert.Equal(Enumerable.Range((int)first, (int)(last - first + 1)).Select(i => (long)i), changes.Select(change => change.Sequence));
}
