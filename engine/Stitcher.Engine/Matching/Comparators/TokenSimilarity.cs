using System.Buffers;

namespace Stitcher.Engine.Matching.Comparators;

/// <summary>
/// Similarity of multi-word values (street addresses, company names) token by token, so that word order,
/// an extra flat number or an abbreviated last word cost only their share: "12 high street" against
/// "12 high st" or "flat 3 12 high street". Tokens are separated by spaces, as normalized text is.
/// </summary>
public static class TokenSimilarity
{
    private const char Separator = ' ';

    // Token boundaries for values up to this many tokens sit on the stack.
    private const int StackTokenLimit = 32;

    /// <summary>
    /// Symmetric Monge–Elkan similarity in [0, 1]: each token of one side is scored by its best Jaro–Winkler match
    /// on the other side, the scores averaged, and the two directions averaged. 0 when either side has no token.
    /// </summary>
    public static double MongeElkan(ReadOnlySpan<char> a, ReadOnlySpan<char> b) => WithTokens(a, b, MongeElkan);

    /// <summary>
    /// <see cref="MongeElkan(ReadOnlySpan{char}, ReadOnlySpan{char})"/> when it is at least <paramref name="floor"/>,
    /// the same value to the last bit; otherwise some value below <paramref name="floor"/>. It stops as soon as the
    /// tokens left cannot lift the average to the floor: most compared addresses are plainly different.
    /// </summary>
    public static double MongeElkan(ReadOnlySpan<char> a, ReadOnlySpan<char> b, double floor)
    {
        var countA = CountTokens(a);
        var countB = CountTokens(b);
        if (countA == 0 || countB == 0)
        {
            return 0;
        }
        if (countA + countB > StackTokenLimit)
        {
            return MongeElkan(a, b);
        }
        Span<Range> tokens = stackalloc Range[countA + countB];
        var tokensA = tokens[..countA];
        var tokensB = tokens[countA..];
        Tokenize(a, tokensA);
        Tokenize(b, tokensB);
        // The other direction scores at most 1. Each bound keeps a little slack against rounding, so a value at the
        // floor is never cut short.
        var floorA = (2 * floor) - 1 - BoundSlack;
        var averageA = BestMatchAverage(a, tokensA, b, tokensB, floorA);
        if (averageA < floorA)
        {
            return Math.Max(0, Math.Min(averageA / 2, floor - BoundSlack));
        }
        var floorB = (2 * floor) - averageA - BoundSlack;
        var averageB = BestMatchAverage(b, tokensB, a, tokensA, floorB);
        if (averageB < floorB)
        {
            return Math.Max(0, Math.Min((averageA + averageB) / 2, floor - BoundSlack));
        }
        return (averageA + averageB) / 2;
    }

    /// <summary>
    /// A bit mask with one bit per token, by a fixed hash of the token (64 buckets): two values whose masks share no
    /// bit share no token, so their <see cref="TokenSetRatio(ReadOnlySpan{char}, ReadOnlySpan{char})"/> is 0 without
    /// comparing them.
    /// </summary>
    public static ulong TokenMask(ReadOnlySpan<char> text)
    {
        ulong mask = 0;
        while (!text.IsEmpty)
        {
            var start = text.IndexOfAnyExcept(Separator);
            if (start < 0)
            {
                break;
            }
            text = text[start..];
            var end = text.IndexOf(Separator);
            var token = end < 0 ? text : text[..end];
            mask |= 1UL << TokenBucket(token);
            text = end < 0 ? default : text[end..];
        }
        return mask;
    }

    /// <summary>
    /// The share of distinct tokens the two sides have in common, relative to the side with fewer distinct tokens,
    /// in [0, 1]; tokens must be equal (ordinal). A value contained in the other scores 1. 0 when either side has no token.
    /// </summary>
    public static double TokenSetRatio(ReadOnlySpan<char> a, ReadOnlySpan<char> b) => WithTokens(a, b, TokenSetRatio);

    /// <summary>A score computed from both values and room for their token boundaries.</summary>
    private delegate double TokenScore(ReadOnlySpan<char> a, ReadOnlySpan<char> b, Span<Range> tokensA, Span<Range> tokensB);

    /// <summary>
    /// Runs <paramref name="score"/> with room for each side's token boundaries: on the stack for short values,
    /// pooled for long ones. 0 when either side has no token.
    /// </summary>
    private static double WithTokens(ReadOnlySpan<char> a, ReadOnlySpan<char> b, TokenScore score)
    {
        var countA = CountTokens(a);
        var countB = CountTokens(b);
        if (countA == 0 || countB == 0)
        {
            return 0;
        }
        if (countA + countB <= StackTokenLimit)
        {
            Span<Range> stackTokens = stackalloc Range[countA + countB];
            return score(a, b, stackTokens[..countA], stackTokens[countA..]);
        }
        var rented = ArrayPool<Range>.Shared.Rent(countA + countB);
        try
        {
            var tokens = rented.AsSpan(0, countA + countB);
            return score(a, b, tokens[..countA], tokens[countA..]);
        }
        finally
        {
            ArrayPool<Range>.Shared.Return(rented);
        }
    }

    // FNV-1a over the characters, its top six bits after a multiplicative mix: the same bucket in every process.
    private static int TokenBucket(ReadOnlySpan<char> token)
    {
        var hash = 2166136261u;
        foreach (var c in token)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)((hash * 0x9E3779B1u) >> 26);
    }

    private static double MongeElkan(ReadOnlySpan<char> a, ReadOnlySpan<char> b, Span<Range> tokensA, Span<Range> tokensB)
    {
        Tokenize(a, tokensA);
        Tokenize(b, tokensB);
        return (BestMatchAverage(a, tokensA, b, tokensB, double.NegativeInfinity)
            + BestMatchAverage(b, tokensB, a, tokensA, double.NegativeInfinity)) / 2;
    }

    // Tolerance for the early stop: the bound is summed in another order than the average it bounds.
    private const double BoundSlack = 1e-9;

    /// <summary>
    /// The average best match of <paramref name="from"/>'s tokens; or, once the tokens left (each at most 1) can no
    /// longer bring it to <paramref name="floor"/>, a value below the floor (negative infinity: never stops early).
    /// </summary>
    private static double BestMatchAverage(ReadOnlySpan<char> from, ReadOnlySpan<Range> fromTokens, ReadOnlySpan<char> to, ReadOnlySpan<Range> toTokens,
        double floor)
    {
        var sum = 0.0;
        var stopBelow = floor * fromTokens.Length;
        for (var i = 0; i < fromTokens.Length; i++)
        {
            if (sum + (fromTokens.Length - i) < stopBelow)
            {
                return double.NegativeInfinity;
            }
            var token = from[fromTokens[i]];
            var best = 0.0;
            foreach (var toToken in toTokens)
            {
                best = Math.Max(best, JaroWinkler.Similarity(token, to[toToken]));
                if (best == 1)
                {
                    break;
                }
            }
            sum += best;
        }
        return sum / fromTokens.Length;
    }

    private static double TokenSetRatio(ReadOnlySpan<char> a, ReadOnlySpan<char> b, Span<Range> tokensA, Span<Range> tokensB)
    {
        Tokenize(a, tokensA);
        Tokenize(b, tokensB);
        var distinctA = 0;
        var common = 0;
        for (var i = 0; i < tokensA.Length; i++)
        {
            var token = a[tokensA[i]];
            if (IndexOf(a, tokensA[..i], token) >= 0)
            {
                continue;
            }
            distinctA++;
            if (IndexOf(b, tokensB, token) >= 0)
            {
                common++;
            }
        }
        var distinctB = 0;
        for (var i = 0; i < tokensB.Length; i++)
        {
            if (IndexOf(b, tokensB[..i], b[tokensB[i]]) < 0)
            {
                distinctB++;
            }
        }
        return (double)common / Math.Min(distinctA, distinctB);
    }

    // Values have a handful of tokens, so a linear scan beats building a set.
    private static int IndexOf(ReadOnlySpan<char> text, ReadOnlySpan<Range> tokens, ReadOnlySpan<char> token)
    {
        for (var i = 0; i < tokens.Length; i++)
        {
            if (text[tokens[i]].SequenceEqual(token))
            {
                return i;
            }
        }
        return -1;
    }

    private static int CountTokens(ReadOnlySpan<char> text)
    {
        var count = 0;
        var inToken = false;
        foreach (var c in text)
        {
            var isSeparator = c == Separator;
            if (!isSeparator && !inToken)
            {
                count++;
            }
            inToken = !isSeparator;
        }
        return count;
    }

    private static void Tokenize(ReadOnlySpan<char> text, Span<Range> tokens)
    {
        var count = 0;
        var start = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == Separator)
            {
                if (start >= 0)
                {
                    tokens[count++] = new Range(start, i);
                    start = -1;
                }
            }
            else if (start < 0)
            {
                start = i;
            }
        }
        if (start >= 0)
        {
            tokens[count] = new Range(start, text.Length);
        }
    }
}
