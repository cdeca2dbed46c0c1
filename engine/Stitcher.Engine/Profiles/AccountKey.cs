using Stitcher.Engine.Normalization;
using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Profiles;

/// <summary>
/// The B2B account a contact belongs to: <c>company:</c> and the company name in <see cref="CompanyNormalizer"/> form
/// (legal forms dropped, so "Acme, Inc." and "ACME Corp" are one account), or <c>domain:</c> and the domain of a
/// business email address. Consumers (no company, free-mail address) have none.
/// </summary>
internal static class AccountKey
{
    public const string CompanyPrefix = "company:";
    public const string DomainPrefix = "domain:";

    /// <summary>
    /// Company fields people fill when they have no employer, in normalized form: they name no account
    /// (otherwise every "N/A" contact would join one).
    /// </summary>
    private static readonly HashSet<string> s_noCompany = new(StringComparer.Ordinal)
    {
        "n a", "na", "none", "null", "unknown", "self", "self employed", "private", "individual", "personal",
        "not applicable", "없음", "개인", "무직",
    };

    /// <summary>
    /// The account of a record, from its normalized values: its company when it has one, else its business email
    /// domain; null for a consumer.
    /// </summary>
    public static string? Of(string?[] normalized, JourneyMap map)
        => CompanyKey(At(normalized, CanonicalAttribute.Company)) ?? DomainKey(At(normalized, CanonicalAttribute.Email), map);

    /// <summary>Every account key of a record: the company key and the domain key when it has both, so the two can be joined.</summary>
    public static IReadOnlyList<string> Keys(string?[] normalized, JourneyMap map)
        => Keys(At(normalized, CanonicalAttribute.Company), At(normalized, CanonicalAttribute.Email), map);

    /// <summary>
    /// Every account key of a normalized company name (<see cref="CompanyNormalizer.NormalizeForMatch"/>) and a normalized
    /// email address (<see cref="EmailNormalizer.TryNormalize"/>): company key first.
    /// </summary>
    public static IReadOnlyList<string> Keys(string? normalizedCompany, string? normalizedEmail, JourneyMap map)
    {
        var company = CompanyKey(normalizedCompany);
        var domain = DomainKey(normalizedEmail, map);
        if (company is null)
        {
            return domain is null ? [] : [domain];
        }
        return domain is null ? [company] : [company, domain];
    }

    /// <summary>
    /// Every account of a profile: each distinct company and business email domain its records carry, in ordinal order.
    /// </summary>
    public static IReadOnlyList<string> OfProfile(StoredProfile profile, JourneyMap map)
    {
        var keys = new List<string>();
        if (ValuesOf(profile, CanonicalAttribute.Company) is { } companies)
        {
            foreach (var value in companies)
            {
                // The value key is the display value where normalizing left nothing ("(주)"): normalize it again.
                AddDistinct(keys, CompanyKey(CompanyNormalizer.NormalizeForMatch(value.Key)));
            }
        }
        if (ValuesOf(profile, CanonicalAttribute.Email) is { } emails)
        {
            foreach (var value in emails)
            {
                if (EmailNormalizer.TryNormalize(value.Key, out var email))
                {
                    AddDistinct(keys, DomainKey(email, map));
                }
            }
        }
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private static string? CompanyKey(string? normalizedCompany)
    {
        if (string.IsNullOrEmpty(normalizedCompany) || s_noCompany.Contains(normalizedCompany))
        {
            return null;
        }
        return string.Concat(CompanyPrefix, normalizedCompany);
    }

    private static string? DomainKey(string? normalizedEmail, JourneyMap map)
    {
        if (string.IsNullOrEmpty(normalizedEmail))
        {
            return null;
        }
        var at = normalizedEmail.LastIndexOf('@');
        if (at < 0)
        {
            return null;
        }
        var domain = normalizedEmail.AsSpan(at + 1);
        if (!domain.Contains('.') || map.IsFreeEmailDomain(domain))
        {
            return null;
        }
        return string.Concat(DomainPrefix, domain);
    }

    private static string? At(string?[] normalized, CanonicalAttribute attribute)
        => normalized.Length > (int)attribute ? normalized[(int)attribute] : null;

    private static List<StoredValue>? ValuesOf(StoredProfile profile, CanonicalAttribute attribute)
        => profile.Values.Length > (int)attribute ? profile.Values[(int)attribute] : null;

    private static void AddDistinct(List<string> keys, string? key)
    {
        if (key is not null && !keys.Contains(key))
        {
            keys.Add(key);
        }
    }
}
