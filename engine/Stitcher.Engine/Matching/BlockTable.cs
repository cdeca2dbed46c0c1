using System.Numerics;

namespace Stitcher.Engine.Matching;

/// <summary>
/// Blocking key → the positions of the records that have it, compact enough for tens of millions of keys: an
/// open-addressing table of 12 bytes per slot (the key, and either the one position that most keys have or the index
/// of an array holding several). A dictionary of lists would cost three times that, and most of an index's memory.
/// One writer, any number of readers at the same time: the writer publishes every change after the data it points at
/// (a grown table as one object, a new list before the slot that names it, a position before the count that covers
/// it), so a reader never reads out of bounds or a position that was never added. A reader racing removals may see a
/// block out of order, a position twice or one missing; readers use blocks as candidates to compare (and sort them),
/// which tolerates all three.
/// </summary>
internal sealed class BlockTable
{
    private const int InitialCapacity = 1 << 10;

    // A block whose last record was removed keeps its slot (so probing past it still finds the keys after it).
    private const int EmptyBlock = int.MinValue;

    private int[][] _lists = new int[16][];
    private int _listCount;
    private Table _table = new(new ulong[InitialCapacity], new int[InitialCapacity]);

    /// <summary>Distinct keys held.</summary>
    public int Count { get; private set; }

    /// <summary>Adds <paramref name="position"/> under <paramref name="key"/> unless the block already holds <paramref name="maxBlockSize"/> records.</summary>
    /// <returns>The block's size afterwards, and whether the position was added.</returns>
    public (int Count, bool Added) Add(ulong key, int position, int maxBlockSize)
    {
        key = NonZero(key);
        var table = _table;
        if ((Count + 1) * 4L > table.Keys.Length * 3L)
        {
            table = Grow(table);
        }
        var slot = Find(table.Keys, key);
        if (table.Keys[slot] == 0)
        {
            table.Slots[slot] = position;
            Volatile.Write(ref table.Keys[slot], key);
            Count++;
            return (1, true);
        }
        var value = table.Slots[slot];
        if (value == EmptyBlock)
        {
            Volatile.Write(ref table.Slots[slot], position);
            return (1, true);
        }
        if (value >= 0)
        {
            if (maxBlockSize <= 1)
            {
                return (1, false);
            }
            // Count first, then the positions; room for two more.
            var index = AddList([2, value, position, 0, 0]);
            Volatile.Write(ref table.Slots[slot], ~index);
            return (2, true);
        }
        var list = _lists[~value];
        var count = list[0];
        if (count >= maxBlockSize)
        {
            return (count, false);
        }
        if (count + 1 == list.Length)
        {
            Array.Resize(ref list, list.Length * 2);
            Volatile.Write(ref _lists[~value], list);
        }
        list[count + 1] = position;
        Volatile.Write(ref list[0], count + 1);
        return (count + 1, true);
    }

    private int AddList(int[] list)
    {
        if (_listCount == _lists.Length)
        {
            var grown = new int[_lists.Length * 2][];
            Array.Copy(_lists, grown, _listCount);
            Volatile.Write(ref _lists, grown);
        }
        _lists[_listCount] = list;
        return _listCount++;
    }

    /// <summary>The block of <paramref name="key"/>; its <see cref="Block.Count"/> is 0 when no record has the key.</summary>
    public Block Get(ulong key)
    {
        key = NonZero(key);
        var table = Volatile.Read(ref _table);
        var slot = Find(table.Keys, key);
        // Not "non-zero": the empty slot the search stopped at may have taken another key since.
        if (Volatile.Read(ref table.Keys[slot]) != key)
        {
            return default;
        }
        var value = Volatile.Read(ref table.Slots[slot]);
        if (value == EmptyBlock)
        {
            return default;
        }
        if (value >= 0)
        {
            return new Block(1, value, null);
        }
        var list = Volatile.Read(ref Volatile.Read(ref _lists)[~value]);
        return new Block(Volatile.Read(ref list[0]), 0, list);
    }

    /// <summary>
    /// Takes <paramref name="position"/> out of the block of <paramref name="key"/> (a record replaced or deleted), so
    /// that it no longer counts against a record's candidate budget. A block at <paramref name="maxBlockSize"/> stays
    /// as it is: it stopped taking records long ago and produces no candidates either way.
    /// </summary>
    public void Remove(ulong key, int position, int maxBlockSize)
    {
        key = NonZero(key);
        var table = _table;
        var slot = Find(table.Keys, key);
        if (table.Keys[slot] == 0)
        {
            return;
        }
        var value = table.Slots[slot];
        if (value == EmptyBlock)
        {
            return;
        }
        if (value >= 0)
        {
            if (value == position)
            {
                Volatile.Write(ref table.Slots[slot], EmptyBlock);
            }
            return;
        }
        var list = _lists[~value];
        var count = list[0];
        if (count >= maxBlockSize)
        {
            return;
        }
        var at = Array.IndexOf(list, position, 1, count);
        if (at < 0)
        {
            return;
        }
        // Positions stay in ascending order.
        Array.Copy(list, at + 1, list, at, count - at);
        Volatile.Write(ref list[0], count - 1);
    }

    // 0 marks an empty slot; a key that hashes to 0 shares block 1 (at worst a few extra candidates, 2^-64 of the time).
    private static ulong NonZero(ulong key) => key == 0 ? 1 : key;

    private static int Find(ulong[] keys, ulong key)
    {
        var mask = keys.Length - 1;
        // Fibonacci hashing: the top log2(length) bits of the product pick the first slot, at any table size.
        var slot = (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - BitOperations.Log2((uint)keys.Length)));
        while (keys[slot] != 0 && keys[slot] != key)
        {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /// <summary>A table twice the size, published whole: readers hold either the old one or the new one.</summary>
    private Table Grow(Table old)
    {
        var keys = new ulong[old.Keys.Length * 2];
        var slots = new int[old.Keys.Length * 2];
        for (var i = 0; i < old.Keys.Length; i++)
        {
            if (old.Keys[i] != 0)
            {
                var slot = Find(keys, old.Keys[i]);
                keys[slot] = old.Keys[i];
                slots[slot] = old.Slots[i];
            }
        }
        var table = new Table(keys, slots);
        Volatile.Write(ref _table, table);
        return table;
    }

    /// <summary>Keys and their slots, always replaced together.</summary>
    private sealed class Table(ulong[] keys, int[] slots)
    {
        public ulong[] Keys { get; } = keys;
        public int[] Slots { get; } = slots;
    }

    /// <summary>One block as read: a single position, or the first <see cref="Count"/> after the count in a list.</summary>
    public readonly struct Block(int count, int single, int[]? list)
    {
        public int Count { get; } = count;

        public void AddTo(List<int> positions)
        {
            if (list is null)
            {
                if (Count > 0)
                {
                    positions.Add(single);
                }
                return;
            }
            positions.AddRange(new ReadOnlySpan<int>(list, 1, Count));
        }
    }
}
