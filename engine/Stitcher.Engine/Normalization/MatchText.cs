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

    /// <summary>
    /// Folds <paramref name="raw"/> into <paramref name="destination"/>, which must hold at least
    /// <see cref="MaxFoldedLength"/> chars (twice that with <paramref name="keepHash"/>). Returns the number of
    /// chars written: tokens separated by one space, no leading or trailing space. With <paramref name="keepHash"/>
    /// each '#' is a token of its own, for addresses ("#5" → "# 5").
    /// </summary>
    internal static int Fold(ReadOnlySpan<char> raw, Span<char> destination, bool keepHash = false)
    {
        if (!CanNormalize(raw))
        {
            return Classify(raw, destination, keepHash);
        }

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

    /// <summary>
    /// The buffer a <see cref="Fold"/> of <paramref name="raw"/> needs. Compatibility decomposition can
    /// lengthen text (e.g. a ligature becomes two letters), so this is measured, not guessed, when it matters.
    /// </summary>
    internal static int MaxFoldedLength(ReadOnlySpan<char> raw)
        => CanNormalize(raw) ? Math.Max(raw.Length, raw.GetNormalizedLength(NormalizationForm.FormKD)) : raw.Length;

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

    internal static bool IsApostrophe(char c) => c is '\'' or '\u2019' or '\u2018' or '\u02BC' or '`' or '\u00B4';

    // Unicode normalization throws on ill-formed UTF-16 (a lone surrogate); such text is folded as it stands.
    private static bool CanNormalize(ReadOnlySpan<char> raw) => NeedsUnicodeNormalization(raw) && IsWellFormed(raw);

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
            if (c >= 0x80 && !HangulRomanizer.IsSyllable(c) && !IsApostrophe(c))
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
