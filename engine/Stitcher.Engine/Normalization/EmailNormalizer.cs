namespace Stitcher.Engine.Normalization;

/// <summary>Email addresses trimmed and lowercased, accepted only when they have the shape of an address.</summary>
public static class EmailNormalizer
{
    // RFC 5321 limits a forward path to 256 octets including the angle brackets.
    private const int MaxLength = 254;

    /// <summary>
    /// Trims and lowercases (invariant) <paramref name="raw"/>. False unless it has exactly one '@', a non-empty
    /// local part, a domain containing a dot with no empty labels, and no whitespace or control characters.
    /// </summary>
    public static bool TryNormalize(ReadOnlySpan<char> raw, out string normalized)
    {
        normalized = "";
        var text = raw.Trim();
        if (text.Length is < 5 or > MaxLength)
        {
            return false;
        }
        var at = text.IndexOf('@');
        if (at <= 0 || text[(at + 1)..].Contains('@'))
        {
            return false;
        }
        if (!IsPlausibleDomain(text[(at + 1)..]))
        {
            return false;
        }
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }
        Span<char> buffer = stackalloc char[text.Length];
        var length = text.ToLowerInvariant(buffer);
        normalized = new string(buffer[..length]);
        return true;
    }

    private static bool IsPlausibleDomain(ReadOnlySpan<char> domain)
        => !domain.IsEmpty && domain[0] != '.' && domain[^1] != '.' && domain.Contains('.') && domain.IndexOf("..") < 0;
}
