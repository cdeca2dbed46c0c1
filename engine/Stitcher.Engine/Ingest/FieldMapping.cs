using System.Diagnostics.CodeAnalysis;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Ingest;

/// <summary>
/// Says where each canonical attribute comes from in one channel's files: a column name for CSV
/// (matched case-insensitively, trimmed) or a dotted path such as <c>user.contact.email</c> for NDJSON.
/// Attributes that are not mapped stay null in every record.
/// </summary>
public sealed class FieldMapping
{
    private readonly CanonicalAttribute[] _attributes;
    private readonly string[] _sources;

    /// <summary>Builds a mapping from canonical attribute to source column or JSON path.</summary>
    /// <exception cref="ArgumentException">The mapping is empty, names an unknown attribute, or has a blank source.</exception>
    public FieldMapping(IReadOnlyDictionary<CanonicalAttribute, string> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
        {
            throw new ArgumentException("A field mapping needs at least one attribute.", nameof(sources));
        }

        _attributes = new CanonicalAttribute[sources.Count];
        _sources = new string[sources.Count];
        var i = 0;
        foreach (var (attribute, source) in sources)
        {
            if ((uint)attribute >= CanonicalAttributes.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(sources), attribute, "Unknown canonical attribute.");
            }
            if (string.IsNullOrWhiteSpace(source))
            {
                throw new ArgumentException($"The source for '{CanonicalAttributes.NameOf(attribute)}' is empty.", nameof(sources));
            }
            _attributes[i] = attribute;
            _sources[i] = source.Trim();
            i++;
        }

        // Dictionary order is not defined; ordinal order keeps column lookups and error messages stable.
        Array.Sort(_attributes, _sources);
    }

    /// <summary>
    /// Builds a mapping from configuration, where keys are canonical names such as <c>given_name</c>
    /// (case-insensitive) and values are source columns or JSON paths.
    /// </summary>
    /// <exception cref="ArgumentException">A key is not a canonical attribute name, or a source is blank.</exception>
    public static FieldMapping FromAttributeNames(IReadOnlyDictionary<string, string> sourcesByAttributeName)
    {
        ArgumentNullException.ThrowIfNull(sourcesByAttributeName);
        var sources = new Dictionary<CanonicalAttribute, string>(sourcesByAttributeName.Count);
        foreach (var (name, source) in sourcesByAttributeName)
        {
            if (!CanonicalAttributes.TryParse(name, out var attribute))
            {
                throw new ArgumentException($"'{name}' is not a canonical attribute; expected one of: {string.Join(", ", CanonicalAttributes.Names)}.", nameof(sourcesByAttributeName));
            }
            if (!sources.TryAdd(attribute, source))
            {
                throw new ArgumentException($"'{name}' is mapped more than once.", nameof(sourcesByAttributeName));
            }
        }
        return new FieldMapping(sources);
    }

    /// <summary>How many attributes are mapped.</summary>
    public int Count => _attributes.Length;

    /// <summary>The column or JSON path that <paramref name="attribute"/> is read from, if it is mapped.</summary>
    public bool TryGetSource(CanonicalAttribute attribute, [NotNullWhen(true)] out string? source)
    {
        var index = Array.IndexOf(_attributes, attribute);
        source = index < 0 ? null : _sources[index];
        return index >= 0;
    }

    /// <summary>Mapped attributes in ordinal order; <see cref="Sources"/> holds their sources at the same index.</summary>
    internal ReadOnlySpan<CanonicalAttribute> Attributes => _attributes;

    /// <summary>Trimmed source names, parallel to <see cref="Attributes"/>.</summary>
    internal ReadOnlySpan<string> Sources => _sources;
}
