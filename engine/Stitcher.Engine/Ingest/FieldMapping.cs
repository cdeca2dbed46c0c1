using System.Diagnostics.CodeAnalysis;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Ingest;

/// <summary>
/// Says where each canonical attribute comes from in one channel's files: a column name for CSV
/// (matched case-insensitively, trimmed) or a dotted path such as <c>user.contact.email</c> for NDJSON.
/// Attributes that are not mapped stay null in every record. Custom attributes (<see cref="Schema.Traits"/>) take the
/// slots after the canonical ones, in name order: a record's value array holds <see cref="SlotCount"/> entries, and
/// slot <c>CanonicalAttributes.Count + i</c> is <see cref="TraitNames"/>[i].
/// </summary>
public sealed class FieldMapping
{
    private readonly CanonicalAttribute[] _attributes;
    private readonly string[] _sources;
    private readonly string[] _traitNames;

    /// <summary>Builds a mapping from canonical attribute (and custom attribute name) to source column or JSON path.</summary>
    /// <param name="sources">Canonical attribute → source.</param>
    /// <param name="traits">Custom attribute name (<c>trait.shoe_size</c>, canonical spelling) → source; none when null.</param>
    /// <exception cref="ArgumentException">The mapping is empty, names an unknown attribute, or has a blank source.</exception>
    public FieldMapping(IReadOnlyDictionary<CanonicalAttribute, string> sources, IReadOnlyDictionary<string, string>? traits = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        traits ??= new Dictionary<string, string>();
        if (sources.Count + traits.Count == 0)
        {
            throw new ArgumentException("A field mapping needs at least one attribute.", nameof(sources));
        }

        _traitNames = [.. traits.Keys];
        Array.Sort(_traitNames, StringComparer.Ordinal);
        _attributes = new CanonicalAttribute[sources.Count + traits.Count];
        _sources = new string[_attributes.Length];
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
        for (var t = 0; t < _traitNames.Length; t++, i++)
        {
            var source = traits[_traitNames[t]];
            if (string.IsNullOrWhiteSpace(source))
            {
                throw new ArgumentException($"The source for '{_traitNames[t]}' is empty.", nameof(traits));
            }
            _attributes[i] = (CanonicalAttribute)(CanonicalAttributes.Count + t);
            _sources[i] = source.Trim();
        }

        // Dictionary order is not defined; ordinal order keeps column lookups and error messages stable.
        Array.Sort(_attributes, _sources);
    }

    /// <summary>
    /// Builds a mapping from configuration, where keys are canonical names such as <c>given_name</c>
    /// (case-insensitive) or custom attribute names such as <c>trait.shoe_size</c>, and values are source columns or
    /// JSON paths.
    /// </summary>
    /// <exception cref="ArgumentException">A key is not a canonical attribute name, or a source is blank.</exception>
    public static FieldMapping FromAttributeNames(IReadOnlyDictionary<string, string> sourcesByAttributeName)
    {
        ArgumentNullException.ThrowIfNull(sourcesByAttributeName);
        var sources = new Dictionary<CanonicalAttribute, string>(sourcesByAttributeName.Count);
        var traits = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, source) in sourcesByAttributeName)
        {
            if (Traits.IsTrait(name))
            {
                if (!Traits.TryParse(name, out var trait, out var error))
                {
                    throw new ArgumentException($"'{name}': {error}.", nameof(sourcesByAttributeName));
                }
                if (!traits.TryAdd(trait, source))
                {
                    throw new ArgumentException($"'{name}' is mapped more than once.", nameof(sourcesByAttributeName));
                }
                continue;
            }
            if (!CanonicalAttributes.TryParse(name, out var attribute))
            {
                throw new ArgumentException($"'{name}' is not a canonical attribute; expected one of: {string.Join(", ", CanonicalAttributes.Names)}.", nameof(sourcesByAttributeName));
            }
            if (!sources.TryAdd(attribute, source))
            {
                throw new ArgumentException($"'{name}' is mapped more than once.", nameof(sourcesByAttributeName));
            }
        }
        return new FieldMapping(sources, traits);
    }

    /// <summary>How many attributes are mapped.</summary>
    public int Count => _attributes.Length;

    /// <summary>The custom attributes mapped, in name order: slot <c>CanonicalAttributes.Count + i</c> holds the i-th.</summary>
    public IReadOnlyList<string> TraitNames => _traitNames;

    /// <summary>The length of a record's value array: the canonical attributes, then the custom ones.</summary>
    public int SlotCount => CanonicalAttributes.Count + _traitNames.Length;

    /// <summary>The configuration name of a slot: <c>given_name</c>, or a custom attribute's <c>trait.diet</c>.</summary>
    public string NameOf(CanonicalAttribute slot) =>
        (int)slot < CanonicalAttributes.Count ? CanonicalAttributes.NameOf(slot) : _traitNames[(int)slot - CanonicalAttributes.Count];

    /// <summary>The column or JSON path that <paramref name="attribute"/> is read from, if it is mapped.</summary>
    public bool TryGetSource(CanonicalAttribute attribute, [NotNullWhen(true)] out string? source)
    {
        var index = Array.IndexOf(_attributes, attribute);
        source = index < 0 ? null : _sources[index];
        return index >= 0;
    }

    /// <summary>Mapped slots in ordinal order (custom attributes last); <see cref="Sources"/> holds their sources at the same index.</summary>
    internal ReadOnlySpan<CanonicalAttribute> Attributes => _attributes;

    /// <summary>Trimmed source names, parallel to <see cref="Attributes"/>.</summary>
    internal ReadOnlySpan<string> Sources => _sources;
}
