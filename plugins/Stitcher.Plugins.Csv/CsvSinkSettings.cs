namespace Stitcher.Plugins.Csv;

/// <summary>The settings of one configured CSV sink, checked when the sink is created.</summary>
internal sealed class CsvSinkSettings
{
    internal const string PathKey = "path";
    internal const string AttributesKey = "attributes";
    internal const string DefaultPath = "output/profiles.csv";

    internal static readonly IReadOnlyList<string> DefaultAttributes =
    [
        "given_name", "surname", "full_name", "email", "phone", "date_of_birth",
        "street", "city", "state", "postcode", "country",
        "company", "customer_id", "loyalty_id", "device_id", "account_id",
    ];

    private CsvSinkSettings(string path, IReadOnlyList<string> attributes)
    {
        Path = path;
        Attributes = attributes;
    }

    /// <summary>Full path of the CSV file.</summary>
    public string Path { get; }

    /// <summary>Canonical attribute names written as columns, in order.</summary>
    public IReadOnlyList<string> Attributes { get; }

    public static CsvSinkSettings Parse(SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        var path = DefaultPath;
        var attributes = DefaultAttributes;
        foreach (var (key, value) in context.Settings)
        {
            if (string.Equals(key, PathKey, StringComparison.OrdinalIgnoreCase))
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    throw new ArgumentException($"CSV sink '{context.SinkName}': setting '{key}' must not be empty.", nameof(context));
                }

                path = value;
            }
            else if (string.Equals(key, AttributesKey, StringComparison.OrdinalIgnoreCase))
            {
                attributes = ParseAttributes(context.SinkName, key, value);
            }
            else
            {
                throw new ArgumentException(
                    $"CSV sink '{context.SinkName}': unknown setting '{key}'. Known settings: {PathKey}, {AttributesKey}.",
                    nameof(context));
            }
        }

        var fullPath = System.IO.Path.GetFullPath(System.IO.Path.Combine(context.BaseDirectory, path));
        return new CsvSinkSettings(fullPath, attributes);
    }

    private static string[] ParseAttributes(string sinkName, string key, string value)
    {
        var names = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0)
        {
            throw new ArgumentException($"CSV sink '{sinkName}': setting '{key}' must name at least one attribute.", "context");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (CsvProfileSink.IsFixedColumn(name))
            {
                throw new ArgumentException($"CSV sink '{sinkName}': setting '{key}' names '{name}', which is a fixed column.", "context");
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"CSV sink '{sinkName}': setting '{key}' names '{name}' twice.", "context");
            }
        }

        return names;
    }
}
