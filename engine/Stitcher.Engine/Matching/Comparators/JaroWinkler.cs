using System.Buffers;

namespace Stitcher.Engine.Matching.Comparators;

/// <summary>
/// Jaro–Winkler similarity: 1 for equal strings, 0 when nothing matches or either side is empty; common
/// prefixes (up to four chars) raise the score, as typos are rarer at the start of a name.
/// </summary>
public static class JaroWinkler
{
    /// <summary>Winkler's prefix scale: how much each char of common prefix closes the gap to 1.</summary>
    public const double PrefixScale = 0.1;

    /// <summary>The longest common prefix that counts.</summary>
    public const int MaxPrefixLength = 4;

    /// <summary>Winkler's threshold: the prefix bonus applies only to pairs already this similar.</summary>
    public const double BoostThreshold = 0.7;

    // Match flags for strings up to this long sit on the stack (2 × 128 bools).
    private const int StackLimit = 128;

    /// <summary>The Jaro–Winkler similarity of <paramref name="a"/> and <paramref name="b"/>, ordinal, in [0, 1].</summary>
    public static double Similarity(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.IsEmpty || b.IsEmpty)
        {
            return 0;
        }
        if (a.SequenceEqual(b))
        {
            return 1;
        }
        var jaro = a.Length <= StackLimit && b.Length <= StackLimit
            ? Jaro(a, b, stackalloc bool[a.Length], stackalloc bool[b.Length])
            : JaroPooled(a, b);
        if (jaro <= BoostThreshold)
        {
            return jaro;
        }
        var limit = Math.Min(MaxPrefixLength, Math.Min(a.Length, b.Length));
        var prefix = 0;
        while (prefix < limit && a[prefix] == b[prefix])
        {
            prefix++;
        }
        return jaro + (prefix * PrefixScale * (1 - jaro));
    }

    /// <summary>
    /// Whether <see cref="Similarity"/> reaches <paramref name="threshold"/>. Most pairs a comparator asks about are
    /// nowhere near it, and an upper bound from character counts alone (Jaro's matches cannot outnumber the
    /// characters the strings share) answers for them without the quadratic match search.
    /// </summary>
    public static bool IsAtLeast(ReadOnlySpan<char> a, ReadOnlySpan<char> b, double threshold) =>
        UpperBound(a, b) >= threshold && Similarity(a, b) >= threshold;

    /// <summary>
    /// A value <see cref="Similarity"/> never exceeds: Jaro with every shared character matched and no transposition,
    /// boosted by the longest prefix allowed. 1 when the bound does not apply (non-ASCII or very long text).
    /// </summary>
    internal static double UpperBound(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        const int Alphabet = 128;
        if (a.IsEmpty || b.IsEmpty)
        {
            return 0;
        }
        if (a.Length > byte.MaxValue || b.Length > byte.MaxValue)
        {
            return 1;
        }
        Span<byte> counts = stackalloc byte[Alphabet];
        counts.Clear();
        foreach (var c in a)
        {
            if (c >= Alphabet)
            {
                return 1;
            }
            counts[c]++;
        }
        var shared = 0;
        foreach (var c in b)
        {
            if (c >= Alphabet)
            {
                return 1;
            }
            if (counts[c] > 0)
            {
                counts[c]--;
                shared++;
            }
        }
        if (shared == 0)
        {
            return 0;
        }
        var jaro = (((double)shared / a.Length) + ((double)shared / b.Length) + 1) / 3;
        return jaro <= BoostThreshold ? jaro : jaro + (MaxPrefixLength * PrefixScale * (1 - jaro));
    }

    private static double JaroPooled(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var rented = ArrayPool<bool>.Shared.Rent(a.Length + b.Length);
        try
        {
            var flags = rented.AsSpan(0, a.Length + b.Length);
            flags.Clear();
            return Jaro(a, b, flags[..a.Length], flags[a.Length..]);
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(rented);
        }
    }

    private static double Jaro(ReadOnlySpan<char> a, ReadOnlySpan<char> b, Span<bool> matchedA, Span<bool> matchedB)
    {
        var window = Math.Max(0, (Math.Max(a.Length, b.Length) / 2) - 1);
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var start = Math.Max(0, i - window);
            var end = Math.Min(b.Length, i + window + 1);
            var c = a[i];
            for (var j = start; j < end; j++)
            {
                if (!matchedB[j] && b[j] == c)
                {
                    matchedA[i] = true;
                    matchedB[j] = true;
                    matches++;
                    break;
                }
            }
        }
        if (matches == 0)
        {
            return 0;
        }

        // Matched chars taken in order from each side; every position where they disagree is half a transposition.
        var halfTranspositions = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (!matchedA[i])
            {
                continue;
            }
            while (!matchedB[k])
            {
                k++;
            }
            if (a[i] != b[k])
            {
                halfTranspositions++;
            }
            k++;
        }
        double m = matches;
        return ((m / a.Length) + (m / b.Length) + ((m - (halfTranspositions / 2)) / m)) / 3;
    }
}
