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
    // Street, email, phone and national id lie one after another in one char array: a new record's own, an indexed
    // record's slice of its index's TextArena (see ShareValues). One object where there were up to four strings of
    // some 24 bytes of header each (half a gigabyte at 10M records), and what comparing a candidate reads lies
    // together in memory. A missing value has length 0 and no bit in _present (a present one may be blank).
    private char[] _text = [];
    private int _textStart;
    private int _streetLength;
    private int _emailLength;
    private int _phoneLength;
    private int _nationalIdLength;
    private TextValues _present;

    [Flags]
    private enum TextValues : byte
    {
        None = 0,
        Street = 1,
        Email = 2,
        Phone = 4,
        NationalId = 8,
    }

    public bool HasStreet => (_present & TextValues.Street) != 0;

    /// <summary>House number, street and second address line as one token string; empty when missing (see <see cref="HasStreet"/>).</summary>
    public ReadOnlySpan<char> Street => _text.AsSpan(_textStart, _streetLength);

    /// <summary>The street's <see cref="TokenSimilarity.TokenMask"/>: streets whose masks share no bit share no token.</summary>
    public ulong StreetTokens { get; private set; }
    public string? City { get; private set; }
    public string? Postcode { get; private set; }
    public string? State { get; private set; }

    public bool HasEmail => (_present & TextValues.Email) != 0;
    public ReadOnlySpan<char> Email => _text.AsSpan(_textStart + _streetLength, _emailLength);

    public bool HasPhone => (_present & TextValues.Phone) != 0;
    public ReadOnlySpan<char> Phone => _text.AsSpan(_textStart + _streetLength + _emailLength, _phoneLength);

    public bool HasNationalId => (_present & TextValues.NationalId) != 0;
    public ReadOnlySpan<char> NationalId => _text.AsSpan(_textStart + _streetLength + _emailLength + _phoneLength, _nationalIdLength);

    /// <summary>All four text values, one after another: what comparing reads of a candidate besides its names.</summary>
    internal ReadOnlySpan<char> Text => _text.AsSpan(_textStart, _streetLength + _emailLength + _phoneLength + _nationalIdLength);

    private void SetText(string? street, string? email, string? phone, string? nationalId)
    {
        _present = (street is null ? 0 : TextValues.Street) | (email is null ? 0 : TextValues.Email)
            | (phone is null ? 0 : TextValues.Phone) | (nationalId is null ? 0 : TextValues.NationalId);
        (_streetLength, _emailLength, _phoneLength, _nationalIdLength) = (street?.Length ?? 0, email?.Length ?? 0, phone?.Length ?? 0, nationalId?.Length ?? 0);
        var length = _streetLength + _emailLength + _phoneLength + _nationalIdLength;
        if (length > 0)
        {
            _text = new char[length];
            var at = 0;
            foreach (var value in (ReadOnlySpan<string?>)[street, email, phone, nationalId])
            {
                value.AsSpan().CopyTo(_text.AsSpan(at));
                at += value?.Length ?? 0;
            }
        }
        StreetTokens = street is null ? 0 : TokenSimilarity.TokenMask(street);
    }

    public static MatchRecord From(string key, string?[] normalized) => From(key, normalized, SharedValues.None);

    /// <summary>
    /// Swaps values from small vocabularies (names, cities, postcodes, states) for one shared copy each, and moves the
    /// text values into <paramref name="text"/>, before the record is kept in an index for the life of the engine.
    /// Not thread-safe: call it where nothing else reads the record.
    /// </summary>
    public void ShareValues(ValuePool pool, TextArena text)
    {
        GivenName = pool.Share(GivenName);
        Surname = pool.Share(Surname);
        City = pool.Share(City);
        Postcode = pool.Share(Postcode);
        State = pool.Share(State);
        (_text, _textStart) = text.Store(Text);
    }

    /// <summary>Builds the matcher's view of a record; identifier values many people share count as missing.</summary>
    public static MatchRecord From(string key, string?[] normalized, SharedValues shared)
    {
        var given = Value(normalized, CanonicalAttribute.GivenName);
        var surname = Value(normalized, CanonicalAttribute.Surname);
        var givenLatin = Latin(given, surname: false);
        var surnameLatin = Latin(surname, surname: true);
        var record = new MatchRecord
        {
            Key = key,
            GivenName = given,
            Surname = surname,
            GivenInitial = givenLatin is { Length: > 0 } ? givenLatin[0] : '\0',
            GivenCode = givenLatin is null ? 0 : DoubleMetaphone.Key(givenLatin),
            SurnameCode = surnameLatin is null ? 0 : DoubleMetaphone.Key(surnameLatin),
            DateOfBirth = ParseDate(Value(normalized, CanonicalAttribute.DateOfBirth)),
            City = Value(normalized, CanonicalAttribute.City),
            Postcode = Value(normalized, CanonicalAttribute.Postcode),
            State = Value(normalized, CanonicalAttribute.State),
        };
        record.SetText(ComposeStreet(normalized), Personal(normalized, CanonicalAttribute.Email, MatchField.Email, shared),
            Personal(normalized, CanonicalAttribute.Phone, MatchField.Phone, shared), Personal(normalized, CanonicalAttribute.NationalId, MatchField.NationalId, shared));
        return record;
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
