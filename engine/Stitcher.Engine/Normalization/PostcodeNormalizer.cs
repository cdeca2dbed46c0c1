namespace Stitcher.Engine.Normalization;

/// <summary>Postcodes as one uppercase run of letters and digits ("sw1a 1aa" → "SW1A1AA", "06236" stays).</summary>
public static class PostcodeNormalizer
{
    private const int MaxLength = 32;
    private const int ZipLength = 5;
    private const int ZipPlus4Length = 9;

    /// <summary>
    /// Uppercases and removes spaces, hyphens and any other punctuation; full-width digits and letters become
    /// ASCII. Leading zeros are kept. A US ZIP+4 ("94105-1234") becomes its five-digit ZIP. Null when nothing
    /// is left or the value is too long to be a postcode. Returns <paramref name="raw"/> itself when it is
    /// already normalized.
    /// </summary>
    public static string? Normalize(string? raw)
    {
        if (raw is null || raw.Length > MaxLength * 2)
        {
            return null;
        }
        Span<char> buffer = stackalloc char[MaxLength];
        var length = 0;
        foreach (var c in raw)
        {
            var ascii = ToAscii(c);
            if (char.IsAsciiLetterOrDigit(ascii))
            {
                if (length == MaxLength)
                {
                    return null;
                }
                buffer[length++] = char.ToUpperInvariant(ascii);
            }
        }
        if (length == 0)
        {
            return null;
        }
        var normalized = buffer[..length];
        if (length == ZipPlus4Length && !normalized.ContainsAnyExceptInRange('0', '9'))
        {
            normalized = normalized[..ZipLength];
        }
        return normalized.SequenceEqual(raw) ? raw : new string(normalized);
    }

    // Full-width forms (U+FF01..U+FF5E) mirror ASCII 0x21..0x7E.
    private static char ToAscii(char c) => c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c;
}
