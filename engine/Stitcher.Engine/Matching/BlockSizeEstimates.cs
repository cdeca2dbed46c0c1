using System.Buffers.Binary;
using System.Text.Json.Serialization;

namespace Stitcher.Engine.Matching;

/// <summary>
/// How many records each common blocking key is expected to hold, learnt at training and saved with the model. The
/// candidate budget chooses a record's blocks by these fixed figures, never by how large a block happens to be when the
/// record arrives, so which pairs are compared depends only on which records there are (see <see cref="CandidateIndex"/>).
/// </summary>
/// <remarks>
/// A key's estimate is the number of training records that had it, times <see cref="Scale"/> (the training data's
/// records per sampled record). Only keys at or above <see cref="MinStored"/> are kept; any other key counts as held by
/// the record alone, which costs nothing against the budget. Saved as base64 of (key, estimate) pairs sorted by key, so
/// any permutation of the same training records writes the same bytes.
/// </remarks>
public sealed class BlockSizeEstimates
{
    /// <summary>The version of <see cref="Blocking.Keys"/> the keys were made by; other versions' tables are not used.</summary>
    public const int CurrentKeyVersion = 1;

    private const int PairBytes = 12;

    private Dictionary<ulong, int>? _sizes;

    /// <summary>Which version of the blocking keys <see cref="Packed"/> holds.</summary>
    public int KeyVersion { get; set; } = CurrentKeyVersion;

    /// <summary>Records of the training data per record trained on (1 when the whole data was sampled).</summary>
    public double Scale { get; set; } = 1;

    /// <summary>
    /// How many records the estimates describe (the training data's). An index holding more scales them up, so that its
    /// budget stays bounded as the store outgrows the data the model was trained on.
    /// </summary>
    public long Population { get; set; }

    /// <summary>The smallest estimate stored.</summary>
    public int MinStored { get; set; }

    /// <summary>How many keys <see cref="Packed"/> holds.</summary>
    public int Keys { get; set; }

    /// <summary>Base64 of 12 bytes per key: the key (little-endian 64 bits), then its estimate (32 bits).</summary>
    public string Packed { get; set; } = "";

    /// <summary>Whether this table can be used with the blocking keys of this build.</summary>
    [JsonIgnore]
    public bool IsCurrent => KeyVersion == CurrentKeyVersion && Population > 0;

    /// <summary>The expected number of records holding <paramref name="key"/>, the record itself included (at least 1).</summary>
    public int this[ulong key] => Sizes().TryGetValue(key, out var size) ? size : 1;

    /// <summary>
    /// Counts the blocking keys of <paramref name="records"/> (a sample of <paramref name="scale"/> times as many records)
    /// and keeps those expected in at least <paramref name="minStored"/> records.
    /// </summary>
    internal static BlockSizeEstimates Count(IReadOnlyList<MatchRecord> records, double scale, int minStored)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        var counts = new Dictionary<ulong, int>(records.Count * 4);
        Span<ulong> keys = stackalloc ulong[Blocking.MaxKeys];
        foreach (var record in records)
        {
            var count = Blocking.Keys(record, keys);
            for (var k = 0; k < count; k++)
            {
                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, keys[k], out _)++;
            }
        }
        var kept = new List<(ulong Key, int Size)>();
        foreach (var (key, count) in counts)
        {
            // A key seen once in a sample says nothing about the rest of the data: it stays at the default.
            var size = (int)Math.Min(int.MaxValue, Math.Round(count * scale));
            if (count >= 2 && size >= minStored)
            {
                kept.Add((key, size));
            }
        }
        kept.Sort(static (a, b) => a.Key.CompareTo(b.Key));
        var bytes = new byte[kept.Count * PairBytes];
        for (var i = 0; i < kept.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * PairBytes), kept[i].Key);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((i * PairBytes) + 8), kept[i].Size);
        }
        var estimates = new BlockSizeEstimates
        {
            Scale = scale,
            Population = (long)Math.Round(records.Count * scale),
            MinStored = minStored,
            Keys = kept.Count,
            Packed = Convert.ToBase64String(bytes),
        };
        estimates._sizes = kept.ToDictionary(static k => k.Key, static k => k.Size);
        return estimates;
    }

    /// <summary>Reads <see cref="Packed"/> once; the lookup is then read-only, safe from any number of threads.</summary>
    private Dictionary<ulong, int> Sizes()
    {
        if (_sizes is { } sizes)
        {
            return sizes;
        }
        var bytes = Convert.FromBase64String(Packed);
        if (bytes.Length % PairBytes != 0 || bytes.Length / PairBytes != Keys)
        {
            throw new InvalidDataException($"block_sizes holds {bytes.Length} bytes, not {Keys} keys of {PairBytes} bytes.");
        }
        sizes = new Dictionary<ulong, int>(Keys);
        for (var at = 0; at < bytes.Length; at += PairBytes)
        {
            sizes[BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at))] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 8));
        }
        return Interlocked.CompareExchange(ref _sizes, sizes, null) ?? sizes;
    }

    /// <summary>Checks the packed table when a model is loaded, so that a damaged file is refused there and not while linking.</summary>
    internal void Validate(string path)
    {
        try
        {
            _ = Sizes();
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"Model file '{path}': block_sizes.packed is not base64: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Model file '{path}': {e.Message}");
        }
    }
}
