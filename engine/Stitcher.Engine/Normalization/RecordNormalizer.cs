using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Normalization;

/// <summary>
/// Turns a record's raw canonical values into match-ready values. A record without a record_id or a readable
/// timestamp is rejected; an invalid email, phone or date of birth is dropped with an issue and the record kept.
/// Stateless after construction, so one instance serves every thread.
/// </summary>
public sealed class RecordNormalizer
{
    private const string MissingRecordId = "missing record_id";
    private const string MissingTimestamp = "missing timestamp";
    private const string UnverifiedPhone = "kept unverified: the right length, but not in a range the phone metadata lists as assigned";
    private const string InvalidTimestamp = "not a recognised timestamp (expected ISO-8601, a date, or Unix epoch seconds or milliseconds between 1900 and 2100)";
    private const string InvalidEmail = "not a valid email address";
    private const string RepairedEmail = "kept unverified: no '@', read as a mailbox at the mail provider it ends with";
    private const string InvalidDateOfBirth = "not a valid date of birth (expected a real date between 1900 and 2100)";

    // One reason string per region, built on first use, so that dropping a phone does not allocate.
    private static readonly ConcurrentDictionary<string, string> s_phoneReasons = new(StringComparer.Ordinal);

    private readonly PhoneNormalizer _phone;
    private readonly PhoneNormalizer[] _fallbackPhones;
    private readonly bool _dayFirst;

    /// <summary>Creates a normalizer.</summary>
    /// <param name="defaultPhoneRegion">ISO 3166 alpha-2 region for phone numbers of records without a known country.</param>
    /// <param name="dayFirst">Whether ambiguous numeric dates (03/04/1985) are day first.</param>
    /// <param name="fallbackPhoneRegions">
    /// Regions tried in order when a record has no known country and its number, written without a country code,
    /// is not valid in the default region: a channel that mixes US and Korean stores, say.
    /// </param>
    /// <exception cref="ArgumentException">A region is not known.</exception>
    public RecordNormalizer(string defaultPhoneRegion, bool dayFirst, IReadOnlyList<string>? fallbackPhoneRegions = null)
    {
        _phone = new PhoneNormalizer(defaultPhoneRegion);
        _dayFirst = dayFirst;
        _fallbackPhones = new PhoneNormalizer[fallbackPhoneRegions?.Count ?? 0];
        for (var i = 0; i < _fallbackPhones.Length; i++)
        {
            _fallbackPhones[i] = new PhoneNormalizer(fallbackPhoneRegions![i]);
        }
    }

    /// <summary>The region used for phone numbers of records without a known country.</summary>
    public string DefaultPhoneRegion => _phone.DefaultRegion;

    /// <summary>Whether ambiguous numeric dates are read day first.</summary>
    public bool DayFirst => _dayFirst;

    /// <summary>
    /// Fills <paramref name="normalized"/> (indexed like <paramref name="raw"/> by <see cref="CanonicalAttribute"/>)
    /// with match-ready values and appends what is wrong to <paramref name="issues"/>. Returns false when the
    /// record is rejected; <paramref name="normalized"/> is then cleared.
    /// </summary>
    public bool TryNormalize(string?[] raw, string?[] normalized, List<FieldIssue> issues)
    {
        if (raw is null || normalized is null || issues is null || raw.Length < CanonicalAttributes.Count
            || normalized.Length < CanonicalAttributes.Count || ReferenceEquals(raw, normalized))
        {
            ThrowInvalidArguments(raw, normalized, issues);
        }
        Array.Clear(normalized, 0, CanonicalAttributes.Count);

        var recordId = Trimmed(raw[(int)CanonicalAttribute.RecordId]);
        if (recordId is null)
        {
            issues.Add(new FieldIssue(CanonicalAttribute.RecordId, MissingRecordId, Rejects: true));
        }
        var rawTimestamp = raw[(int)CanonicalAttribute.Timestamp];
        DateTimeOffset timestamp = default;
        var hasTimestamp = false;
        if (string.IsNullOrWhiteSpace(rawTimestamp))
        {
            issues.Add(new FieldIssue(CanonicalAttribute.Timestamp, MissingTimestamp, Rejects: true));
        }
        else if (DateNormalizer.TryParseTimestamp(rawTimestamp, _dayFirst, out timestamp))
        {
            hasTimestamp = true;
        }
        else
        {
            issues.Add(new FieldIssue(CanonicalAttribute.Timestamp, InvalidTimestamp, Rejects: true));
        }
        if (recordId is null || !hasTimestamp)
        {
            return false;
        }

        normalized[(int)CanonicalAttribute.RecordId] = recordId;
        normalized[(int)CanonicalAttribute.Timestamp] = FormatTimestamp(timestamp);
        normalized[(int)CanonicalAttribute.EventType] = Trimmed(raw[(int)CanonicalAttribute.EventType]);

        string? regionHint = null;
        var rawCountry = raw[(int)CanonicalAttribute.Country];
        if (!string.IsNullOrWhiteSpace(rawCountry))
        {
            normalized[(int)CanonicalAttribute.Country] = CountryNormalizer.TryGetRegion(rawCountry, out var region)
                ? regionHint = region
                : StreetNormalizer.NormalizePlaceForMatch(rawCountry);
        }

        NormalizeNames(raw, normalized);
        NormalizeEmail(raw, normalized, issues);
        NormalizePhone(raw, normalized, issues, regionHint);
        NormalizeDateOfBirth(raw, normalized, issues);

        normalized[(int)CanonicalAttribute.Street] = StreetNormalizer.NormalizeForMatch(raw[(int)CanonicalAttribute.Street]);
        normalized[(int)CanonicalAttribute.City] = StreetNormalizer.NormalizePlaceForMatch(raw[(int)CanonicalAttribute.City]);
        normalized[(int)CanonicalAttribute.State] = StreetNormalizer.NormalizePlaceForMatch(raw[(int)CanonicalAttribute.State]);
        normalized[(int)CanonicalAttribute.Postcode] = PostcodeNormalizer.Normalize(raw[(int)CanonicalAttribute.Postcode]);
        normalized[(int)CanonicalAttribute.Company] = CompanyNormalizer.NormalizeForMatch(raw[(int)CanonicalAttribute.Company]);

        normalized[(int)CanonicalAttribute.CustomerId] = Trimmed(raw[(int)CanonicalAttribute.CustomerId]);
        normalized[(int)CanonicalAttribute.LoyaltyId] = Trimmed(raw[(int)CanonicalAttribute.LoyaltyId]);
        normalized[(int)CanonicalAttribute.DeviceId] = Trimmed(raw[(int)CanonicalAttribute.DeviceId]);
        normalized[(int)CanonicalAttribute.AccountId] = Trimmed(raw[(int)CanonicalAttribute.AccountId]);
        normalized[(int)CanonicalAttribute.NationalId] = Trimmed(raw[(int)CanonicalAttribute.NationalId]);
        normalized[(int)CanonicalAttribute.StreetNumber] = StreetNormalizer.NormalizeForMatch(raw[(int)CanonicalAttribute.StreetNumber]);
        normalized[(int)CanonicalAttribute.AddressLine2] = StreetNormalizer.NormalizeForMatch(raw[(int)CanonicalAttribute.AddressLine2]);
        return true;
    }

    private static void NormalizeNames(string?[] raw, string?[] normalized)
    {
        var given = NameNormalizer.NormalizeForMatch(raw[(int)CanonicalAttribute.GivenName]);
        var surname = NameNormalizer.NormalizeForMatch(raw[(int)CanonicalAttribute.Surname]);
        var rawFullName = raw[(int)CanonicalAttribute.FullName];
        if ((given is null || surname is null) && !string.IsNullOrWhiteSpace(rawFullName)
            && NameNormalizer.TrySplitFullName(rawFullName, out var splitGiven, out var splitSurname))
        {
            given ??= NameNormalizer.NormalizeForMatch(splitGiven);
            surname ??= NameNormalizer.NormalizeForMatch(splitSurname);
        }
        normalized[(int)CanonicalAttribute.GivenName] = given;
        normalized[(int)CanonicalAttribute.Surname] = surname;
        normalized[(int)CanonicalAttribute.FullName] = NameNormalizer.NormalizeForMatch(rawFullName) ?? ComposeFullName(given, surname);
    }

    // Korean names are written surname first without a space, as NormalizeForMatch writes a Hangul full name.
    private static string? ComposeFullName(string? given, string? surname)
    {
        if (given is null || surname is null)
        {
            return given ?? surname;
        }
        return MatchText.IsAllHangul(given) && MatchText.IsAllHangul(surname)
            ? string.Concat(surname, given)
            : string.Concat(given, " ", surname);
    }

    private static void NormalizeEmail(string?[] raw, string?[] normalized, List<FieldIssue> issues)
    {
        var value = raw[(int)CanonicalAttribute.Email];
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }
        if (EmailNormalizer.TryNormalize(value, out var email))
        {
            normalized[(int)CanonicalAttribute.Email] = email;
        }
        else if (EmailNormalizer.TryRepairLostAt(value, out email))
        {
            normalized[(int)CanonicalAttribute.Email] = email;
            issues.Add(new FieldIssue(CanonicalAttribute.Email, RepairedEmail, Rejects: false, Kept: true));
        }
        else
        {
            issues.Add(new FieldIssue(CanonicalAttribute.Email, InvalidEmail, Rejects: false));
        }
    }

    private void NormalizePhone(string?[] raw, string?[] normalized, List<FieldIssue> issues, string? regionHint)
    {
        var value = raw[(int)CanonicalAttribute.Phone];
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }
        var check = _phone.Check(value, regionHint, out var e164);
        if (check == PhoneCheck.Valid)
        {
            normalized[(int)CanonicalAttribute.Phone] = e164;
            return;
        }
        if (regionHint is null)
        {
            foreach (var fallback in _fallbackPhones)
            {
                if (fallback.TryNormalize(value, null, out var fallbackE164))
                {
                    normalized[(int)CanonicalAttribute.Phone] = fallbackE164;
                    return;
                }
            }
        }
        if (check == PhoneCheck.Possible)
        {
            // Records that share it still link, and the household guard still holds it to one person.
            normalized[(int)CanonicalAttribute.Phone] = e164;
            issues.Add(new FieldIssue(CanonicalAttribute.Phone, UnverifiedPhone, Rejects: false, Kept: true));
            return;
        }
        var region = regionHint is not null && PhoneNormalizer.TryGetSupportedRegion(regionHint, out var hinted) ? hinted : _phone.DefaultRegion;
        var reason = s_phoneReasons.GetOrAdd(region, static r => $"not a valid phone number for region {r}");
        issues.Add(new FieldIssue(CanonicalAttribute.Phone, reason, Rejects: false));
    }

    private void NormalizeDateOfBirth(string?[] raw, string?[] normalized, List<FieldIssue> issues)
    {
        var value = raw[(int)CanonicalAttribute.DateOfBirth];
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }
        if (DateNormalizer.TryParseDate(value, _dayFirst, out var date))
        {
            Span<char> buffer = stackalloc char[10];
            date.TryFormat(buffer, out var written, "O", CultureInfo.InvariantCulture);
            normalized[(int)CanonicalAttribute.DateOfBirth] = new string(buffer[..written]);
        }
        else
        {
            issues.Add(new FieldIssue(CanonicalAttribute.DateOfBirth, InvalidDateOfBirth, Rejects: false));
        }
    }

    // ISO-8601 round-trip in UTC: 2024-03-01T03:30:00.0000000Z.
    private static string FormatTimestamp(DateTimeOffset timestamp)
    {
        Span<char> buffer = stackalloc char[40];
        timestamp.UtcDateTime.TryFormat(buffer, out var written, "O", CultureInfo.InvariantCulture);
        return new string(buffer[..written]);
    }

    private static string? Trimmed(string? value)
    {
        if (value is null)
        {
            return null;
        }
        var trimmed = value.Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }

    [DoesNotReturn]
    private static void ThrowInvalidArguments(string?[]? raw, string?[]? normalized, List<FieldIssue>? issues)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(normalized);
        ArgumentNullException.ThrowIfNull(issues);
        if (ReferenceEquals(raw, normalized))
        {
            throw new ArgumentException("The normalized values need an array of their own; it is cleared before the raw values are read.", nameof(normalized));
        }
        throw new ArgumentException(
            $"Value arrays must hold {CanonicalAttributes.Count} entries, one per canonical attribute (raw: {raw.Length}, normalized: {normalized.Length}).",
            raw.Length < CanonicalAttributes.Count ? nameof(raw) : nameof(normalized));
    }
}
