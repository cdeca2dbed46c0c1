using System.Collections.Frozen;
using PhoneNumbers;

namespace Stitcher.Engine.Normalization;

/// <summary>What the phone metadata says of a number.</summary>
public enum PhoneCheck
{
    /// <summary>Not a phone number of the region (wrong length, letters, too few digits).</summary>
    Invalid,
    /// <summary>The right length, but not in a range the metadata lists as assigned: kept, unverified.</summary>
    Possible,
    /// <summary>A number of an assigned range.</summary>
    Valid,
}

/// <summary>
/// Phone numbers in E.164 ("+821012345678"), read in the record's region when it is known and in the
/// default region otherwise. Valid numbers are accepted; possible ones are told apart (<see cref="Check"/>). Thread-safe.
/// </summary>
public sealed class PhoneNormalizer
{
    // E.164 allows at most 15 digits; extensions and trunk prefixes can add a few to what people write.
    private const int MinDigits = 4;
    private const int MaxDigits = 20;

    private static readonly PhoneNumberUtil s_util = PhoneNumberUtil.GetInstance();

    private static readonly FrozenSet<string> s_supportedRegions = s_util.GetSupportedRegions().ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Creates a normalizer that reads numbers without a country code as numbers of <paramref name="defaultRegion"/>.</summary>
    /// <param name="defaultRegion">ISO 3166 alpha-2 region, e.g. "US" or "KR" (case-insensitive).</param>
    /// <exception cref="ArgumentException">The region is not an ISO 3166 alpha-2 code the phone metadata knows.</exception>
    public PhoneNormalizer(string defaultRegion)
    {
        ArgumentNullException.ThrowIfNull(defaultRegion);
        if (!TryGetSupportedRegion(defaultRegion.AsSpan().Trim(), out var region))
        {
            throw new ArgumentException(
                $"Default phone region '{defaultRegion}' is not a supported ISO 3166 alpha-2 region code (for example \"US\" or \"KR\").",
                nameof(defaultRegion));
        }
        DefaultRegion = region;
    }

    /// <summary>The region used when a record has no usable region hint.</summary>
    public string DefaultRegion { get; }

    /// <summary>
    /// Normalizes <paramref name="raw"/> to E.164. <paramref name="regionHint"/> is the record's ISO alpha-2 region
    /// (from its country); when null or unknown, <see cref="DefaultRegion"/> is used. Numbers written with a
    /// leading "+" or international prefix keep their own country. False for empty, too short or invalid numbers.
    /// </summary>
    public bool TryNormalize(string? raw, string? regionHint, out string e164) => Check(raw, regionHint, out e164) == PhoneCheck.Valid;

    /// <summary>
    /// Reads <paramref name="raw"/> as <see cref="TryNormalize"/> does, and also says whether a number that is not
    /// valid is still possible: the right length for its country, but in a range the metadata does not list as
    /// assigned (a new or unlisted area code, such as (498) in the US). A possible number comes back in E.164 too.
    /// </summary>
    public PhoneCheck Check(string? raw, string? regionHint, out string e164)
    {
        e164 = "";
        if (raw is null || !HasPlausibleDigitCount(raw))
        {
            return PhoneCheck.Invalid;
        }
        var region = regionHint is not null && s_supportedRegions.Contains(regionHint) ? regionHint : DefaultRegion;
        PhoneNumber number;
        try
        {
            number = s_util.Parse(raw, region);
        }
        catch (NumberParseException)
        {
            // The library reports unparseable input only by throwing; the digit-count check above keeps this rare.
            return PhoneCheck.Invalid;
        }
        var check = s_util.IsValidNumber(number) ? PhoneCheck.Valid : IsPlausiblyAssignable(number) ? PhoneCheck.Possible : PhoneCheck.Invalid;
        if (check != PhoneCheck.Invalid)
        {
            e164 = s_util.Format(number, PhoneNumberFormat.E164);
        }
        return check;
    }

    /// <summary>
    /// Whether a number the metadata does not list could still be someone's: the metadata's own length check (which
    /// lets 000-000-0000 and a four-digit Korean number through) and the shape of the country's numbers. In the North
    /// American plan that is ten digits, an area code and an exchange each starting 2–9, neither an N11 service code.
    /// Elsewhere it has the length and the first digit of the country's example mobile or fixed-line number.
    /// </summary>
    private static bool IsPlausiblyAssignable(PhoneNumber number)
    {
        if (s_util.IsPossibleNumberWithReason(number) != PhoneNumberUtil.ValidationResult.IS_POSSIBLE)
        {
            return false;
        }
        var national = s_util.GetNationalSignificantNumber(number);
        if (number.CountryCode == 1)
        {
            return national.Length == 10 && national[0] >= '2' && national[3] >= '2' && !(national[1] == '1' && national[2] == '1')
                && !(national[4] == '1' && national[5] == '1');
        }
        var region = s_util.GetRegionCodeForCountryCode(number.CountryCode);
        foreach (var type in s_exampleTypes)
        {
            if (s_util.GetExampleNumberForType(region, type) is { } example)
            {
                var shape = s_util.GetNationalSignificantNumber(example);
                if (shape.Length == national.Length && shape[0] == national[0])
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static readonly PhoneNumberType[] s_exampleTypes = [PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE];

    /// <summary>
    /// An E.164 number for people: in its country's national format when it has <paramref name="region"/>'s calling code
    /// ("(415) 555-0132" in the US), internationally otherwise ("+82 10-1234-5678"); as given when it does not parse.
    /// </summary>
    public static string FormatForDisplay(string e164, string region)
    {
        try
        {
            var number = s_util.Parse(e164, region);
            // By country calling code, so that a number of an unassigned range (no region of its own) still reads nationally.
            var national = number.CountryCode == s_util.GetCountryCodeForRegion(region);
            return s_util.Format(number, national ? PhoneNumberFormat.NATIONAL : PhoneNumberFormat.INTERNATIONAL);
        }
        catch (NumberParseException)
        {
            return e164;
        }
    }

    /// <summary>The canonical (uppercase) code when <paramref name="code"/> is a region the phone metadata knows.</summary>
    internal static bool TryGetSupportedRegion(ReadOnlySpan<char> code, out string region)
    {
        region = "";
        if (code.Length != 2 || !char.IsAsciiLetter(code[0]) || !char.IsAsciiLetter(code[1]))
        {
            return false;
        }
        ReadOnlySpan<char> upper = [char.ToUpperInvariant(code[0]), char.ToUpperInvariant(code[1])];
        if (!s_supportedRegions.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(upper, out var actual))
        {
            return false;
        }
        region = actual;
        return true;
    }

    private static bool HasPlausibleDigitCount(ReadOnlySpan<char> raw)
    {
        var digits = 0;
        foreach (var c in raw)
        {
            if (char.IsDigit(c))
            {
                digits++;
            }
        }
        return digits is >= MinDigits and <= MaxDigits;
    }
}
