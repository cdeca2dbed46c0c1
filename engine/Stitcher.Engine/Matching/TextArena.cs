namespace Stitcher.Engine.Matching;

/// <summary>
/// Where the matcher's index keeps its records' text values (streets, emails, phones, national ids): appended to
/// large shared char arrays, a record's values one after another, instead of a string object per value. A string
/// carries some 24 bytes of header and is one more object for the garbage collector to trace; at 10M indexed records
/// that was half a gigabyte and some 20M objects. Append-only: the text of a replaced record stays until the engine
/// stops, as its string did. One thread appends; a reader sees a record's text once the record is published.
/// </summary>
internal sealed class TextArena
{
    /// <summary>Chars per shared array (2 MiB).</summary>
    public const int ChunkChars = 1 << 20;

    // Longer text gets its own array, so that a chunk never wastes more than this much at its end.
    private const int MaxSharedChars = ChunkChars / 64;

    private char[] _chunk = [];
    private int _used;

    /// <summary>Chars stored so far, in shared chunks and in arrays of their own.</summary>
    public long Chars { get; private set; }

    /// <summary>Copies <paramref name="text"/> into the arena; returns the array and the offset it now lies at.</summary>
    public (char[] Array, int Start) Store(ReadOnlySpan<char> text)
    {
        Chars += text.Length;
        if (text.IsEmpty)
        {
            return ([], 0);
        }
        if (text.Length > MaxSharedChars)
        {
            return (text.ToArray(), 0);
        }
        if (_chunk.Length - _used < text.Length)
        {
            _chunk = new char[ChunkChars];
            _used = 0;
        }
        var start = _used;
        text.CopyTo(_chunk.AsSpan(start));
        _used += text.Length;
        return (_chunk, start);
    }
}
