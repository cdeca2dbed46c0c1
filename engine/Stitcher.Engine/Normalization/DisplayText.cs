using System.Text;

namespace Stitcher.Engine.Normalization;

/// <summary>
/// Golden values tidied for people: names out of all-capitals or all-lowercase (<c>LINDA</c> → <c>Linda</c>,
/// <c>o'brien</c> → <c>O'Brien</c>), an inverted full name in reading order (<c>Martin, Sarah</c> → <c>Sarah Martin</c>),
/// phones in their country's national format when that is the engine's region and internationally otherwise. Text
/// someone wrote in mixed case, and scripts without case (Hangul), are left as written. The stored value, the source's
/// own spelling, stays in the lineage.
/// </summary>
internal static class DisplayText
{
    private static readonly HashSet<string> s_particles = new(StringComparer.OrdinalIgnoreCase) { "van", "von", "de", "der", "den", "da", "di", "del", "la", "le", "du", "bin", "al" };

    /// <summary>A given name or surname for display.</summary>
    public static string Name(string value)
    {
        var text = CollapseSpaces(value);
        if (!NeedsCase(text))
        {
            return text;
        }
        var result = new StringBuilder(text.Length);
        var words = text.Split(' ');
        for (var w = 0; w < words.Length; w++)
        {
            if (w > 0)
            {
                result.Append(' ');
            }
            var word = words[w];
            if (w > 0 && w < words.Length - 1 && s_particles.Contains(word))
            {
                result.Append(word.ToLowerInvariant());
                continue;
            }
            AppendCapitalized(result, word);
        }
        return result.ToString();
    }

    /// <summary>A full name for display: an inverted <c>Surname, Given</c> in reading order, then as <see cref="Name"/>.</summary>
    public static string FullName(string value)
    {
        var text = CollapseSpaces(value);
        var comma = text.IndexOf(',');
        if (comma > 0 && comma == text.LastIndexOf(',') && NameNormalizer.TrySplitFullName(text, out var given, out var surname)
            && given.Length > 0 && surname.Length > 0 && text.AsSpan(0, comma).Trim().SequenceEqual(surname))
        {
            text = string.Concat(given.Trim(), " ", surname.Trim());
        }
        return Name(text);
    }

    /// <summary>An E.164 phone for display: national format in <paramref name="region"/>, international elsewhere.</summary>
    public static string Phone(string e164, string region) => PhoneNormalizer.FormatForDisplay(e164, region);

    // Only Latin text written all in one case is re-cased.
    private static bool NeedsCase(string text)
    {
        bool upper = false, lower = false;
        foreach (var c in text)
        {
            if (char.IsUpper(c))
            {
                upper = true;
            }
            else if (char.IsLower(c))
            {
                lower = true;
            }
            else if (char.IsLetter(c))
            {
                return false; // a script without case
            }
        }
        return upper != lower;
    }

    private static void AppendCapitalized(StringBuilder result, string word)
    {
        var start = true;
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            if (char.IsLetter(c))
            {
                // McDonald: the letter after a leading "Mc" is a capital too.
                var afterMc = i == 2 && word.Length > 3 && (word[0] is 'm' or 'M') && (word[1] is 'c' or 'C');
                result.Append(start || afterMc ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
                start = false;
            }
            else
            {
                result.Append(c);
                // O'Brien, Mary-Jane: a new part starts after an apostrophe or a hyphen.
                start = c is '-' or '\'' or '’';
            }
        }
    }

    private static string CollapseSpaces(string value)
    {
        var text = value.Trim();
        if (!text.Contains("  ", StringComparison.Ordinal))
        {
            return text;
        }
        return string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
