namespace Stitcher.Engine.Schema;

/// <summary>
/// The attributes every channel maps onto. The ordinal is the index into a record's value array,
/// so the order here is part of the stored format: append, never reorder.
/// </summary>
public enum CanonicalAttribute
{
    RecordId,
    Timestamp,
    EventType,
    GivenName,
    Surname,
    FullName,
    Email,
    Phone,
    DateOfBirth,
    Street,
    City,
    State,
    Postcode,
    Country,
    Company,
    CustomerId,
    LoyaltyId,
    DeviceId,
    AccountId,
    NationalId,
    StreetNumber,
    AddressLine2,
}

/// <summary>Names of the canonical attributes as they are written in configuration and output.</summary>
public static class CanonicalAttributes
{
    /// <summary>How many canonical attributes there are; the length of every value array.</summary>
    public const int Count = (int)CanonicalAttribute.AddressLine2 + 1;

    private static readonly string[] s_names =
    [
        "record_id", "timestamp", "event_type", "given_name", "surname", "full_name", "email", "phone",
        "date_of_birth", "street", "city", "state", "postcode", "country", "company",
        "customer_id", "loyalty_id", "device_id", "account_id", "national_id", "street_number", "address_line_2",
    ];

    private static readonly Dictionary<string, CanonicalAttribute> s_byName = BuildIndex();

    /// <summary>Every canonical name, in ordinal order.</summary>
    public static IReadOnlyList<string> Names => s_names;

    /// <summary>The configuration name of <paramref name="attribute"/>, e.g. <c>given_name</c>.</summary>
    public static string NameOf(CanonicalAttribute attribute) => s_names[(int)attribute];

    /// <summary>Looks up a canonical attribute by its configuration name (case-insensitive).</summary>
    public static bool TryParse(string name, out CanonicalAttribute attribute) => s_byName.TryGetValue(name, out attribute);

    private static Dictionary<string, CanonicalAttribute> BuildIndex()
    {
        var index = new Dictionary<string, CanonicalAttribute>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < s_names.Length; i++)
        {
            index[s_names[i]] = (CanonicalAttribute)i;
        }
        return index;
    }
}
