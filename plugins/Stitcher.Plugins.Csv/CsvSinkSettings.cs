namespace Stitcher.Plugins.Csv;

/// <summary>The settings of one configured CSV sink, checked when the sink is created.</summary>
internal sealed class CsvSinkSettings
{
    internal const string PathKey = "path";
    internal const string AttributesKey = "attributes";
    internal const string ChangesKey = "changes";
    internal const string NoChanges = "none";
    internal const string DefaultPath = "output/profiles.csv";

    internal static readonly IReadOnlyList<string> DefaultAttributes =
    [
        "given_name", "surname", "full_name", "email", "phone", "date_of_birth",
        "street", "city", "state", "postcode", "country",
        "company", "customer_id", "loyalty_id", "device_id", "account_id",
    ];

    private CsvSinkSettings(string path, IReadOnlyList<string> attributes, string? changesDirectory)
    {
        Path = path;
        Attributes = attributes;
        ChangesDirectory = changesDirectory;
    }

    /// <summary>Full path of the CSV file.</summary>
    public string Path { get; }

    /// <summary>Attribute names written as columns, in order: canonical ones and custom ones (<c>trait.diet</c>).</summary>
    public IReadOnlyList<string> Attributes { get; }

    /// <summary>Where each flush writes its change file; null when the <c>changes</c> setting is <c>none</c>.</summary>
    public string? ChangesDirectory { get; }

    public static CsvSinkSettings Parse(SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        var path = DefaultPath;
        // The custom attributes the channels map follow the canonical columns, unless the setting names the columns.
        IReadOnlyList<string> attributes = [.. DefaultAttributes, .. context.TraitNames];
        string? changes = null;
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
            else if (string.Equals(key, ChangesKey, StringComparison.OrdinalIgnoreCase))
            {
                changes = string.IsNullOrWhiteSpace(value)
                    ? throw new ArgumentException($"CSV sink '{context.SinkName}': setting '{key}' must be a directory or '{NoChanges}'.", nameof(context))
                    : value;
            }
            else
            {
                throw new ArgumentException(
                    $"CSV sink '{context.SinkName}': unknown setting '{key}'. Known settings: {PathKey}, {AttributesKey}, {ChangesKey}.",
                    nameof(context));
            }
        }

        var fullPath = System.IO.Path.GetFullPath(System.IO.Path.Combine(context.BaseDirectory, path));
        // By default the change files go beside the snapshot, in changes/.
        var changesDirectory = changes is null
            ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(fullPath)!, "changes")
            : string.Equals(changes, NoChanges, StringComparison.OrdinalIgnoreCase) ? null
            : System.IO.Path.GetFullPath(System.IO.Path.Combine(context.BaseDirectory, changes));
        return new CsvSinkSettings(fullPath, attributes, changesDirectory);
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
