using Stitcher.Engine.Matching.Comparators;
using Stitcher.Engine.Normalization;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Matching;

/// <summary>The fields probabilistic matching compares, in the order of a model's comparison vector.</summary>
public enum MatchField : byte
{
    GivenName,
    Surname,
    DateOfBirth,
    Street,
    City,
    Postcode,
    State,
    Email,
    Phone,
    NationalId,
}

/// <summary>
/// One record as the matcher sees it: match-ready values and the codes derived from them once, so that
/// scoring a pair only compares. Built from a normalized value array.
/// </summary>
internal sealed class MatchRecord
{
    public const int FieldCount = (int)MatchField.NationalId + 1;

    public required string Key
    {
        get;
        init
        {
            field = value;
            KeyHash = string.GetHashCode(value, StringComparison.Ordinal);
        }
    }

    /// <summary>The key's hash: telling a record from another without reading its key (a cache miss at scale).</summary>
    public int KeyHash { get; private init; }

    /// <summary>Whether this is the record stored under <paramref name="key"/> (whose hash is <paramref name="keyHash"/>).</summary>
    public bool HasKey(string key, int keyHash) => KeyHash == keyHash && string.Equals(Key, key, StringComparison.Ordinal);
    public string? GivenName { get; private set; }
    public string? Surname { get; private set; }
    /// <summary>
    /// First letter of the given name's Latin spelling (Hangul romanized), for blocking; '\0' without a given name.
    /// The spellings themselves only feed the phonetic codes, so they are not kept: 16 bytes per indexed record.
    /// </summary>
    public char GivenInitial { get; init; }
    public ulong GivenCode { get; init; }
    public ulong SurnameCode { get; init; }
    /// <summary>Date of birth as yyyymmdd, 0 when unknown.</summary>
    public int DateOfBirth { get; init; }
    public string? Street
    {
        get;
        init
        {
            field = value;
            StreetTokens = value is null ? 0 : TokenSimilarity.TokenMask(value);
        }
    }

    /// <summary>The street's <see cref="TokenSimilarity.TokenMask"/>: streets whose masks share no bit share no token.</summary>
    public ulong StreetTokens { get; private init; }
    public string? City { get; private set; }
    public string? Postcode { get; private set; }
    public string? State { get; private set; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string? NationalId { get; init; }

    public static MatchRecord From(string key, string?[] normalized) => From(key, normalized, SharedValues.None);

    /// <summary>
    /// Swaps values from small vocabularies (names, cities, postcodes, states) for one shared copy each, before the
    /// record is kept in an index for the life of the engine. Not thread-safe: call it where nothing else reads the record.
    /// </summary>
    public void ShareValues(ValuePool pool)
    {
        GivenName = pool.Share(GivenName);
        Surname = pool.Share(Surname);
        City = pool.Share(City);
        Postcode = pool.Share(Postcode);
        State = pool.Share(State);
    }

    /// <summary>Builds the matcher's view of a record; identifier values many people share count as missing.</summary>
    public static MatchRecord From(string key, string?[] normalized, SharedValues shared)
    {
        var given = Value(normalized, CanonicalAttribute.GivenName);
        var surname = Value(normalized, CanonicalAttribute.Surname);
        var givenLatin = Latin(given, surname: false);
        var surnameLatin = Latin(surname, surname: true);
        return new MatchRecord
        {
            Key = key,
            GivenName = given,
            Surname = surname,
            GivenInitial = givenLatin is { Length: > 0 } ? givenLatin[0] : '\0',
            GivenCode = givenLatin is null ? 0 : DoubleMetaphone.Key(givenLatin),
            SurnameCode = surnameLatin is null ? 0 : DoubleMetaphone.Key(surnameLatin),
            DateOfBirth = ParseDate(Value(normalized, CanonicalAttribute.DateOfBirth)),
            Street = ComposeStreet(normalized),
            City = Value(normalized, CanonicalAttribute.City),
            Postcode = Value(normalized, CanonicalAttribute.Postcode),
            State = Value(normalized, CanonicalAttribute.State),
            Email = Personal(normalized, CanonicalAttribute.Email, MatchField.Email, shared),
            Phone = Personal(normalized, CanonicalAttribute.Phone, MatchField.Phone, shared),
            NationalId = Personal(normalized, CanonicalAttribute.NationalId, MatchField.NationalId, shared),
        };
    }

    private static string? Value(string?[] normalized, CanonicalAttribute attribute)
    {
        var value = normalized[(int)attribute];
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static string? Personal(string?[] normalized, CanonicalAttribute attribute, MatchField field, SharedValues shared)
    {
        var value = Value(normalized, attribute);
        return shared.IsShared(field, value) ? null : value;
    }

    private static string? Latin(string? name, bool surname)
    {
        if (name is null)
        {
            return null;
        }
        foreach (var c in name)
        {
            if (HangulRomanizer.IsSyllable(c))
            {
                return surname ? HangulRomanizer.RomanizeSurname(name) : HangulRomanizer.Romanize(name).Replace(" ", "", StringComparison.Ordinal);
            }
        }
        return name;
    }

    /// <summary>House number, street and second address line as one token string, for token comparison.</summary>
    private static string? ComposeStreet(string?[] normalized)
    {
        var number = Value(normalized, CanonicalAttribute.StreetNumber);
        var street = Value(normalized, CanonicalAttribute.Street);
        var line2 = Value(normalized, CanonicalAttribute.AddressLine2);
        if (number is null && line2 is null)
        {
            return street;
        }
        return string.Join(' ', number ?? "", street ?? "", line2 ?? "").Trim();
    }

    /// <summary>A normalized ISO date (yyyy-MM-dd) as the yyyymmdd number the date comparator takes; 0 when unknown.</summary>
    internal static int ParseDate(string? iso)
    {
        // yyyy-MM-dd from the normalizer.
        if (iso is null || iso.Length != 10)
        {
            return 0;
        }
        var value = 0;
        foreach (var c in iso)
        {
            if (c is >= '0' and <= '9')
            {
                value = (value * 10) + (c - '0');
            }
        }
        return value;
    }
}
