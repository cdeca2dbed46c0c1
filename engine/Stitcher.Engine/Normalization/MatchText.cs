using System.Buffers;
using System.Globalization;
using System.Text;

namespace Stitcher.Engine.Normalization;

/// <summary>
/// The folding shared by every free-text normalizer: compatibility forms and diacritics removed, lowercase,
/// apostrophes dropped, any other punctuation a single space. Works in caller-supplied buffers so a value
/// costs one string allocation, made by the caller once its own token rules have run.
/// </summary>
internal static class MatchText
{
    /// <summary>Inputs up to this many chars are folded in stack buffers.</summary>
    internal const int StackLimit = 128;

    // The most chars one char becomes under NFKD (U+FDFA becomes 18).
    private const int MaxDecompositionFactor = 18;

    private const char AcuteAccent = '\u00B4';

    private const char LatinFoldFirst = '\u00A0';
    private const char LatinFoldLast = '\u024F';

    // Latin-1 Supplement and Latin Extended-A/B folded ahead of time (é → e, ß and ł stay), so that most European
    // names skip Unicode normalization; '\0' where the fold is not a single char (½, ǆ) and the slow path is needed.
    private static readonly char[] s_latinFold = BuildLatinFold();

    /// <summary>
    /// Folds <paramref name="raw"/> into <paramref name="destination"/>, which must hold at least
    /// <see cref="MaxFoldedLength"/> chars (twice that with <paramref name="keepHash"/>). Returns the number of
    /// chars written: tokens separated by one space, no leading or trailing space. With <paramref name="keepHash"/>
    /// each '#' is a token of its own, for addresses ("#5" → "# 5").
    /// </summary>
    internal static int Fold(ReadOnlySpan<char> raw, Span<char> destination, bool keepHash = false)
    {
        if (!NeedsUnicodeNormalization(raw))
        {
            return Classify(raw, destination, keepHash);
        }
        if (IsWellFormed(raw) && !raw.Contains(AcuteAccent))
        {
            return FoldNormalized(raw, destination, keepHash);
        }

        // Normalization throws on a lone surrogate (a non-letter, so a space), and would turn an acute accent
        // typed as an apostrophe (O´Brien) into a space where the fast path drops it.
        var rentedInput = ArrayPool<char>.Shared.Rent(raw.Length);
        try
        {
            var copy = rentedInput.AsSpan(0, raw.Length);
            raw.CopyTo(copy);
            Sanitize(copy);
            return FoldNormalized(copy, destination, keepHash);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rentedInput);
        }
    }

    /// <summary>
    /// The buffer a <see cref="Fold"/> of <paramref name="raw"/> needs. Compatibility decomposition can
    /// lengthen text (e.g. a ligature becomes two letters), so this is measured, not guessed, when it matters.
    /// </summary>
    internal static int MaxFoldedLength(ReadOnlySpan<char> raw)
    {
        if (!NeedsUnicodeNormalization(raw))
        {
            return raw.Length;
        }
        return IsWellFormed(raw)
            ? Math.Max(raw.Length, raw.GetNormalizedLength(NormalizationForm.FormKD))
            : raw.Length * MaxDecompositionFactor;
    }

    private static int FoldNormalized(ReadOnlySpan<char> raw, Span<char> destination, bool keepHash)
    {
        char[]? rented = null;
        try
        {
            // NFKD = NFKC followed by canonical decomposition; marks are then dropped and NFC puts
            // Hangul jamo back together into precomposed syllables.
            var decomposedLength = raw.GetNormalizedLength(NormalizationForm.FormKD);
            Span<char> scratch = (uint)decomposedLength <= StackLimit
                ? stackalloc char[decomposedLength * 2]
                : (rented = ArrayPool<char>.Shared.Rent(decomposedLength * 2));
            var decomposed = scratch[..decomposedLength];
            if (!raw.TryNormalize(decomposed, out var written, NormalizationForm.FormKD))
            {
                return 0;
            }
            var kept = 0;
            for (var i = 0; i < written; i++)
            {
                var c = decomposed[i];
                if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                {
                    decomposed[kept++] = c;
                }
            }
            var composed = scratch.Slice(decomposedLength, decomposedLength);
            if (!decomposed[..kept].TryNormalize(composed, out var composedLength, NormalizationForm.FormC))
            {
                return 0;
            }
            return Classify(composed[..composedLength], destination, keepHash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Reads the next space-separated token of folded text, advancing <paramref name="position"/>.</summary>
    internal static bool TryReadToken(ReadOnlySpan<char> folded, ref int position, out ReadOnlySpan<char> token)
    {
        if (position >= folded.Length)
        {
            token = default;
            return false;
        }
        var rest = folded[position..];
        var space = rest.IndexOf(' ');
        if (space < 0)
        {
            token = rest;
            position = folded.Length;
        }
        else
        {
            token = rest[..space];
            position += space + 1;
        }
        return true;
    }

    /// <summary>Appends <paramref name="token"/> to <paramref name="output"/>, preceded by a space unless it is the first.</summary>
    internal static void Append(Span<char> output, ref int length, ReadOnlySpan<char> token)
    {
        if (length > 0)
        {
            output[length++] = ' ';
        }
        token.CopyTo(output[length..]);
        length += token.Length;
    }

    /// <summary>True when every char is a precomposed Hangul syllable (U+AC00..U+D7A3).</summary>
    internal static bool IsAllHangul(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!HangulRomanizer.IsSyllable(c))
            {
                return false;
            }
        }
        return true;
    }

    internal static bool IsApostrophe(char c) => c is '\'' or '\u2019' or '\u2018' or '\u02BC' or '`' or AcuteAccent;

    private static char LatinFold(char c)
        => (uint)(c - LatinFoldFirst) <= LatinFoldLast - LatinFoldFirst ? s_latinFold[c - LatinFoldFirst] : '\0';

    private static char[] BuildLatinFold()
    {
        var table = new char[LatinFoldLast - LatinFoldFirst + 1];
        for (var c = LatinFoldFirst; c <= LatinFoldLast; c++)
        {
            var folded = '\0';
            var count = 0;
            foreach (var d in c.ToString().Normalize(NormalizationForm.FormKD))
            {
                if (CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark)
                {
                    folded = d;
                    count++;
                }
            }
            table[c - LatinFoldFirst] = count == 1 ? folded : '\0';
        }
        return table;
    }

    private static void Sanitize(Span<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                text[i] = ' ';
            }
            else if (text[i] == AcuteAccent)
            {
                text[i] = '\'';
            }
        }
    }

    private static bool IsWellFormed(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }

    // ASCII and precomposed Hangul are already in NFKC with nothing to fold, which covers nearly every value.
    private static bool NeedsUnicodeNormalization(ReadOnlySpan<char> raw)
    {
        foreach (var c in raw)
        {
            if (c >= 0x80 && !HangulRomanizer.IsSyllable(c) && !IsApostrophe(c) && LatinFold(c) == '\0')
            {
                return true;
            }
        }
        return false;
    }

    private static int Classify(ReadOnlySpan<char> source, Span<char> destination, bool keepHash)
    {
        var length = 0;
        var pendingSpace = false;
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            if (IsApostrophe(c))
            {
                continue;
            }
            if (LatinFold(c) is not '\0' and var folded)
            {
                c = folded;
            }
            if (keepHash && c == '#')
            {
                if (length > 0)
                {
                    destination[length++] = ' ';
                }
                destination[length++] = '#';
                pendingSpace = true;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
            {
                // A letter outside the BMP (CJK extension B in a name) is kept; an emoji separates.
                if (Rune.IsLetterOrDigit(new Rune(c, source[i + 1])))
                {
                    if (pendingSpace && length > 0)
                    {
                        destination[length++] = ' ';
                    }
                    pendingSpace = false;
                    destination[length++] = c;
                    destination[length++] = source[i + 1];
                }
                else
                {
                    pendingSpace = true;
                }
                i++;
            }
            else if (char.IsLetterOrDigit(c))
            {
                if (pendingSpace && length > 0)
                {
                    destination[length++] = ' ';
                }
                pendingSpace = false;
                destination[length++] = char.ToLowerInvariant(c);
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format))
            {
                pendingSpace = true;
            }
        }
        return length;
    }
}
