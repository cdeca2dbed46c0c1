using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Matching;

/// <summary>
/// Compares two records field by field into a comparison vector (one <see cref="ComparisonLevel"/> per
/// <see cref="MatchField"/>). Allocation-free: called once per candidate pair.
/// </summary>
internal sealed class RecordComparer
{
    private const double StreetClose = 0.95;
    private const double StreetLoose = 0.8;
    private const double CityClose = 0.92;
    private const double CityLoose = 0.85;

    private readonly NameComparator _names = new();

    public void Compare(MatchRecord a, MatchRecord b, Span<ComparisonLevel> levels)
    {
        levels[(int)MatchField.GivenName] = a.GivenName is null || b.GivenName is null
            ? ComparisonLevel.Missing
            : _names.Compare(a.GivenName, b.GivenName);
        levels[(int)MatchField.Surname] = a.Surname is null || b.Surname is null
            ? ComparisonLevel.Missing
            : _names.CompareSurname(a.Surname, b.Surname);
        if (levels[(int)MatchField.GivenName] <= ComparisonLevel.Loose && levels[(int)MatchField.Surname] <= ComparisonLevel.Loose
            && a.GivenName is not null && a.Surname is not null && b.GivenName is not null && b.Surname is not null
            && (a.GivenCode == b.SurnameCode || a.GivenName[0] == b.Surname[0]))
        {
            // Given name and surname written the other way round ("Kim Minjun" / "Minjun Kim").
            var crossGiven = _names.Compare(a.GivenName, b.Surname);
            var crossSurname = _names.CompareSurname(a.Surname, b.GivenName);
            if (crossGiven >= ComparisonLevel.Close && crossSurname >= ComparisonLevel.Close)
            {
                levels[(int)MatchField.GivenName] = ComparisonLevel.Close;
                levels[(int)MatchField.Surname] = ComparisonLevel.Close;
            }
        }
        levels[(int)MatchField.DateOfBirth] = DateComparator.Compare(a.DateOfBirth, b.DateOfBirth);
        levels[(int)MatchField.Street] = CompareStreet(a.Street, b.Street);
        levels[(int)MatchField.City] = CompareText(a.City, b.City, CityClose, CityLoose);
        levels[(int)MatchField.Postcode] = a.Postcode is null || b.Postcode is null
            ? ComparisonLevel.Missing
            : NumericComparator.Postcode(a.Postcode, b.Postcode);
        levels[(int)MatchField.State] = a.State is null || b.State is null
            ? ComparisonLevel.Missing
            : a.State == b.State ? ComparisonLevel.Exact : ComparisonLevel.Different;
        levels[(int)MatchField.Email] = a.Email is null || b.Email is null
            ? ComparisonLevel.Missing
            : EmailComparator.Compare(a.Email, b.Email);
        levels[(int)MatchField.Phone] = ComparePhone(a.Phone, b.Phone);
        levels[(int)MatchField.NationalId] = CompareIdentifier(a.NationalId, b.NationalId);
    }

    private static ComparisonLevel CompareStreet(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return ComparisonLevel.Missing;
        }
        if (a == b)
        {
            return ComparisonLevel.Exact;
        }
        // Most compared addresses share no token at all; the token set check costs a fifth of Monge–Elkan.
        if (TokenSimilarity.TokenSetRatio(a, b) == 0)
        {
            return ComparisonLevel.Different;
        }
        var similarity = TokenSimilarity.MongeElkan(a, b);
        return similarity >= StreetClose ? ComparisonLevel.Close
            : similarity >= StreetLoose ? ComparisonLevel.Loose
            : ComparisonLevel.Different;
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
    private static ComparisonLevel ComparePhone(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return ComparisonLevel.Missing;
        }
        if (a == b)
        {
            return ComparisonLevel.Exact;
        }
        const int Subscriber = 7;
        if (a.Length >= Subscriber && b.Length >= Subscriber && a.AsSpan(a.Length - Subscriber).SequenceEqual(b.AsSpan(b.Length - Subscriber)))
        {
            return ComparisonLevel.Close;
        }
        return DamerauLevenshtein.Distance(a, b, 1) <= 1 ? ComparisonLevel.Loose : ComparisonLevel.Different;
    }

    /// <summary>Typed identifiers such as a national id: one typo is close, two are loose.</summary>
    private static ComparisonLevel CompareIdentifier(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return ComparisonLevel.Missing;
        }
        if (a == b)
        {
            return ComparisonLevel.Exact;
        }
        var distance = DamerauLevenshtein.Distance(a, b, 2);
        return distance == 1 ? ComparisonLevel.Close : distance == 2 ? ComparisonLevel.Loose : ComparisonLevel.Different;
    }
}
