using Stitcher.Engine.Configuration;
using Stitcher.Engine.Ingest;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Pipeline;

/// <summary>A configured channel, compiled: its reader, its files and its survivorship priority.</summary>
internal sealed class ChannelSource
{
    public ChannelSource(string name, ChannelOptions options, StitcherOptions root)
    {
        Name = name;
        Priority = options.Priority;
        Path = root.ResolvePath(options.Path);
        Pattern = string.IsNullOrWhiteSpace(options.Pattern)
            ? (string.Equals(options.Format, ChannelFormats.Ndjson, StringComparison.OrdinalIgnoreCase) ? "*.ndjson" : "*.csv")
            : options.Pattern;
        var mapping = new Dictionary<CanonicalAttribute, string>();
        var traits = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (attribute, source) in options.Mapping)
        {
            if (CanonicalAttributes.TryParse(attribute, out var canonical))
            {
                mapping[canonical] = source;
            }
            else if (Traits.TryParse(attribute, out var trait, out _))
            {
                traits[trait] = source;
            }
        }
        HasTimestamp = mapping.ContainsKey(CanonicalAttribute.Timestamp);
        HasRecordId = mapping.ContainsKey(CanonicalAttribute.RecordId);
        var fieldMapping = new FieldMapping(mapping, traits);
        Mapping = fieldMapping;
        _sources = new (CanonicalAttribute, string)[fieldMapping.Count];
        for (var i = 0; i < _sources.Length; i++)
        {
            _sources[i] = (fieldMapping.Attributes[i], fieldMapping.Sources[i]);
        }
        Reader = string.Equals(options.Format, ChannelFormats.Ndjson, StringComparison.OrdinalIgnoreCase)
            ? new NdjsonChannelReader(fieldMapping, root.MaxRowBytes)
            : new CsvChannelReader(fieldMapping, options.Delimiter[0], root.MaxRowBytes);
    }

    private readonly (CanonicalAttribute Attribute, string Source)[] _sources;

    public string Name { get; }
    public int Priority { get; }
    /// <summary>Whether the channel maps a timestamp; without one, records take their file's last-write time.</summary>
    public bool HasTimestamp { get; }
    /// <summary>Whether the channel maps a record id; without one, a record is known by its file name and line.</summary>
    public bool HasRecordId { get; }
    public string Path { get; }
    public string Pattern { get; }
    public IChannelFileReader Reader { get; }

    /// <summary>Where each attribute is read from; its slots index a record's raw value array.</summary>
    public FieldMapping Mapping { get; }

    /// <summary>The source field (column or JSON path) a slot is read from; its attribute name when it is not mapped.</summary>
    public string SourceFieldOf(CanonicalAttribute slot) => Mapping.TryGetSource(slot, out var source) ? source : Mapping.NameOf(slot);

    /// <summary>
    /// A record handed over as source field → value (the names the channel's mapping uses, e.g. <c>user.email</c>
    /// for a nested JSON field), as a value per slot of <see cref="Mapping"/>. Unmapped fields are ignored.
    /// </summary>
    public string?[] ValuesFrom(IReadOnlyDictionary<string, string?> fields)
    {
        var values = new string?[Mapping.SlotCount];
        foreach (var (attribute, source) in _sources)
        {
            if (fields.TryGetValue(source, out var value))
            {
                values[(int)attribute] = value;
                continue;
            }
            // As the file readers do: names match whatever their case and surrounding spaces.
            foreach (var (name, candidate) in fields)
            {
                if (string.Equals(name.Trim(), source, StringComparison.OrdinalIgnoreCase))
                {
                    values[(int)attribute] = candidate;
                    break;
                }
            }
        }
        return values;
    }

    /// <summary>Whether the configured path exists at all, as a file or a folder (an empty folder exists: files may come).</summary>
    public bool PathExists => File.Exists(Path) || Directory.Exists(Path);

    /// <summary>The files to read now: the configured file, or the folder's matching files in name order.</summary>
    public IReadOnlyList<string> CurrentFiles()
    {
        if (File.Exists(Path))
        {
            return [Path];
        }
        if (!Directory.Exists(Path))
        {
            return [];
        }
        var files = Directory.GetFiles(Path, Pattern, SearchOption.TopDirectoryOnly);
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }
}
