using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Matching;

/// <summary>
/// Compares two records field by field into a comparison vector (one <see cref="ComparisonLevel"/> per
/// <see cref="MatchField"/>). Allocation-free once warm: called once per candidate pair.
/// </summary>
/// <remarks>
/// Names and cities come from small vocabularies (a few thousand common names cover most people), so the same
/// two values meet again and again: their level is remembered per comparer, up to <see cref="MaxCachedPairs"/>
/// pairs per field (about 10 MB), instead of running Jaro–Winkler, nickname and phonetic checks for every pair. A comparer is not
/// thread-safe; parallel scoring gives each worker its own.
/// </remarks>
internal sealed class RecordComparer
{
    /// <summary>Remembered value pairs per field; the cache starts over when full.</summary>
    public const int MaxCachedPairs = 1 << 18;

    private const double StreetClose = 0.95;
    private const double StreetLoose = 0.8;
    private const double CityClose = 0.92;
    private const double CityLoose = 0.85;

    private readonly NameComparator _names = new();
    private readonly Dictionary<(string, string), ComparisonLevel> _givenNames = new(PairComparer.Instance);
    private readonly Dictionary<(string, string), ComparisonLevel> _surnames = new(PairComparer.Instance);
    private readonly Dictionary<(string, string), ComparisonLevel> _cities = new(PairComparer.Instance);

    /// <summary>The fields <see cref="CompareCheap"/> may leave open, as bits by <see cref="MatchField"/>: street and email.</summary>
    public const int CostlyFields = (1 << (int)MatchField.Street) | (1 << (int)MatchField.Email);

    public void Compare(MatchRecord a, MatchRecord b, Span<ComparisonLevel> levels) => CompareCostly(a, b, levels, CompareCheap(a, b, levels));

    /// <summary>
    /// Compares every field but the street and the email where both records have one that needs reading (whose level
    /// is then not set): returns those left open, as bits of <see cref="CostlyFields"/>, for <see cref="CompareCostly"/>.
    /// Most candidate pairs are different people, and what the cheap fields say is then often enough to tell that the
    /// pair cannot reach the review band whatever its street and email.
    /// </summary>
    public int CompareCheap(MatchRecord a, MatchRecord b, Span<ComparisonLevel> levels)
    {
        levels[(int)MatchField.GivenName] = a.GivenName is null || b.GivenName is null
            ? ComparisonLevel.Missing
            : CompareGiven(a.GivenName, b.GivenName);
        levels[(int)MatchField.Surname] = a.Surname is null || b.Surname is null
            ? ComparisonLevel.Missing
            : CompareSurname(a.Surname, b.Surname);
        if (levels[(int)MatchField.GivenName] <= ComparisonLevel.Loose && levels[(int)MatchField.Surname] <= ComparisonLevel.Loose
            && a.GivenName is not null && a.Surname is not null && b.GivenName is not null && b.Surname is not null
            && (a.GivenCode == b.SurnameCode || a.GivenName[0] == b.Surname[0]))
        {
            // Given name and surname written the other way round ("Kim Minjun" / "Minjun Kim").
            var crossGiven = CompareGiven(a.GivenName, b.Surname);
            var crossSurname = CompareSurname(a.Surname, b.GivenName);
            if (crossGiven >= ComparisonLevel.Close && crossSurname >= ComparisonLevel.Close)
            {
                levels[(int)MatchField.GivenName] = ComparisonLevel.Close;
                levels[(int)MatchField.Surname] = ComparisonLevel.Close;
            }
        }
        levels[(int)MatchField.DateOfBirth] = DateComparator.Compare(a.DateOfBirth, b.DateOfBirth);
        levels[(int)MatchField.City] = a.City is null || b.City is null
            ? ComparisonLevel.Missing
            : Cached(_cities, a.City, b.City, static (_, x, y) => CompareText(x, y, CityClose, CityLoose));
        levels[(int)MatchField.Postcode] = a.Postcode is null || b.Postcode is null
            ? ComparisonLevel.Missing
            : NumericComparator.Postcode(a.Postcode, b.Postcode);
        levels[(int)MatchField.State] = a.State is null || b.State is null
            ? ComparisonLevel.Missing
            : a.State == b.State ? ComparisonLevel.Exact : ComparisonLevel.Different;
        levels[(int)MatchField.Phone] = a.HasPhone && b.HasPhone ? ComparePhone(a.Phone, b.Phone) : ComparisonLevel.Missing;
        levels[(int)MatchField.NationalId] = a.HasNationalId && b.HasNationalId
            ? CompareIdentifier(a.NationalId, b.NationalId)
            : ComparisonLevel.Missing;
        var open = 0;
        if (!a.HasStreet || !b.HasStreet || DisjointStreetTokens(a, b))
        {
            // Known without reading either street: missing, or no token in common.
            levels[(int)MatchField.Street] = CompareStreet(a, b);
        }
        else
        {
            open |= 1 << (int)MatchField.Street;
        }
        if (!a.HasEmail || !b.HasEmail)
        {
            levels[(int)MatchField.Email] = ComparisonLevel.Missing;
        }
        else
        {
            open |= 1 << (int)MatchField.Email;
        }
        return open;
    }

    /// <summary>Sets the levels of the fields <see cref="CompareCheap"/> left open (<paramref name="open"/>).</summary>
    public static void CompareCostly(MatchRecord a, MatchRecord b, Span<ComparisonLevel> levels, int open)
    {
        if ((open & (1 << (int)MatchField.Street)) != 0)
        {
            levels[(int)MatchField.Street] = CompareStreet(a, b);
        }
        if ((open & (1 << (int)MatchField.Email)) != 0)
        {
            levels[(int)MatchField.Email] = EmailComparator.Compare(a.Email, b.Email);
        }
    }

    /// <summary>Streets with token masks that share no bit: two different streets (equal streets have equal masks).</summary>
    private static bool DisjointStreetTokens(MatchRecord a, MatchRecord b) =>
        (a.StreetTokens & b.StreetTokens) == 0 && a.StreetTokens != 0 && b.StreetTokens != 0;

    private ComparisonLevel CompareGiven(string a, string b) =>
        Cached(_givenNames, a, b, static (names, x, y) => names.Compare(x, y));

    private ComparisonLevel CompareSurname(string a, string b) =>
        Cached(_surnames, a, b, static (names, x, y) => names.CompareSurname(x, y));

    private ComparisonLevel Cached(Dictionary<(string, string), ComparisonLevel> cache, string a, string b, Func<NameComparator, string, string, ComparisonLevel> compare)
    {
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            // Equal values need no cache entry; every comparator calls them exact.
            return compare(_names, a, b);
        }
        if (cache.TryGetValue((a, b), out var level))
        {
            return level;
        }
        level = compare(_names, a, b);
        if (cache.Count >= MaxCachedPairs)
        {
            cache.Clear();
        }
        cache[(a, b)] = level;
        return level;
    }

    /// <summary>Ordinal equality of both values; the hash mixes both, so (a, b) and (b, a) are different keys.</summary>
    private sealed class PairComparer : IEqualityComparer<(string, string)>
    {
        public static PairComparer Instance { get; } = new();

        public bool Equals((string, string) x, (string, string) y) =>
            string.Equals(x.Item1, y.Item1, StringComparison.Ordinal) && string.Equals(x.Item2, y.Item2, StringComparison.Ordinal);

        public int GetHashCode((string, string) pair) =>
            HashCode.Combine(string.GetHashCode(pair.Item1, StringComparison.Ordinal), string.GetHashCode(pair.Item2, StringComparison.Ordinal));
    }

    private static ComparisonLevel CompareStreet(MatchRecord left, MatchRecord right)
    {
        if (!left.HasStreet || !right.HasStreet)
        {
            return ComparisonLevel.Missing;
        }
        var a = left.Street;
        var b = right.Street;
        // Most compared addresses share no token at all (seven in ten in a 300k backfill): their token masks tell
        // most of them apart before the candidate's street is read (a cache miss at a million records); equal
        // streets have equal masks, so two masks with tokens but no common bit are two different streets. The token
        // set check tells the rest, at a fifth of the cost of Monge–Elkan. Of the addresses that do share a token,
        // nineteen in twenty are still different: Monge–Elkan stops when they must be.
        if (DisjointStreetTokens(left, right))
        {
            return ComparisonLevel.Different;
        }
        if (a.SequenceEqual(b))
        {
            return ComparisonLevel.Exact;
        }
        if ((left.StreetTokens & right.StreetTokens) == 0 || TokenSimilarity.TokenSetRatio(a, b) == 0)
        {
            return ComparisonLevel.Different;
        }
        var similarity = TokenSimilarity.MongeElkan(a, b, StreetLoose);
        return similarity >= StreetClose ? (SameNumbers(a, b) ? ComparisonLevel.Close : ComparisonLevel.Loose)
            : similarity >= StreetLoose ? ComparisonLevel.Loose
            : ComparisonLevel.Different;
    }

    /// <summary>
    /// Whether the house and unit numbers agree, in order, when both addresses have any: 종로구 올림픽로 183 and
    /// 종로구 올림픽로 18 are neighbours on one road, as are 12 Main St and 21 Main St, not one address with a typo.
    /// </summary>
    internal static bool SameNumbers(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.IndexOfAnyInRange('0', '9') < 0 || b.IndexOfAnyInRange('0', '9') < 0)
        {
            return true;
        }
        while (true)
        {
            var numberA = NextNumber(ref a);
            var numberB = NextNumber(ref b);
            if (numberA.IsEmpty || numberB.IsEmpty)
            {
                return numberA.IsEmpty && numberB.IsEmpty;
            }
            if (!numberA.SequenceEqual(numberB))
            {
                return false;
            }
        }
    }

    // The next run of digits, and the text after it.
    private static ReadOnlySpan<char> NextNumber(ref ReadOnlySpan<char> text)
    {
        var start = text.IndexOfAnyInRange('0', '9');
        if (start < 0)
        {
            text = default;
            return default;
        }
        var rest = text[start..];
        var length = rest.IndexOfAnyExceptInRange('0', '9');
        var number = length < 0 ? rest : rest[..length];
        text = length < 0 ? default : rest[length..];
        return number;
    }

    private static ComparisonLevel CompareText(string? a, string? b, double close, double loose)
    {
        if (a is null || b is null)
        {
            return ComparisonLevel.Missing;
        }
        if (a == b)
        {
            return ComparisonLevel.Exact;
        }
        var similarity = JaroWinkler.Similarity(a, b);
        return similarity >= close ? ComparisonLevel.Close
            : similarity >= loose ? ComparisonLevel.Loose
            : ComparisonLevel.Different;
    }

    /// <summary>E.164 numbers: the same subscriber number under another prefix is close; one typo is loose.</summary>
    private static ComparisonLevel ComparePhone(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.SequenceEqual(b))
        {
            return ComparisonLevel.Exact;
        }
        const int Subscriber = 7;
        if (a.Length >= Subscriber && b.Length >= Subscriber && a[^Subscriber..].SequenceEqual(b[^Subscriber..]))
        {
            return ComparisonLevel.Close;
        }
        return DamerauLevenshtein.Distance(a, b, 1) <= 1 ? ComparisonLevel.Loose : ComparisonLevel.Different;
    }

    /// <summary>Typed identifiers such as a national id: one typo is close, two are loose.</summary>
    private static ComparisonLevel CompareIdentifier(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.SequenceEqual(b))
        {
            return ComparisonLevel.Exact;
        }
        var distance = DamerauLevenshtein.Distance(a, b, 2);
        return distance == 1 ? ComparisonLevel.Close : distance == 2 ? ComparisonLevel.Loose : ComparisonLevel.Different;
    }
}
