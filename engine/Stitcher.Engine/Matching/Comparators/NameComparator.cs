using System.Buffers;
using Stitcher.Engine.Normalization;

namespace Stitcher.Engine.Matching.Comparators;

/// <summary>
/// Normalized person names (<see cref="NameNormalizer.NormalizeForMatch"/>), English or Korean. Exact: equal once
/// spaces and hyphens are ignored and Hangul is romanized (민준 / "min jun"); for surnames also a Hangul surname
/// against one of its usual spellings (이 / "rhee"). Close: Jaro–Winkler ≥ <see cref="CloseSimilarity"/>, nickname
/// variants (bob / robert), the same or nickname first word of a given name (john paul / john), or two spellings of one
/// Korean surname ("lee" / "yi"). Loose: Jaro–Winkler ≥ <see cref="LooseSimilarity"/>, a shared Double Metaphone
/// code, or an initial that matches ("j" / "john"). Different: anything else. Missing: either is empty.
/// </summary>
public sealed class NameComparator
{
    /// <summary>Names at least this similar (Jaro–Winkler) are Close.</summary>
    public const double CloseSimilarity = 0.92;

    /// <summary>Names at least this similar (Jaro–Winkler) are Loose.</summary>
    public const double LooseSimilarity = 0.85;

    // Revised Romanization writes at most seven chars for one syllable (HangulRomanizer).
    private const int MaxRomanizedCharsPerChar = 7;

    // Both comparable forms together, in chars, up to which they sit on the stack.
    private const int StackLimit = 256;

    private readonly NicknameTable _nicknames;

    /// <summary>A comparator that uses the bundled <see cref="NicknameTable.Default"/>.</summary>
    public NameComparator()
        : this(NicknameTable.Default)
    {
    }

    /// <summary>A comparator that takes nicknames from <paramref name="nicknames"/>.</summary>
    public NameComparator(NicknameTable nicknames)
    {
        ArgumentNullException.ThrowIfNull(nicknames);
        _nicknames = nicknames;
    }

    /// <summary>How two given names agree.</summary>
    public ComparisonLevel Compare(ReadOnlySpan<char> a, ReadOnlySpan<char> b) => Compare(a, b, isSurname: false);

    /// <summary>How two surnames agree: as given names, without nicknames, with Korean surname spellings.</summary>
    public ComparisonLevel CompareSurname(ReadOnlySpan<char> a, ReadOnlySpan<char> b) => Compare(a, b, isSurname: true);

    private ComparisonLevel Compare(ReadOnlySpan<char> a, ReadOnlySpan<char> b, bool isSurname)
    {
        a = a.Trim();
        b = b.Trim();
        if (a.IsEmpty || b.IsEmpty)
        {
            return ComparisonLevel.Missing;
        }
        if (a.SequenceEqual(b))
        {
            return ComparisonLevel.Exact;
        }

        var hangulA = ContainsHangul(a);
        var hangulB = ContainsHangul(b);
        var capacityA = hangulA ? a.Length * MaxRomanizedCharsPerChar : a.Length;
        var capacityB = hangulB ? b.Length * MaxRomanizedCharsPerChar : b.Length;
        var capacity = capacityA + capacityB;
        char[]? rented = null;
        try
        {
            var buffer = capacity <= StackLimit
                ? stackalloc char[capacity]
                : (rented = ArrayPool<char>.Shared.Rent(capacity)).AsSpan(0, capacity);
            var formA = ComparableForm(a, hangulA, buffer[..capacityA]);
            var formB = ComparableForm(b, hangulB, buffer[capacityA..]);
            return CompareForms(a, b, formA, formB, hangulA, hangulB, isSurname);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private ComparisonLevel CompareForms(
        ReadOnlySpan<char> a,
        ReadOnlySpan<char> b,
        ReadOnlySpan<char> formA,
        ReadOnlySpan<char> formB,
        bool hangulA,
        bool hangulB,
        bool isSurname)
    {
        if (formA.IsEmpty || formB.IsEmpty)
        {
            // Nothing but spaces and hyphens: no name at all.
            return ComparisonLevel.Missing;
        }
        if (formA.SequenceEqual(formB))
        {
            return ComparisonLevel.Exact;
        }
        var latin = !hangulA && !hangulB;
        if (isSurname)
        {
            if (hangulA && !hangulB && KoreanSurnameSpellings.IsSpellingOf(a, formB))
            {
                return ComparisonLevel.Exact;
            }
            if (hangulB && !hangulA && KoreanSurnameSpellings.IsSpellingOf(b, formA))
            {
                return ComparisonLevel.Exact;
            }
            // Without the Hangul nobody says the person is Korean ("Lee" is an English surname too), so only Close.
            if (latin && KoreanSurnameSpellings.AreSpellingsOfOneSurname(formA, formB))
            {
                return ComparisonLevel.Close;
            }
        }

        // A lone Latin letter is an initial: it agrees with a name that starts with it, but only loosely.
        if ((formA.Length == 1 && !hangulA) || (formB.Length == 1 && !hangulB))
        {
            return formA[0] == formB[0] ? ComparisonLevel.Loose : ComparisonLevel.Different;
        }

        var similarity = JaroWinkler.Similarity(formA, formB);
        if (similarity >= CloseSimilarity)
        {
            return ComparisonLevel.Close;
        }
        if (latin && !isSurname && (_nicknames.AreVariants(a, b) || FirstNamesAgree(a, b)))
        {
            return ComparisonLevel.Close;
        }
        if (similarity >= LooseSimilarity || SoundAlike(formA, formB))
        {
            return ComparisonLevel.Loose;
        }
        return ComparisonLevel.Different;
    }

    // "john paul" against "john" or "jack": the first of several given names carries the match.
    private bool FirstNamesAgree(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        var spaceA = a.IndexOf(' ');
        var spaceB = b.IndexOf(' ');
        if (spaceA < 0 && spaceB < 0)
        {
            return false;
        }
        var firstA = spaceA < 0 ? a : a[..spaceA];
        var firstB = spaceB < 0 ? b : b[..spaceB];
        return firstA.Length > 1 && firstB.Length > 1 && (firstA.SequenceEqual(firstB) || _nicknames.AreVariants(firstA, firstB));
    }

    private static bool SoundAlike(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        Span<char> codes = stackalloc char[4 * DoubleMetaphone.DefaultMaxLength];
        var primaryA = codes[..DoubleMetaphone.DefaultMaxLength];
        var alternateA = codes.Slice(DoubleMetaphone.DefaultMaxLength, DoubleMetaphone.DefaultMaxLength);
        var primaryB = codes.Slice(2 * DoubleMetaphone.DefaultMaxLength, DoubleMetaphone.DefaultMaxLength);
        var alternateB = codes.Slice(3 * DoubleMetaphone.DefaultMaxLength, DoubleMetaphone.DefaultMaxLength);
        DoubleMetaphone.Encode(a, primaryA, out var primaryLengthA, alternateA, out var alternateLengthA);
        DoubleMetaphone.Encode(b, primaryB, out var primaryLengthB, alternateB, out var alternateLengthB);
        var pA = primaryA[..primaryLengthA];
        var aA = alternateA[..alternateLengthA];
        var pB = primaryB[..primaryLengthB];
        var aB = alternateB[..alternateLengthB];
        return SameCode(pA, pB) || SameCode(pA, aB) || SameCode(aA, pB) || SameCode(aA, aB);
    }

    private static bool SameCode(ReadOnlySpan<char> a, ReadOnlySpan<char> b) => !a.IsEmpty && a.SequenceEqual(b);

    // The name as compared: Hangul romanized, spaces and hyphens dropped ("min-jun", "min jun", 민준 → "minjun").
    private static ReadOnlySpan<char> ComparableForm(ReadOnlySpan<char> name, bool hasHangul, Span<char> destination)
    {
        int length;
        if (hasHangul)
        {
            HangulRomanizer.TryRomanize(name, destination, out length);
        }
        else
        {
            name.CopyTo(destination);
            length = name.Length;
        }
        var kept = 0;
        for (var i = 0; i < length; i++)
        {
            var c = destination[i];
            if (c is not (' ' or '-'))
            {
                destination[kept++] = c;
            }
        }
        return destination[..kept];
    }

    private static bool ContainsHangul(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (HangulRomanizer.IsSyllable(c))
            {
                return true;
            }
        }
        return false;
    }
}
