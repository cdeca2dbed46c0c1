using Stitcher.Engine.Matching;

namespace Stitcher.Engine.Tests.Matching;

public sealed class BlockTableTests
{
    [Fact]
    public async Task Get_WhileOneThreadAddsAndRemovesThroughResizes_ReadersOnlySeeAddedPositionsInOrder()
    {
        // The next batch is scored while the previous one is linked: readers race one writer. Every block a reader
        // sees must hold positions that were added under that key, and never more than the cap. (Racing removals,
        // a reader may see a block out of order or a position twice; scoring sorts what it keeps.)
        const int MaxBlockSize = 40;
        const int Records = 200_000;
        const int Keys = 20_000;
        var table = new BlockTable();
        var added = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var done = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var random = new Random(r);
            var positions = new List<int>();
            var reads = 0L;
            while (!done.IsCancellationRequested || reads < 1000)
            {
                var key = (ulong)random.Next(Keys) + 2;
                var seenBefore = Volatile.Read(ref added);
                positions.Clear();
                table.Get(key).AddTo(positions);
                reads++;
                for (var i = 0; i < positions.Count; i++)
                {
                    var position = positions[i];
                    if (position < 0 || (ulong)(position % Keys) + 2 != key || positions.Count > MaxBlockSize)
                    {
                        failures.Enqueue($"key {key}: [{string.Join(',', positions)}] after {seenBefore} adds");
                        return;
                    }
                }
            }
        })).ToArray();

        for (var position = 0; position < Records; position++)
        {
            // Position p goes under key 2 + p mod Keys (0 and 1 share a block); every third one is taken out again
            // later, as a replaced record is.
            table.Add((ulong)(position % Keys) + 2, position, MaxBlockSize);
            Volatile.Write(ref added, position + 1);
            if (position % 3 == 0 && position >= 3 * Keys)
            {
                // Blocks shrink as well as grow: three earlier records of this key are taken out.
                for (var back = 1; back <= 3; back++)
                {
                    table.Remove((ulong)(position % Keys) + 2, position - (back * Keys), MaxBlockSize);
                }
            }
        }
        done.Cancel();
        await Task.WhenAll(readers);

        Assert.Empty(failures);
        Assert.Equal(Keys, table.Count);
    }

    [Fact]
    public void AddAndGet_HundredsOfThousandsOfKeysThroughManyResizes_SameBlocksAsADictionaryOfLists()
    {
        const int MaxBlockSize = 5;
        var table = new BlockTable();
        var expected = new Dictionary<ulong, List<int>>();
        var random = new Random(17);
        // Mostly unique keys, some shared by a few records, some by more than the cap; 0 and 1 share a block.
        for (var position = 0; position < 300_000; position++)
        {
            var roll = random.Next(100);
            var key = roll < 70 ? (ulong)random.NextInt64() : roll < 95 ? (ulong)random.Next(50_000) : (ulong)random.Next(3);
            var reference = expected.TryGetValue(key == 0 ? 1 : key, out var list) ? list : expected[key == 0 ? 1 : key] = [];
            var (count, added) = table.Add(key, position, MaxBlockSize);
            Assert.Equal(reference.Count < MaxBlockSize, added);
            if (added)
            {
                reference.Add(position);
            }
            Assert.Equal(reference.Count, count);
        }

        Assert.Equal(expected.Count, table.Count);
        var positions = new List<int>();
        foreach (var (key, list) in expected)
        {
            positions.Clear();
            var block = table.Get(key);
            block.AddTo(positions);
            Assert.Equal(list, positions);
        }
        Assert.Equal(0, table.Get(unchecked((ulong)-12345)).Count);
    }

    [Fact]
    public void Remove_PositionsOfReplacedRecords_LeaveTheRestInOrderAndCappedBlocksAlone()
    {
        var table = new BlockTable();
        table.Add(7, 0, 3);
        table.Add(7, 1, 3);
        table.Add(7, 2, 3);
        table.Add(8, 3, 3);
        table.Add(9, 4, 3);
        table.Add(9, 5, 3);

        table.Remove(8, 3, 3);  // a single record: the block empties, and takes the next record again
        table.Remove(9, 4, 3);  // one of two
        table.Remove(7, 1, 3);  // capped: stays
        table.Remove(9, 99, 3); // not there

        Assert.Equal(0, table.Get(8).Count);
        Assert.Equal([5], Positions(table, 9));
        Assert.Equal([0, 1, 2], Positions(table, 7));
        Assert.Equal((1, true), table.Add(8, 6, 3));
        Assert.Equal([6], Positions(table, 8));
        Assert.Equal((2, true), table.Add(9, 7, 3));
        Assert.Equal([5, 7], Positions(table, 9));
    }

    private static List<int> Positions(BlockTable table, ulong key)
    {
        var positions = new List<int>();
        table.Get(key).AddTo(positions);
        return positions;
    }
}
