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

    /// <summary>
    /// Repairs an address that lost its '@' in typing or export (<c>ahartoutlook.com</c>): without any '@', text that
    /// ends in a well-known mail provider's domain after a mailbox name of at least two characters is read as that
    /// mailbox at that domain. False for anything else. The result is unverified: it is the likeliest reading, not a
    /// fact, so callers count it as such.
    /// </summary>
    public static bool TryRepairLostAt(ReadOnlySpan<char> raw, out string repaired)
    {
        repaired = "";
        var text = raw.Trim();
        if (text.Length is < 5 or > MaxLength || text.Contains('@'))
        {
            return false;
        }
        Span<char> lower = stackalloc char[text.Length];
        var length = text.ToLowerInvariant(lower);
        lower = lower[..length];
        foreach (var domain in s_providerDomains)
        {
            // The longest providers come first and the first that ends the text decides, so that "mail.com" does not
            // take "xgmail.com" or "john.gmail.com".
            if (!lower.EndsWith(domain, StringComparison.Ordinal))
            {
                continue;
            }
            var mailbox = lower[..^domain.Length];
            return mailbox.Length >= 2 && mailbox[^1] != '.' && mailbox[0] != '.' && !mailbox.StartsWith("www.") && IsPlainMailbox(mailbox)
                && TryNormalize(string.Concat(mailbox, "@", domain), out repaired);
        }
        return false;
    }

    // Letters, digits and . _ % + - only: "kim.minjun(at)" is an address written out, not one that lost its '@'.
    private static bool IsPlainMailbox(ReadOnlySpan<char> mailbox)
    {
        foreach (var c in mailbox)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '%' or '+' or '-'))
            {
                return false;
            }
        }
        return true;
    }

    // Mail providers common in the data Stitcher sees (US, Europe, Korea), longest first. Only names no company or word
    // ends in: "me.com", "mail.com", "live.com" or "nate.com" would turn acme.com, rocketmail.com or senate.com into addresses.
    private static readonly string[] s_providerDomains = SortedLongestFirst(
    [
        "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "protonmail.com", "comcast.net",
        "naver.com", "hanmail.net", "kakao.com", "yahoo.co.kr",
    ]);

    private static string[] SortedLongestFirst(string[] domains)
    {
        Array.Sort(domains, static (a, b) => b.Length != a.Length ? b.Length.CompareTo(a.Length) : string.CompareOrdinal(a, b));
        return domains;
    }

    private static bool IsPlausibleDomain(ReadOnlySpan<char> domain)
        => !domain.IsEmpty && domain[0] != '.' && domain[^1] != '.' && domain.Contains('.') && domain.IndexOf("..") < 0;
}
