using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Stitcher.Engine.Matching;

/// <summary>
/// In-memory blocking index: blocking key → the records that have it. A new record's candidates are the
/// earlier records sharing a key. A block that grows past <see cref="MaxBlockSize"/> (a placeholder date, a
/// household's postcode and initial) stops producing candidates and is counted as oversized.
/// </summary>
/// <remarks>
/// <para>A record takes its blocks most selective first, within <see cref="MaxCandidates"/> comparisons. So a record is
/// compared with the few records sharing its email, phone or birth date and name before the hundreds that share only a
/// common name: what the common name alone could add is weak evidence that the model cannot link on, and the budget
/// keeps the cost per record flat as the store grows from thousands to millions of records.</para>
/// <para>With <see cref="BlockSizeEstimates"/> (a trained model has them) the budget spends the estimated sizes, so a
/// record's choice depends only on the record; a block holds only the records that chose its key, and a pair is
/// compared when it shares a key both records chose: the same pairs in any arrival order. Without estimates the budget
/// spends the blocks' sizes at the moment the record arrives, which depends on what arrived before it.</para>
/// <para>An index that outgrows the data the estimates describe (<see cref="BlockSizeEstimates.Population"/>) multiplies
/// them by <see cref="Growth"/>, the power of two that covers its records, and costs a key they do not hold by its
/// block as it is: the cost per record stays bounded, at the price of order independence while the store is larger
/// than the model knows (retraining restores it).</para>
/// </remarks>
internal sealed class CandidateIndex
{
    public const int DefaultMaxBlockSize = 1000;
    public const int DefaultMaxCandidates = 64;


    private readonly BlockTable _blocks = new();
    private readonly BlockSizeEstimates? _estimates;
    private MatchRecord[] _records = new MatchRecord[1024];
    private int _count;
    private long _blocksOverBudget;
    private int _growth = 1;
    private long _nextGrowthAt = long.MaxValue;

    public CandidateIndex(int maxBlockSize = DefaultMaxBlockSize, int maxCandidates = DefaultMaxCandidates, BlockSizeEstimates? estimates = null)
    {
        MaxBlockSize = maxBlockSize;
        MaxCandidates = maxCandidates;
        _estimates = estimates is { IsCurrent: true } ? estimates : null;
        if (_estimates is not null)
        {
            _nextGrowthAt = _estimates.Population;
        }
    }

    /// <summary>
    /// What the estimates are multiplied by: 1 while the index holds no more records than they describe, then the
    /// power of two that covers its records. Above 1, which pairs are compared depends on arrival order again.
    /// </summary>
    public int Growth => Volatile.Read(ref _growth);

    /// <summary>Whether the budget spends estimated block sizes (order-free) rather than the sizes found on arrival.</summary>
    public bool UsesEstimates => _estimates is not null;

    public int MaxBlockSize { get; }

    /// <summary>The most candidates one record is compared with; blocks past it are skipped, largest first.</summary>
    public int MaxCandidates { get; }

    /// <summary>Records added so far; a reader may use positions below a count it read while records are added.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Blocks that reached <see cref="MaxBlockSize"/> and no longer produce candidates.</summary>
    public int OversizedBlocks { get; private set; }

    /// <summary>Blocks skipped for a record because scanning them would exceed <see cref="MaxCandidates"/>.</summary>
    public long BlocksOverBudget => Interlocked.Read(ref _blocksOverBudget);

    public MatchRecord this[int index] => Volatile.Read(ref _records)[index];

    /// <summary>
    /// Asks the CPU to bring into cache what comparing the candidates after <paramref name="at"/> will read: the
    /// array slot three ahead, the record two ahead, and the text values of the next one. Only a hint (an address that
    /// has moved since costs nothing but the wasted fetch); a no-op where the CPU has no prefetch instruction.
    /// </summary>
    public unsafe void PrefetchAhead(ReadOnlySpan<int> positions, int at)
    {
        if (!Sse.IsSupported)
        {
            return;
        }
        var records = Volatile.Read(ref _records);
        if (at + 3 < positions.Length && (uint)positions[at + 3] < (uint)records.Length)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref records[positions[at + 3]]));
        }
        if (at + 2 < positions.Length && (uint)positions[at + 2] < (uint)records.Length && records[positions[at + 2]] is { } record)
        {
            var address = (byte*)Unsafe.As<MatchRecord, nint>(ref record);
            Sse.Prefetch0(address);
            Sse.Prefetch0(address + 64);
            Sse.Prefetch0(address + 128);
        }
        if (at + 1 < positions.Length && (uint)positions[at + 1] < (uint)records.Length && records[positions[at + 1]] is { } next)
        {
            // Its street, email, phone and national id, one after another.
            var text = next.Text;
            if (!text.IsEmpty)
            {
                var address = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(text));
                Sse.Prefetch0(address);
                Sse.Prefetch0(address + 64);
            }
        }
    }

    /// <summary>
    /// Adds a record and returns its position. One thread adds; others may read positions below <see cref="Count"/>
    /// and call <see cref="Candidates(MatchRecord, List{int}, bool)"/> meanwhile (a grown array is published after
    /// its copy, a record before the count that covers it).
    /// </summary>
    public int Add(MatchRecord record)
    {
        Span<ulong> keys = stackalloc ulong[Blocking.MaxKeys];
        return Add(record, keys[..Blocking.Keys(record, keys)]);
    }

    /// <summary><see cref="Add(MatchRecord)"/> with the record's blocking keys computed already.</summary>
    public int Add(MatchRecord record, ReadOnlySpan<ulong> keys)
    {
        var position = _count;
        if (position == _records.Length)
        {
            var grown = new MatchRecord[_records.Length * 2];
            Array.Copy(_records, grown, position);
            Volatile.Write(ref _records, grown);
        }
        _records[position] = record;
        Volatile.Write(ref _count, position + 1);
        if (position + 1 > _nextGrowthAt)
        {
            Volatile.Write(ref _growth, _growth * 2);
            _nextGrowthAt = _estimates!.Population * _growth;
        }
        if (_estimates is null)
        {
            for (var k = 0; k < keys.Length; k++)
            {
                AddToBlock(keys[k], position);
            }
            return position;
        }
        var chosen = Choose(keys);
        for (var k = 0; k < keys.Length; k++)
        {
            if ((chosen & (1 << k)) != 0)
            {
                AddToBlock(keys[k], position);
            }
        }
        return position;
    }

    private void AddToBlock(ulong key, int position)
    {
        var (size, added) = _blocks.Add(key, position, MaxBlockSize);
        if (added && size == MaxBlockSize)
        {
            OversizedBlocks++;
        }
    }

    /// <summary>
    /// The keys a record chooses (bits by position in <paramref name="keys"/>): by estimated size, then by key, taken
    /// while their estimated comparisons fit <see cref="MaxCandidates"/>. A function of the keys alone while
    /// <see cref="Growth"/> is 1.
    /// </summary>
    private int Choose(ReadOnlySpan<ulong> keys)
    {
        Span<(int Cost, ulong Key, int Index)> order = stackalloc (int, ulong, int)[Blocking.MaxKeys];
        var count = 0;
        long growth = Growth;
        for (var k = 0; k < keys.Length; k++)
        {
            // The other records expected in the block. A key the estimates do not hold is expected to be the record's
            // own, unless the store outgrew them: then it may be a common key the training data had too few of.
            var size = _estimates![keys[k]];
            var cost = size > 1 ? (int)Math.Min(int.MaxValue, (size * growth) - 1)
                : growth > 1 ? _blocks.Get(keys[k]).Count
                : 0;
            if (cost > MaxCandidates)
            {
                continue;
            }
            var entry = (cost, keys[k], k);
            var at = count++;
            while (at > 0 && (order[at - 1].Cost > cost || (order[at - 1].Cost == cost && order[at - 1].Key > keys[k])))
            {
                order[at] = order[at - 1];
                at--;
            }
            order[at] = entry;
        }
        var budget = MaxCandidates;
        var chosen = 0;
        for (var i = 0; i < count && order[i].Cost <= budget; i++)
        {
            budget -= order[i].Cost;
            chosen |= 1 << order[i].Index;
        }
        return chosen;
    }

    /// <summary>The record at <paramref name="position"/> was replaced or deleted: its blocks no longer hold it.</summary>
    public void Remove(int position)
    {
        Span<ulong> keys = stackalloc ulong[Blocking.MaxKeys];
        var count = Blocking.Keys(_records[position], keys);
        for (var k = 0; k < count; k++)
        {
            // Every key, whatever the record chose when it was added: the growth may have changed since.
            _blocks.Remove(keys[k], position, MaxBlockSize);
        }
    }

    /// <summary>
    /// Fills <paramref name="candidates"/> with the distinct records sharing a usable block with <paramref name="record"/>,
    /// in position order, scanning the smallest blocks first within <see cref="MaxCandidates"/>. Safe to call from
    /// several threads, also while one thread adds and removes: a caller then reads <see cref="Count"/> first and uses
    /// only the positions below it, which may come out unsorted, twice or short of one being removed meanwhile. <paramref name="countSkipped"/> adds skipped
    /// blocks to <see cref="BlocksOverBudget"/>.
    /// </summary>
    public void Candidates(MatchRecord record, List<int> candidates, bool countSkipped = true)
    {
        Span<ulong> keys = stackalloc ulong[Blocking.MaxKeys];
        Candidates(keys[..Blocking.Keys(record, keys)], candidates, countSkipped);
    }

    /// <summary><see cref="Candidates(MatchRecord, List{int}, bool)"/> of a record with these blocking keys.</summary>
    public void Candidates(ReadOnlySpan<ulong> keys, List<int> candidates, bool countSkipped = true)
    {
        candidates.Clear();
        if (_estimates is not null)
        {
            ChosenCandidates(keys, candidates, countSkipped);
            return;
        }
        var found = new FoundBlocks();
        var blocks = 0;
        for (var k = 0; k < keys.Length; k++)
        {
            var postings = _blocks.Get(keys[k]);
            if (postings.Count == 0 || postings.Count >= MaxBlockSize)
            {
                continue;
            }
            // Insertion sort by size: at most a dozen blocks.
            var at = blocks++;
            while (at > 0 && found[at - 1].Count > postings.Count)
            {
                found[at] = found[at - 1];
                at--;
            }
            found[at] = postings;
        }
        var budget = MaxCandidates;
        var scanned = 0;
        for (; scanned < blocks; scanned++)
        {
            var postings = found[scanned];
            if (postings.Count > budget)
            {
                // The rest are at least as large.
                break;
            }
            budget -= postings.Count;
            postings.AddTo(candidates);
        }
        if (countSkipped && scanned < blocks)
        {
            Interlocked.Add(ref _blocksOverBudget, blocks - scanned);
        }
        if (scanned > 1)
        {
            Distinct(candidates);
        }
    }

    /// <summary>
    /// Candidates by the estimates: the records that chose a key this record chooses too.
    /// </summary>
    private void ChosenCandidates(ReadOnlySpan<ulong> keys, List<int> candidates, bool countSkipped)
    {
        var chosen = Choose(keys);
        var scanned = 0;
        for (var k = 0; k < keys.Length; k++)
        {
            if ((chosen & (1 << k)) == 0)
            {
                continue;
            }
            var postings = _blocks.Get(keys[k]);
            if (postings.Count == 0 || postings.Count >= MaxBlockSize)
            {
                continue;
            }
            postings.AddTo(candidates);
            scanned++;
        }
        if (countSkipped)
        {
            var skipped = keys.Length - System.Numerics.BitOperations.PopCount((uint)chosen);
            if (skipped > 0)
            {
                Interlocked.Add(ref _blocksOverBudget, skipped);
            }
        }
        if (scanned > 1)
        {
            Distinct(candidates);
        }
    }

    /// <summary>Sorts and removes repeats: records sharing several keys appear once.</summary>
    private static void Distinct(List<int> candidates)
    {
        var span = CollectionsMarshal.AsSpan(candidates);
        span.Sort();
        var kept = 0;
        for (var i = 0; i < span.Length; i++)
        {
            if (kept == 0 || span[i] != span[kept - 1])
            {
                span[kept++] = span[i];
            }
        }
        candidates.RemoveRange(kept, span.Length - kept);
    }

    /// <summary>Room for one record's blocks, on the stack.</summary>
    [InlineArray(Blocking.MaxKeys)]
    private struct FoundBlocks
    {
        private BlockTable.Block _block;
    }

    /// <summary>Visits every candidate pair of <paramref name="records"/> once, as an online run would meet them.</summary>
    public static long ForEachCandidatePair(IReadOnlyList<MatchRecord> records, Action<MatchRecord, MatchRecord> visit,
        int maxBlockSize = DefaultMaxBlockSize, int maxCandidates = DefaultMaxCandidates, BlockSizeEstimates? estimates = null)
    {
        var index = new CandidateIndex(maxBlockSize, maxCandidates, estimates);
        var candidates = new List<int>();
        long pairs = 0;
        foreach (var record in records)
        {
            index.Candidates(record, candidates);
            foreach (var position in candidates)
            {
                visit(index[position], record);
            }
            pairs += candidates.Count;
            index.Add(record);
        }
        return pairs;
    }
}
