namespace Stitcher.Engine.Matching.Comparators;

/// <summary>Codes typed digit by digit, where a near miss is a typo rather than a different value.</summary>
public static class NumericComparator
{
    /// <summary>Postcodes that share this many leading chars are in the same area (a US ZIP3, a UK outward code start).</summary>
    public const int PostcodeAreaLength = 3;

    /// <summary>
    /// Normalized postcodes (<see cref="Normalization.PostcodeNormalizer"/>). Exact: equal. Close: same length with one
    /// char different or two adjacent chars swapped. Loose: the first <see cref="PostcodeAreaLength"/> chars agree.
    /// Different: anything else. Missing: either is empty.
    /// </summary>
    public static ComparisonLevel Postcode(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.IsEmpty || b.IsEmpty)
        {
            return ComparisonLevel.Missing;
        }
        if (a.SequenceEqual(b))
        {
            return ComparisonLevel.Exact;
        }
        if (a.Length == b.Length && IsOneTypoApart(a, b))
        {
            return ComparisonLevel.Close;
        }
        if (a.Length >= PostcodeAreaLength && b.Length >= PostcodeAreaLength
            && a[..PostcodeAreaLength].SequenceEqual(b[..PostcodeAreaLength]))
        {
            return ComparisonLevel.Loose;
        }
        return ComparisonLevel.Different;
    }

    // Equal-length values that differ in one position, or in two neighbouring positions holding each other's chars.
    private static bool IsOneTypoApart(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var first = a.CommonPrefixLength(b);
        var rest = first + 1;
        if (a[rest..].SequenceEqual(b[rest..]))
        {
            return true;
        }
        return rest < a.Length
            && a[first] == b[rest]
            && a[rest] == b[first]
            && a[(rest + 1)..].SequenceEqual(b[(rest + 1)..]);
    }
}
