using System.Buffers;

namespace Stitcher.Engine.Matching.Comparators;

/// <summary>
/// Edit distance under optimal string alignment: insertions, deletions, substitutions and transpositions of
/// adjacent chars each cost 1, and no substring is edited twice (so "ca" → "abc" is 3, not 2).
/// </summary>
public static class DamerauLevenshtein
{
    // Three rows of this many ints (plus one) sit on the stack: 3 × 65 × 4 bytes.
    private const int StackLimit = 64;

    /// <summary>
    /// The optimal-string-alignment distance between <paramref name="a"/> and <paramref name="b"/>, ordinal.
    /// Stops as soon as the distance must exceed <paramref name="maxDistance"/> and then returns
    /// <paramref name="maxDistance"/> + 1, so a caller that only asks "within 1?" pays for little more than that.
    /// </summary>
    public static int Distance(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int maxDistance = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);

        // Shared ends cost nothing and cannot take part in a cheaper alignment, so only the middle is compared.
        var prefix = a.CommonPrefixLength(b);
        a = a[prefix..];
        b = b[prefix..];
        var suffix = 0;
        while (suffix < a.Length && suffix < b.Length && a[^(suffix + 1)] == b[^(suffix + 1)])
        {
            suffix++;
        }
        a = a[..^suffix];
        b = b[..^suffix];

        // The rows run along the shorter string.
        if (a.Length < b.Length)
        {
            var swap = a;
            a = b;
            b = swap;
        }
        if (a.Length - b.Length > maxDistance)
        {
            return maxDistance + 1;
        }
        if (b.IsEmpty)
        {
            return a.Length;
        }
        if (maxDistance == 1 && a.Length > 2)
        {
            // One edit leaves a middle of one char (a substitution), one and none (an insertion) or two swapped:
            // anything longer is two edits at least. Most "is it a typo" questions end here.
            return 2;
        }

        var width = b.Length + 1;
        if (b.Length <= StackLimit)
        {
            return Osa(a, b, maxDistance, stackalloc int[3 * width]);
        }
        var rented = ArrayPool<int>.Shared.Rent(3 * width);
        try
        {
            return Osa(a, b, maxDistance, rented.AsSpan(0, 3 * width));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    private static int Osa(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int maxDistance, Span<int> rows)
    {
        var width = b.Length + 1;
        var beforePrevious = rows[..width];
        var previous = rows.Slice(width, width);
        var current = rows.Slice(2 * width, width);
        for (var j = 0; j < width; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var ca = a[i - 1];
            current[0] = i;
            var rowMin = i;
            for (var j = 1; j < width; j++)
            {
                var cb = b[j - 1];
                var cost = ca == cb ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (cost == 1 && i > 1 && j > 1 && ca == b[j - 2] && a[i - 2] == cb)
                {
                    value = Math.Min(value, beforePrevious[j - 2] + 1);
                }
                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }

            // No row has a smaller minimum than the row before it, so once past the limit the distance stays past it.
            if (rowMin > maxDistance)
            {
                return maxDistance + 1;
            }
            var recycled = beforePrevious;
            beforePrevious = previous;
            previous = current;
            current = recycled;
        }
        var distance = previous[b.Length];
        return distance > maxDistance ? maxDistance + 1 : distance;
    }
}
