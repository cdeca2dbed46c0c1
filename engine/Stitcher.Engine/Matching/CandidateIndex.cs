using System.Runtime.InteropServices;

namespace Stitcher.Engine.Matching;

/// <summary>
/// In-memory blocking index: blocking key → the records that have it. A new record's candidates are the
/// earlier records sharing a key. A block that grows past <see cref="MaxBlockSize"/> (a placeholder date, a
/// household's postcode and initial) stops producing candidates and is counted as oversized.
/// </summary>
internal sealed class CandidateIndex
{
    public const int DefaultMaxBlockSize = 1000;

    private readonly Dictionary<ulong, List<int>> _blocks = [];
    private readonly List<MatchRecord> _records = [];
    private int[] _stamps = new int[1024];
    private int _stamp;

    public CandidateIndex(int maxBlockSize = DefaultMaxBlockSize) => MaxBlockSize = maxBlockSize;

    public int MaxBlockSize { get; }

    public int Count => _records.Count;

    /// <summary>Blocks that reached <see cref="MaxBlockSize"/> and no longer produce candidates.</summary>
    public int OversizedBlocks { get; private set; }

    public MatchRecord this[int index] => _records[index];

    /// <summary>Adds a record and returns its position.</summary>
    public int Add(MatchRecord record)
    {
        var position = _records.Count;
        _records.Add(record);
        Span<ulong> keys = stackalloc ulong[Blocking.MaxKeys];
        var count = Blocking.Keys(record, keys);
        for (var k = 0; k < count; k++)
        {
            ref var postings = ref CollectionsMarshal.GetValueRefOrAddDefault(_blocks, keys[k], out _);
            postings ??= new List<int>(2);
            if (postings.Count < MaxBlockSize)
            {
                postings.Add(position);
                if (postings.Count == MaxBlockSize)
                {
                    OversizedBlocks++;
                }
            }
        }
        return position;
    }

    /// <summary>Fills <paramref name="candidates"/> with the distinct records sharing a usable block with <paramref name="record"/>.</summary>
    public void Candidates(MatchRecord record, List<int> candidates)
    {
        candidates.Clear();
        if (_stamps.Length < _records.Count)
        {
            Array.Resize(ref _stamps, Math.Max(_records.Count, _stamps.Length * 2));
        }
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_stamps);
            _stamp = 1;
        }
        Span<ulong> keys = stackalloc ulong[Blocking.MaxKeys];
        var count = Blocking.Keys(record, keys);
        for (var k = 0; k < count; k++)
        {
            if (!_blocks.TryGetValue(keys[k], out var postings) || postings.Count >= MaxBlockSize)
            {
                continue;
            }
            foreach (var position in postings)
            {
                if (_stamps[position] != _stamp)
                {
                    _stamps[position] = _stamp;
                    candidates.Add(position);
                }
            }
        }
    }

    /// <summary>Visits every candidate pair of <paramref name="records"/> once, as an online run would meet them.</summary>
    public static long ForEachCandidatePair(IReadOnlyList<MatchRecord> records, Action<MatchRecord, MatchRecord> visit, int maxBlockSize = DefaultMaxBlockSize)
    {
        var index = new CandidateIndex(maxBlockSize);
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
