using System.Numerics;

namespace Stitcher.Engine.Matching;

/// <summary>
/// Blocking key → the positions of the records that have it, compact enough for tens of millions of keys: an
/// open-addressing table of 12 bytes per slot (the key, and either the one position that most keys have or the index
/// of an array holding several). A dictionary of lists would cost three times that, and most of an index's memory.
/// Not thread-safe for writes; reads may run on several threads while nothing is added.
/// </summary>
internal sealed class BlockTable
{
    private const int InitialCapacity = 1 << 10;

    // A block whose last record was removed keeps its slot (so probing past it still finds the keys after it).
    private const int EmptyBlock = int.MinValue;

    private readonly List<int[]> _lists = [];
    private ulong[] _keys = new ulong[InitialCapacity];
    private int[] _slots = new int[InitialCapacity];

    /// <summary>Distinct keys held.</summary>
    public int Count { get; private set; }

    /// <summary>Adds <paramref name="position"/> under <paramref name="key"/> unless the block already holds <paramref name="maxBlockSize"/> records.</summary>
    /// <returns>The block's size afterwards, and whether the position was added.</returns>
    public (int Count, bool Added) Add(ulong key, int position, int maxBlockSize)
    {
        key = NonZero(key);
        if ((Count + 1) * 4L > _keys.Length * 3L)
        {
            Grow();
        }
        var slot = Find(_keys, key);
        if (_keys[slot] == 0)
        {
            _keys[slot] = key;
            _slots[slot] = position;
            Count++;
            return (1, true);
        }
        var value = _slots[slot];
        if (value == EmptyBlock)
        {
            _slots[slot] = position;
            return (1, true);
        }
        if (value >= 0)
        {
            if (maxBlockSize <= 1)
            {
                return (1, false);
            }
            // Count first, then the positions; room for two more.
            _lists.Add([2, value, position, 0, 0]);
            _slots[slot] = ~(_lists.Count - 1);
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
            _lists[~value] = list;
        }
        list[count + 1] = position;
        list[0] = count + 1;
        return (count + 1, true);
    }

    /// <summary>The block of <paramref name="key"/>; its <see cref="Block.Count"/> is 0 when no record has the key.</summary>
    public Block Get(ulong key)
    {
        key = NonZero(key);
        var slot = Find(_keys, key);
        if (_keys[slot] == 0)
        {
            return default;
        }
        var value = _slots[slot];
        if (value == EmptyBlock)
        {
            return default;
        }
        if (value >= 0)
        {
            return new Block(1, value, null);
        }
        var list = _lists[~value];
        return new Block(list[0], 0, list);
    }

    /// <summary>
    /// Takes <paramref name="position"/> out of the block of <paramref name="key"/> (a record replaced or deleted), so
    /// that it no longer counts against a record's candidate budget. A block at <paramref name="maxBlockSize"/> stays
    /// as it is: it stopped taking records long ago and produces no candidates either way.
    /// </summary>
    public void Remove(ulong key, int position, int maxBlockSize)
    {
        key = NonZero(key);
        var slot = Find(_keys, key);
        if (_keys[slot] == 0)
        {
            return;
        }
        var value = _slots[slot];
        if (value == EmptyBlock)
        {
            return;
        }
        if (value >= 0)
        {
            if (value == position)
            {
                _slots[slot] = EmptyBlock;
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
        list[0] = count - 1;
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

    private void Grow()
    {
        var keys = new ulong[_keys.Length * 2];
        var slots = new int[_keys.Length * 2];
        for (var i = 0; i < _keys.Length; i++)
        {
            if (_keys[i] != 0)
            {
                var slot = Find(keys, _keys[i]);
                keys[slot] = _keys[i];
                slots[slot] = _slots[i];
            }
        }
        _keys = keys;
        _slots = slots;
    }

    /// <summary>One block as read: a single position, or the first <see cref="Count"/> after the count in a list.</summary>
    public readonly struct Block(int count, int single, int[]? list)
    {
        public int Count { get; } = count;

        public void AddTo(List<int> positions)
        {
            if (list is null)
            {
                positions.Add(single);
                return;
            }
            positions.AddRange(new ReadOnlySpan<int>(list, 1, Count));
        }
    }
}
