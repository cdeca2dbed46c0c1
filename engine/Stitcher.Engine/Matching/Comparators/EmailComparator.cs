namespace Stitcher.Engine.Matching.Comparators;

/// <summary>
/// Normalized (lowercase) email addresses. Exact: equal. Close: the same mailbox name at another domain, or at the
/// same domain a one-edit typo in the name or the same mailbox once a "+tag" (and, at Gmail, dots) is dropped.
/// Loose: the mailbox names are alike (Jaro–Winkler ≥ <see cref="LooseLocalSimilarity"/>). Different: anything else.
/// Missing: either is empty.
/// </summary>
public static class EmailComparator
{
    /// <summary>Mailbox names at least this similar (Jaro–Winkler) are Loose.</summary>
    public const double LooseLocalSimilarity = 0.9;

    /// <summary>Edits between two mailbox names at one domain that still read as a typo.</summary>
    public const int CloseLocalDistance = 1;

    private const char TagMarker = '+';

    /// <summary>How the addresses <paramref name="a"/> and <paramref name="b"/> agree.</summary>
    public static ComparisonLevel Compare(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.IsEmpty || b.IsEmpty)
        {
            return ComparisonLevel.Missing;
        }
        if (a.SequenceEqual(b))
        {
            return ComparisonLevel.Exact;
        }

        Split(a, out var localA, out var domainA);
        Split(b, out var localB, out var domainB);
        if (localA.SequenceEqual(localB))
        {
            return ComparisonLevel.Close;
        }
        var gmailA = IsGmail(domainA);
        var gmailB = IsGmail(domainB);
        if (domainA.SequenceEqual(domainB) || (gmailA && gmailB))
        {
            if ((domainA.SequenceEqual(domainB) && DamerauLevenshtein.Distance(localA, localB, CloseLocalDistance) <= CloseLocalDistance)
                || SameMailbox(localA, localB, ignoreDots: gmailA))
            {
                return ComparisonLevel.Close;
            }
        }
        return JaroWinkler.IsAtLeast(localA, localB, LooseLocalSimilarity) ? ComparisonLevel.Loose : ComparisonLevel.Different;
    }

    private static void Split(ReadOnlySpan<char> address, out ReadOnlySpan<char> local, out ReadOnlySpan<char> domain)
    {
        var at = address.LastIndexOf('@');
        if (at < 0)
        {
            local = address;
            domain = default;
            return;
        }
        local = address[..at];
        domain = address[(at + 1)..];
    }

    // Gmail ignores dots in the name and serves the same mailboxes at both domains.
    private static bool IsGmail(ReadOnlySpan<char> domain) => domain is "gmail.com" or "googlemail.com";

    // Equal up to a "+tag" (which most providers deliver to the untagged mailbox) and, for Gmail, dots.
    private static bool SameMailbox(ReadOnlySpan<char> a, ReadOnlySpan<char> b, bool ignoreDots)
    {
        a = WithoutTag(a);
        b = WithoutTag(b);
        var i = 0;
        var j = 0;
        while (true)
        {
            if (ignoreDots)
            {
                while (i < a.Length && a[i] == '.')
                {
                    i++;
                }
                while (j < b.Length && b[j] == '.')
                {
                    j++;
                }
            }
            if (i == a.Length || j == b.Length)
            {
                return i == a.Length && j == b.Length && i > 0;
            }
            if (a[i] != b[j])
            {
                return false;
            }
            i++;
            j++;
        }
    }

    private static ReadOnlySpan<char> WithoutTag(ReadOnlySpan<char> local)
    {
        var tag = local.IndexOf(TagMarker);
        return tag > 0 ? local[..tag] : local;
    }
}
