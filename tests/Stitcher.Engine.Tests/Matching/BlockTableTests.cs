using Stitcher.Engine.Matching;

namespace Stitcher.Engine.Tests.Matching;

public sealed class BlockTableTests
{
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
