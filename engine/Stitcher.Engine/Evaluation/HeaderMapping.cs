using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Evaluation;

/// <summary>
/// Maps CSV headers onto canonical attributes by name or common alias (dob, suburb, zip, first_name, …), so a
/// labelled file can be evaluated without writing a channel mapping. Explicit <c>column=attribute</c> pairs win.
/// </summary>
public static class HeaderMapping
{
    private static readonly Dictionary<string, CanonicalAttribute> s_aliases = BuildAliases();

    /// <summary>Canonical attribute name → source column.</summary>
    public static Dictionary<string, string> Infer(IReadOnlyList<string> headers, string? excludedColumn, IReadOnlyDictionary<string, string>? overrides)
    {
        var mapping = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var explicitColumns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (overrides is not null)
        {
            foreach (var (column, attribute) in overrides)
            {
                if (!CanonicalAttributes.TryParse(attribute, out var canonical))
                {
                    throw new ArgumentException($"--map {column}={attribute}: '{attribute}' is not a canonical attribute (known: {string.Join(", ", CanonicalAttributes.Names)}).");
                }
                mapping[CanonicalAttributes.NameOf(canonical)] = column;
                explicitColumns.Add(column);
            }
        }
        foreach (var header in headers)
        {
            if (explicitColumns.Contains(header) || string.Equals(header, excludedColumn, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (s_aliases.TryGetValue(Key(header), out var attribute))
            {
                mapping.TryAdd(CanonicalAttributes.NameOf(attribute), header);
            }
        }
        return mapping;
    }

    /// <summary>Reads the header row of a CSV file (first line; quoted names allowed).</summary>
    public static IReadOnlyList<string> ReadHeader(string path, char delimiter = ',')
    {
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        var line = reader.ReadLine() ?? throw new InvalidDataException($"'{path}' is empty: no header row.");
        var headers = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                if (quoted && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else
                {
                    quoted = !quoted;
                }
            }
            else if (c == delimiter && !quoted)
            {
                headers.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        headers.Add(current.ToString().Trim());
        return headers;
    }

    private static string Key(string header) => header.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');

    private static Dictionary<string, CanonicalAttribute> BuildAliases()
    {
        var aliases = new Dictionary<string, CanonicalAttribute>(StringComparer.Ordinal);
        for (var i = 0; i < CanonicalAttributes.Count; i++)
        {
            aliases[CanonicalAttributes.Names[i]] = (CanonicalAttribute)i;
        }
        void Add(CanonicalAttribute attribute, params string[] names)
        {
            foreach (var name in names)
            {
                aliases[name] = attribute;
            }
        }
        Add(CanonicalAttribute.RecordId, "rec_id", "id", "recordid");
        Add(CanonicalAttribute.Timestamp, "ts", "updated_at", "created_at", "event_time", "date");
        Add(CanonicalAttribute.GivenName, "first_name", "firstname", "given", "forename", "fname", "first");
        Add(CanonicalAttribute.Surname, "last_name", "lastname", "family_name", "lname", "last");
        Add(CanonicalAttribute.FullName, "name", "fullname", "customer_name");
        Add(CanonicalAttribute.DateOfBirth, "dob", "birth_date", "birthdate", "date_of_birth");
        Add(CanonicalAttribute.Street, "address_1", "address1", "address", "street_address", "address_line_1", "addr");
        Add(CanonicalAttribute.AddressLine2, "address_2", "address2");
        Add(CanonicalAttribute.StreetNumber, "house_number", "street_no", "number");
        Add(CanonicalAttribute.City, "suburb", "town", "locality");
        Add(CanonicalAttribute.Postcode, "zip", "zipcode", "zip_code", "postal_code", "post_code");
        Add(CanonicalAttribute.State, "province", "region");
        Add(CanonicalAttribute.Email, "email_address", "e_mail", "mail");
        Add(CanonicalAttribute.Phone, "phone_number", "telephone", "tel", "mobile");
        Add(CanonicalAttribute.NationalId, "soc_sec_id", "ssn", "social_security_number", "national_insurance_number");
        Add(CanonicalAttribute.Company, "organisation", "organization", "company_name", "employer");
        Add(CanonicalAttribute.CustomerId, "customer_number", "customer_no", "crm_id", "client_id");
        Add(CanonicalAttribute.LoyaltyId, "loyalty_no", "loyalty_number", "loyalty", "member_id", "membership_id", "card_number");
        Add(CanonicalAttribute.DeviceId, "device", "cookie_id", "anonymous_id", "visitor_id");
        Add(CanonicalAttribute.AccountId, "account", "account_number");
        return aliases;
    }
}
