using Stitcher.Engine.Normalization;

namespace Stitcher.Engine.Matching.Comparators;

/// <summary>
/// The romanized spellings of Korean surnames from <see cref="HangulRomanizer.SurnameVariants"/>, indexed both ways
/// so a comparator can ask "is 'rhee' a spelling of 이?" and "do 'lee' and 'yi' spell one surname?" without allocating.
/// </summary>
internal static class KoreanSurnameSpellings
{
    private const char FirstSyllable = '\uAC00';
    private const char LastSyllable = '\uD7A3';

    private static readonly Tables s_tables = Build();

    /// <summary>True when <paramref name="latin"/> is one of the usual spellings of <paramref name="hangulSurname"/>.</summary>
    public static bool IsSpellingOf(ReadOnlySpan<char> hangulSurname, ReadOnlySpan<char> latin)
    {
        if (!s_tables.SpellingsBySurname.TryGetValue(hangulSurname, out var spellings))
        {
            return false;
        }
        foreach (var spelling in spellings)
        {
            if (latin.SequenceEqual(spelling))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> are spellings of one Korean surname ("lee", "rhee").</summary>
    public static bool AreSpellingsOfOneSurname(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (!s_tables.SurnamesBySpelling.TryGetValue(a, out var surnamesA) || !s_tables.SurnamesBySpelling.TryGetValue(b, out var surnamesB))
        {
            return false;
        }
        foreach (var surname in surnamesA)
        {
            if (Array.IndexOf(surnamesB, surname) >= 0)
            {
                return true;
            }
        }
        return false;
    }

    // HangulRomanizer answers per surname only, so its table is read back by asking about every syllable once;
    // syllables it does not know come back with a single Revised Romanization and are left out.
    private static Tables Build()
    {
        var spellingsBySurname = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var surnamesBySpelling = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var c = FirstSyllable; c <= LastSyllable; c++)
        {
            Add(c.ToString(), spellingsBySurname, surnamesBySpelling);
        }
        foreach (var compound in HangulRomanizer.CompoundSurnames)
        {
            Add(compound, spellingsBySurname, surnamesBySpelling);
        }

        var bySpelling = new Dictionary<string, int[]>(surnamesBySpelling.Count, StringComparer.Ordinal);
        foreach (var (spelling, ids) in surnamesBySpelling)
        {
            bySpelling.Add(spelling, [.. ids]);
        }
        return new Tables(spellingsBySurname, bySpelling);
    }

    private static void Add(string surname, Dictionary<string, string[]> spellingsBySurname, Dictionary<string, List<int>> surnamesBySpelling)
    {
        var variants = HangulRomanizer.SurnameVariants(surname);
        if (variants.Count < 2)
        {
            return;
        }
        var id = spellingsBySurname.Count;
        spellingsBySurname.Add(surname, [.. variants]);
        foreach (var variant in variants)
        {
            // One-letter spellings ("i", "o") look like initials when no Hangul is there to say otherwise.
            if (variant.Length < 2)
            {
                continue;
            }
            if (!surnamesBySpelling.TryGetValue(variant, out var ids))
            {
                ids = [];
                surnamesBySpelling.Add(variant, ids);
            }
            ids.Add(id);
        }
    }

    private sealed class Tables(Dictionary<string, string[]> spellingsBySurname, Dictionary<string, int[]> surnamesBySpelling)
    {
        public Dictionary<string, string[]>.AlternateLookup<ReadOnlySpan<char>> SpellingsBySurname { get; } =
            spellingsBySurname.GetAlternateLookup<ReadOnlySpan<char>>();

        public Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> SurnamesBySpelling { get; } =
            surnamesBySpelling.GetAlternateLookup<ReadOnlySpan<char>>();
    }
}
