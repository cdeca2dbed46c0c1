namespace Stitcher.Plugins.Salesforce;

/// <summary>What the sink does with a profile that was merged away or deleted.</summary>
internal enum RemovalMode
{
    /// <summary>Deletes the Salesforce record (collection delete by the Salesforce id the upsert returned).</summary>
    Delete,

    /// <summary>Keeps the record and sets <see cref="SalesforceSettings.InactiveField"/> (and the survivor's id, if mapped).</summary>
    Deactivate,
}

/// <summary>
/// The settings of one Salesforce sink, checked when the sink is created. Authentication is the OAuth client-credentials
/// flow (<c>ClientId</c>, <c>ClientSecret</c>) or the JWT bearer flow (<c>ClientId</c>, <c>Username</c>,
/// <c>PrivateKeyPath</c> to an RSA key in PEM); <c>LoginUrl</c> is the org's My Domain or login host.
/// </summary>
internal sealed class SalesforceSettings
{
    private static readonly string[] s_known =
    [
        "LoginUrl", "ClientId", "ClientSecret", "Username", "PrivateKeyPath", "ApiVersion", "Object", "ExternalIdField",
        "Fields", "OnRemove", "InactiveField", "SurvivorField", "TimeoutSeconds",
    ];

    /// <summary>Canonical attributes to Contact fields, used when <c>Fields</c> is not set.</summary>
    internal static readonly IReadOnlyList<(string Attribute, string Field)> DefaultContactFields =
    [
        ("given_name", "FirstName"), ("surname", "LastName"), ("email", "Email"), ("phone", "Phone"),
        ("date_of_birth", "Birthdate"), ("street", "MailingStreet"), ("city", "MailingCity"), ("state", "MailingState"),
        ("postcode", "MailingPostalCode"), ("country", "MailingCountry"),
    ];

    public required Uri LoginUrl { get; init; }

    public required string ClientId { get; init; }

    public string? ClientSecret { get; init; }

    public string? Username { get; init; }

    public string? PrivateKeyPath { get; init; }

    /// <summary>E.g. <c>v62.0</c>.</summary>
    public required string ApiVersion { get; init; }

    public required string ObjectName { get; init; }

    public required string ExternalIdField { get; init; }

    /// <summary>Canonical attribute (or <c>trait.&lt;name&gt;</c>) to Salesforce field, in order.</summary>
    public required IReadOnlyList<(string Attribute, string Field)> Fields { get; init; }

    public RemovalMode OnRemove { get; init; }

    public string? InactiveField { get; init; }

    public string? SurvivorField { get; init; }

    public TimeSpan Timeout { get; init; }

    public bool UsesJwt => Username is not null;

    public static SalesforceSettings Parse(SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in context.Settings)
        {
            if (!s_known.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw Error(context, $"unknown setting '{key}'. Known settings: {string.Join(", ", s_known)}");
            }
            values[key] = value;
        }
        string? Get(string key) => values.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var login = Get("LoginUrl") ?? "https://login.salesforce.com";
        if (!Uri.TryCreate(login, UriKind.Absolute, out var loginUrl) || (loginUrl.Scheme != Uri.UriSchemeHttps && loginUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw Error(context, $"setting 'LoginUrl' must be an absolute https URL, not '{login}'");
        }
        var clientId = Get("ClientId") ?? throw Error(context, "setting 'ClientId' is required (the connected app's consumer key)");
        var secret = Get("ClientSecret");
        var username = Get("Username");
        var keyPath = Get("PrivateKeyPath");
        if (username is null && secret is null)
        {
            throw Error(context, "give 'ClientSecret' (client-credentials flow) or 'Username' and 'PrivateKeyPath' (JWT bearer flow)");
        }
        if (username is not null)
        {
            keyPath = keyPath is null
                ? throw Error(context, "the JWT bearer flow ('Username') needs 'PrivateKeyPath', an RSA private key in PEM")
                : Path.GetFullPath(Path.Combine(context.BaseDirectory, keyPath));
            if (!File.Exists(keyPath))
            {
                throw Error(context, $"setting 'PrivateKeyPath': '{keyPath}' does not exist");
            }
        }
        var version = Get("ApiVersion") ?? "v62.0";
        if (!version.StartsWith('v') || !decimal.TryParse(version[1..], System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 46)
        {
            throw Error(context, $"setting 'ApiVersion' must look like v62.0 and be v46.0 or later (sObject Collections upsert), not '{version}'");
        }
        var removal = Get("OnRemove") ?? "delete";
        var mode = removal.ToLowerInvariant() switch
        {
            "delete" => RemovalMode.Delete,
            "deactivate" => RemovalMode.Deactivate,
            _ => throw Error(context, $"setting 'OnRemove' must be 'delete' or 'deactivate', not '{removal}'"),
        };
        var inactive = Get("InactiveField");
        if (mode == RemovalMode.Deactivate && inactive is null)
        {
            throw Error(context, "OnRemove 'deactivate' needs 'InactiveField', a checkbox field set true on a removed profile's record");
        }
        var timeout = 60.0;
        if (Get("TimeoutSeconds") is { } t && (!double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out timeout) || timeout <= 0 || timeout > 600))
        {
            throw Error(context, $"setting 'TimeoutSeconds' must be a number of seconds between 0 and 600, not '{t}'");
        }
        return new SalesforceSettings
        {
            LoginUrl = loginUrl,
            ClientId = clientId,
            ClientSecret = secret,
            Username = username,
            PrivateKeyPath = keyPath,
            ApiVersion = version,
            ObjectName = Get("Object") ?? "Contact",
            ExternalIdField = Get("ExternalIdField") ?? "Stitcher_Id__c",
            Fields = Get("Fields") is { } fields ? ParseFields(context, fields) : DefaultContactFields,
            OnRemove = mode,
            InactiveField = inactive,
            SurvivorField = Get("SurvivorField"),
            Timeout = TimeSpan.FromSeconds(timeout),
        };
    }

    /// <summary><c>email=Email, surname=LastName, trait.shoe_size=Shoe_Size__c</c>.</summary>
    private static List<(string, string)> ParseFields(SinkContext context, string text)
    {
        var fields = new List<(string, string)>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == part.Length - 1)
            {
                throw Error(context, $"setting 'Fields': '{part}' is not attribute=SalesforceField");
            }
            fields.Add((part[..equals].Trim(), part[(equals + 1)..].Trim()));
        }
        return fields.Count > 0 ? fields : throw Error(context, "setting 'Fields' maps no field");
    }

    private static ArgumentException Error(SinkContext context, string message) =>
        new($"Salesforce sink '{context.SinkName}': {message}.", nameof(context));
}
