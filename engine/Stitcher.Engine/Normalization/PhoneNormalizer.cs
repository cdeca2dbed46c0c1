using System.Collections.Frozen;
using PhoneNumbers;

namespace Stitcher.Engine.Normalization;

/// <summary>
/// Phone numbers in E.164 ("+821012345678"), read in the record's region when it is known and in the
/// default region otherwise. Only numbers the phone metadata considers valid are accepted. Thread-safe.
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
    public bool TryNormalize(string? raw, string? regionHint, out string e164)
    {
        e164 = "";
        if (raw is null || !HasPlausibleDigitCount(raw))
        {
            return false;
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
            return false;
        }
        if (!s_util.IsValidNumber(number))
        {
            return false;
        }
        e164 = s_util.Format(number, PhoneNumberFormat.E164);
        return true;
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
