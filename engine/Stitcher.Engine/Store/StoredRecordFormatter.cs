using MessagePack;
using MessagePack.Formatters;

namespace Stitcher.Engine.Store;

/// <summary>
/// Channel record documents in the attribute-keyed layout of <see cref="StoredRecord"/>, with a match-ready value equal
/// to its display value written as <c>true</c> ("the same as displayed") instead of a second copy, and read back as
/// the display string itself. Seven in ten values are already match-ready as they come (ids, cities, most of a 1M
/// backfill's characters), and every linked record is written once. Nil still means "no match-ready value" (a value
/// normalizing dropped). Documents written field by field (before this formatter) read the same, and so does the
/// <see cref="StoredRecordProfile"/> view, which skips everything but the profile id.
/// </summary>
internal sealed class StoredRecordFormatter : IMessagePackFormatter<StoredRecord>
{
    public static StoredRecordFormatter Instance { get; } = new();

    private const int RecordFields = 10;

    public void Serialize(ref MessagePackWriter writer, StoredRecord value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(RecordFields);
        writer.Write(value.Channel);
        writer.Write(value.RecordId);
        writer.Write(value.TimestampUtcTicks);
        WriteStrings(ref writer, value.Display);
        if (value.Normalized is null)
        {
            writer.WriteNil();
        }
        else
        {
            var display = value.Display ?? [];
            writer.WriteArrayHeader(value.Normalized.Length);
            for (var i = 0; i < value.Normalized.Length; i++)
            {
                var normalized = value.Normalized[i];
                if (normalized is not null && i < display.Length && string.Equals(normalized, display[i], StringComparison.Ordinal))
                {
                    writer.Write(true);
                }
                else
                {
                    writer.Write(normalized);
                }
            }
        }
        writer.Write(value.ProfileId);
        writer.Write(value.SourceFile);
        writer.Write(value.SourceLine);
        options.Resolver.GetFormatterWithVerify<List<StoredEvidence>>().Serialize(ref writer, value.Evidence, options);
        // Custom attributes as name, value, name, value: most records carry none, and then this is one byte.
        var traits = value.Traits ?? [];
        writer.WriteArrayHeader(traits.Length * 2);
        foreach (var trait in traits)
        {
            writer.Write(trait.Name);
            writer.Write(trait.Value);
        }
    }

    public StoredRecord Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null!;
        }
        options.Security.DepthStep(ref reader);
        var record = new StoredRecord();
        var count = reader.ReadArrayHeader();
        for (var field = 0; field < count; field++)
        {
            switch (field)
            {
                case 0:
                    record.Channel = reader.ReadString() ?? "";
                    break;
                case 1:
                    record.RecordId = reader.ReadString() ?? "";
                    break;
                case 2:
                    record.TimestampUtcTicks = reader.ReadInt64();
                    break;
                case 3:
                    record.Display = ReadStrings(ref reader, null);
                    break;
                case 4:
                    record.Normalized = ReadStrings(ref reader, record.Display);
                    break;
                case 5:
                    record.ProfileId = reader.ReadString() ?? "";
                    break;
                case 6:
                    record.SourceFile = reader.ReadString() ?? "";
                    break;
                case 7:
                    record.SourceLine = reader.ReadInt64();
                    break;
                case 8:
                    record.Evidence = options.Resolver.GetFormatterWithVerify<List<StoredEvidence>>().Deserialize(ref reader, options) ?? [];
                    break;
                case 9:
                    record.Traits = ReadTraits(ref reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        reader.Depth--;
        return record;
    }

    private static StoredTrait[] ReadTraits(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return [];
        }
        var count = reader.ReadArrayHeader();
        if (count % 2 != 0)
        {
            throw new MessagePackSerializationException($"A record's custom attributes hold {count} strings; expected name and value pairs.");
        }
        var traits = count == 0 ? [] : new StoredTrait[count / 2];
        for (var i = 0; i < traits.Length; i++)
        {
            traits[i] = new StoredTrait { Name = reader.ReadString() ?? "", Value = reader.ReadString() ?? "" };
        }
        return traits;
    }

    private static void WriteStrings(ref MessagePackWriter writer, string?[] values)
    {
        if (values is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(values.Length);
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    /// <summary>A string array; <c>true</c> in it stands for the string at the same position of <paramref name="display"/>.</summary>
    private static string?[] ReadStrings(ref MessagePackReader reader, string?[]? display)
    {
        if (reader.TryReadNil())
        {
            return [];
        }
        var values = new string?[reader.ReadArrayHeader()];
        for (var i = 0; i < values.Length; i++)
        {
            if (reader.NextMessagePackType == MessagePackType.Boolean)
            {
                if (!reader.ReadBoolean() || display is null || i >= display.Length || display[i] is null)
                {
                    throw new MessagePackSerializationException($"A record's match-ready value {i} refers to a display value it does not have.");
                }
                values[i] = display[i];
            }
            else
            {
                values[i] = reader.ReadString();
            }
        }
        return values;
    }
}
