using System.Buffers;

namespace Stitcher.Engine.Normalization;

/// <summary>Person names in the form the matcher compares, and full names split into given name and surname.</summary>
public static class NameNormalizer
{
    /// <summary>
    /// Folds a name for matching: NFKC, diacritics removed, lowercase, apostrophes dropped ("O'Brien" → "obrien"),
    /// other punctuation a space ("Jean-Luc" → "jean luc"), titles and suffixes (mr, dr, jr, iii, ...) dropped.
    /// Hangul tokens next to each other are joined, since Korean names are written without spaces
    /// ("김 민준" → "김민준"). Null when nothing is left.
    /// </summary>
    public static string? NormalizeForMatch(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        var capacity = MatchText.MaxFoldedLength(raw);
        char[]? rented = null;
        try
        {
            Span<char> buffer = capacity <= MatchText.StackLimit
                ? stackalloc char[capacity * 2]
                : (rented = ArrayPool<char>.Shared.Rent(capacity * 2));
            var folded = buffer[..MatchText.Fold(raw, buffer)];
            var output = buffer[folded.Length..];
            var length = 0;
            var previousWasHangul = false;
            var position = 0;
            while (MatchText.TryReadToken(folded, ref position, out var token))
            {
                if (IsTitleOrSuffix(token))
                {
                    continue;
                }
                var isHangul = MatchText.IsAllHangul(token);
                if (isHangul && previousWasHangul)
                {
                    token.CopyTo(output[length..]);
                    length += token.Length;
                }
                else
                {
                    MatchText.Append(output, ref length, token);
                }
                previousWasHangul = isHangul;
            }
            return length == 0 ? null : new string(output[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Splits a full name into given name and surname, both trimmed but otherwise as written:
    /// "Smith, John" and "John Paul Smith" (surname last); Hangul surname first, with or without a space
    /// ("김민준", "김 민준" → 김 / 민준; "남궁민수" → 남궁 / 민수); romanized Korean in Korean order when the first
    /// token is a Korean surname and the given name is hyphenated ("Kim Min-jun" → Kim / Min-jun).
    /// Titles and suffixes are skipped. False when the name has a single token that cannot be split.
    /// </summary>
    public static bool TrySplitFullName(string fullName, out string given, out string surname)
    {
        ArgumentNullException.ThrowIfNull(fullName);
        given = "";
        surname = "";
        var text = fullName.AsSpan().Trim();

        var comma = text.IndexOf(',');
        if (comma >= 0)
        {
            var before = text[..comma].Trim();
            var after = text[(comma + 1)..].Trim();
            if (IsTitleOrSuffixWord(after))
            {
                // "John Smith, Jr." — the comma sets off a suffix, not an inverted name.
                text = before;
            }
            else if (!before.IsEmpty && !after.IsEmpty)
            {
                surname = before.ToString();
                given = StripTitles(after).ToString();
                return given.Length > 0;
            }
            else
            {
                text = before.IsEmpty ? after : before;
            }
        }

        text = StripTitles(text);
        if (text.IsEmpty)
        {
            return false;
        }

        var firstSpace = text.IndexOfAny(' ', '\t', '\u3000');
        if (firstSpace < 0)
        {
            return TrySplitHangulWord(text, out given, out surname);
        }

        var first = text[..firstSpace];
        var rest = text[(firstSpace + 1)..].Trim();
        if (MatchText.IsAllHangul(first))
        {
            surname = first.ToString();
            given = JoinWithoutSpaces(rest);
            return true;
        }

        var lastSpace = text.LastIndexOfAny(' ', '\t', '\u3000');
        var last = text[(lastSpace + 1)..];
        if (lastSpace == firstSpace && last.Contains('-') && IsRomanizedKoreanSurname(first))
        {
            surname = first.ToString();
            given = last.ToString();
            return true;
        }

        surname = last.ToString();
        given = text[..lastSpace].TrimEnd().ToString();
        return true;
    }

    /// <summary>True for tokens of folded text that are titles or generational suffixes.</summary>
    internal static bool IsTitleOrSuffix(ReadOnlySpan<char> token)
        => token is "mr" or "mrs" or "ms" or "mx" or "dr" or "jr" or "sr" or "ii" or "iii" or "iv";

    private static bool TrySplitHangulWord(ReadOnlySpan<char> word, out string given, out string surname)
    {
        given = "";
        surname = "";
        if (word.Length < 2 || !MatchText.IsAllHangul(word))
        {
            return false;
        }
        var surnameLength = 1;
        if (word.Length >= 3)
        {
            foreach (var compound in HangulRomanizer.CompoundSurnames)
            {
                if (word.StartsWith(compound, StringComparison.Ordinal))
                {
                    surnameLength = 2;
                    break;
                }
            }
        }
        surname = word[..surnameLength].ToString();
        given = word[surnameLength..].ToString();
        return true;
    }

    private static ReadOnlySpan<char> StripTitles(ReadOnlySpan<char> text)
    {
        while (true)
        {
            var space = text.IndexOf(' ');
            if (space < 0 || !IsTitleOrSuffixWord(text[..space]))
            {
                break;
            }
            text = text[(space + 1)..].TrimStart();
        }
        while (true)
        {
            var space = text.LastIndexOf(' ');
            if (space < 0 || !IsTitleOrSuffixWord(text[(space + 1)..]))
            {
                break;
            }
            text = text[..space].TrimEnd().TrimEnd(',');
        }
        return text;
    }

    // A raw word such as "Dr." or "JR" compared as its lowercase letters.
    private static bool IsTitleOrSuffixWord(ReadOnlySpan<char> word)
    {
        word = word.Trim().TrimEnd('.');
        if (word.Length is 0 or > 3)
        {
            return false;
        }
        Span<char> lower = stackalloc char[3];
        var length = word.ToLowerInvariant(lower);
        return length > 0 && IsTitleOrSuffix(lower[..length]);
    }

    private static bool IsRomanizedKoreanSurname(ReadOnlySpan<char> word)
    {
        if (word.Length > 16)
        {
            return false;
        }
        Span<char> lower = stackalloc char[16];
        var length = word.ToLowerInvariant(lower);
        return length > 0 && HangulRomanizer.IsRomanizedSurname(lower[..length]);
    }

    private static string JoinWithoutSpaces(ReadOnlySpan<char> text)
    {
        if (text.IndexOfAny(' ', '\t', '\u3000') < 0)
        {
            return text.ToString();
        }
        Span<char> buffer = text.Length <= MatchText.StackLimit ? stackalloc char[MatchText.StackLimit] : new char[text.Length];
        var length = 0;
        foreach (var c in text)
        {
            if (c is not (' ' or '\t' or '\u3000'))
            {
                buffer[length++] = c;
            }
        }
        return new string(buffer[..length]);
    }
}
