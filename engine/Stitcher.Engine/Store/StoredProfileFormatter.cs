using MessagePack;
using MessagePack.Formatters;
using Stitcher.Engine.Profiles;

namespace Stitcher.Engine.Store;

/// <summary>
/// Profile documents in the attribute-keyed layout of <see cref="StoredProfile"/>, with their values written compactly.
/// A value's source record is nearly always one of the profile's members, so it is written as the member's position
/// instead of its channel and record id (and read back as the member's own strings, allocating none); a match key
/// equal to the display value and a last-seen time equal to the first-seen time are written as nil. Every profile read
/// and every flush handles these documents whole, and values were three quarters of their bytes.
/// Documents written field by field (before this formatter) read the same.
/// </summary>
internal sealed class StoredProfileFormatter : IMessagePackFormatter<StoredProfile>
{
    public static StoredProfileFormatter Instance { get; } = new();

    // Matching a value to its member by scanning beats building a lookup for the few members most profiles have.
    private const int MaxScannedMembers = 16;
    private const int ProfileFields = 13;
    private const int ValueFields = 8;

    public void Serialize(ref MessagePackWriter writer, StoredProfile value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        var resolver = options.Resolver;
        writer.WriteArrayHeader(ProfileFields);
        writer.Write(value.Id);
        resolver.GetFormatterWithVerify<List<StoredMember>>().Serialize(ref writer, value.Members, options);
        writer.Write(value.FirstSeenUtcTicks);
        writer.Write(value.LastSeenUtcTicks);
        writer.WriteNil(); // Key 4: the golden values, which are not stored.
        writer.Write(value.MinRecordKey);
        writer.Write(value.Version);
        WriteValues(ref writer, value.Values, value.Members ?? []);
        resolver.GetFormatterWithVerify<StoredTimeline>().Serialize(ref writer, value.Timeline, options);
        resolver.GetFormatterWithVerify<List<StoredRefusal>>().Serialize(ref writer, value.Refusals, options);
        writer.Write((int)value.Coherence);
        WriteTraits(ref writer, value.Traits ?? [], value.Members ?? []);
        writer.Write(value.EstimatedBytes);
    }

    // Per member: its channel, id and time; per value: its counts, times, source and priority, besides its text.
    private const int MemberOverheadBytes = 48;
    private const int ValueOverheadBytes = 32;

    /// <summary>
    /// The most <paramref name="record"/> adds to the document of a profile it is a member of: its member entry, and
    /// each of its values as if no other member had it (shared values make the document smaller). Bounds a profile's
    /// document from its records alone, before it is written.
    /// </summary>
    public static int EstimatedBytesOf(StoredRecord record)
    {
        // Its id twice: as a member, and in the journey's touchpoints.
        long bytes = MemberOverheadBytes + Utf8Length(record.Channel) + (2 * Utf8Length(record.RecordId));
        var display = record.Display ?? [];
        var normalized = record.Normalized ?? [];
        for (var i = 0; i < display.Length; i++)
        {
            if (display[i] is not { } shown)
            {
                continue;
            }
            bytes += ValueOverheadBytes + Utf8Length(shown);
            if (i < normalized.Length && normalized[i] is { } key && !string.Equals(key, shown, StringComparison.Ordinal))
            {
                bytes += Utf8Length(key);
            }
        }
        foreach (var trait in record.Traits ?? [])
        {
            // The name is written once per profile; counted per record, it stays an upper bound.
            bytes += ValueOverheadBytes + Utf8Length(trait.Name) + (2 * Utf8Length(trait.Value));
        }
        return (int)Math.Min(bytes, int.MaxValue);
    }

    /// <summary>What a refused link adds to the document of a profile that keeps it.</summary>
    public static int EstimatedBytesOf(string reason, string record, string otherRecord) =>
        ValueOverheadBytes + Utf8Length(reason) + Utf8Length(record) + Utf8Length(otherRecord);

    private static int Utf8Length(string? text) => text is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(text);

    /// <summary>
    /// Reads a profile document's id and version and stops there: the values after them, most of its bytes, are not
    /// even skipped. Only for a document read on its own (a store value), where nothing follows it.
    /// </summary>
    internal sealed class VersionFormatter : IMessagePackFormatter<StoredProfileVersion>
    {
        public static VersionFormatter Instance { get; } = new();

        public void Serialize(ref MessagePackWriter writer, StoredProfileVersion value, MessagePackSerializerOptions options) =>
            throw new NotSupportedException("A profile's version is written with its profile.");

        public StoredProfileVersion Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        {
            var version = new StoredProfileVersion();
            if (reader.TryReadNil())
            {
                return version;
            }
            var count = reader.ReadArrayHeader();
            for (var field = 0; field < count && field <= 6; field++)
            {
                switch (field)
                {
                    case 0:
                        version.Id = reader.ReadString() ?? "";
                        break;
                    case 6:
                        version.Version = reader.ReadInt64();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            return version;
        }
    }

    public StoredProfile Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil())
        {
            return null!;
        }
        options.Security.DepthStep(ref reader);
        var resolver = options.Resolver;
        var profile = new StoredProfile();
        var count = reader.ReadArrayHeader();
        for (var field = 0; field < count; field++)
        {
            switch (field)
            {
                case 0:
                    profile.Id = reader.ReadString() ?? "";
                    break;
                case 1:
                    profile.Members = resolver.GetFormatterWithVerify<List<StoredMember>>().Deserialize(ref reader, options) ?? [];
                    break;
                case 2:
                    profile.FirstSeenUtcTicks = reader.ReadInt64();
                    break;
                case 3:
                    profile.LastSeenUtcTicks = reader.ReadInt64();
                    break;
                case 5:
                    profile.MinRecordKey = reader.ReadString() ?? "";
                    break;
                case 6:
                    profile.Version = reader.ReadInt64();
                    break;
                case 7:
                    profile.Values = ReadValues(ref reader, profile.Members);
                    break;
                case 8:
                    profile.Timeline = resolver.GetFormatterWithVerify<StoredTimeline>().Deserialize(ref reader, options) ?? new StoredTimeline();
                    break;
                case 9:
                    profile.Refusals = resolver.GetFormatterWithVerify<List<StoredRefusal>>().Deserialize(ref reader, options) ?? [];
                    break;
                case 10:
                    profile.Coherence = (ProfileCoherence)reader.ReadInt32();
                    break;
                case 11:
                    profile.Traits = ReadTraits(ref reader, profile.Members);
                    break;
                case 12:
                    profile.EstimatedBytes = reader.ReadInt64();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        reader.Depth--;
        return profile;
    }

    /// <summary>Custom attributes as name, values, name, values: their values are written as the canonical ones are.</summary>
    private static void WriteTraits(ref MessagePackWriter writer, List<StoredTraitValues> traits, List<StoredMember> members)
    {
        Dictionary<(string Channel, string RecordId), int>? lookup = null;
        writer.WriteArrayHeader(traits.Count * 2);
        foreach (var trait in traits)
        {
            writer.Write(trait.Name);
            WriteValueList(ref writer, trait.Values, members, ref lookup);
        }
    }

    private static List<StoredTraitValues> ReadTraits(ref MessagePackReader reader, List<StoredMember> members)
    {
        if (reader.TryReadNil())
        {
            return [];
        }
        var count = reader.ReadArrayHeader();
        if (count % 2 != 0)
        {
            throw new MessagePackSerializationException($"A profile's custom attributes hold {count} items; expected name and values pairs.");
        }
        var traits = new List<StoredTraitValues>(count / 2);
        for (var i = 0; i < count / 2; i++)
        {
            var name = reader.ReadString() ?? "";
            var values = ReadValueList(ref reader, members) ?? [];
            traits.Add(new StoredTraitValues { Name = name, Values = values });
        }
        return traits;
    }

    private static void WriteValues(ref MessagePackWriter writer, List<StoredValue>?[] values, List<StoredMember> members)
    {
        if (values is null)
        {
            writer.WriteNil();
            return;
        }
        Dictionary<(string Channel, string RecordId), int>? lookup = null;
        writer.WriteArrayHeader(values.Length);
        foreach (var list in values)
        {
            if (list is null)
            {
                writer.WriteNil();
                continue;
            }
            WriteValueList(ref writer, list, members, ref lookup);
        }
    }

    private static void WriteValueList(ref MessagePackWriter writer, List<StoredValue> list, List<StoredMember> members, ref Dictionary<(string, string), int>? lookup)
    {
        writer.WriteArrayHeader(list.Count);
        foreach (var value in list)
        {
            writer.WriteArrayHeader(ValueFields);
            writer.Write(value.Value);
            WriteUnlessEqual(ref writer, value.Key, value.Value);
            writer.Write(value.Count);
            writer.Write(value.FirstSeenUtcTicks);
            if (value.LastSeenUtcTicks == value.FirstSeenUtcTicks)
            {
                writer.WriteNil();
            }
            else
            {
                writer.Write(value.LastSeenUtcTicks);
            }
            var member = MemberOf(members, value.Channel, value.RecordId, ref lookup);
            if (member >= 0)
            {
                writer.WriteNil();
                writer.Write(member);
            }
            else
            {
                writer.Write(value.Channel);
                writer.Write(value.RecordId);
            }
            writer.Write(value.Priority);
        }
    }

    private static List<StoredValue>?[] ReadValues(ref MessagePackReader reader, List<StoredMember> members)
    {
        if (reader.TryReadNil())
        {
            return [];
        }
        var values = new List<StoredValue>?[reader.ReadArrayHeader()];
        for (var attribute = 0; attribute < values.Length; attribute++)
        {
            values[attribute] = ReadValueList(ref reader, members);
        }
        return values;
    }

    private static List<StoredValue>? ReadValueList(ref MessagePackReader reader, List<StoredMember> members)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        var count = reader.ReadArrayHeader();
        // Room for one more: a profile is mostly read to link a record to it, which often brings a new value.
        var list = new List<StoredValue>(count + 1);
        for (var i = 0; i < count; i++)
        {
            list.Add(ReadValue(ref reader, members));
        }
        return list;
    }

    private static StoredValue ReadValue(ref MessagePackReader reader, List<StoredMember> members)
    {
        var value = new StoredValue();
        string? key = null;
        long? lastSeen = null;
        var fields = reader.ReadArrayHeader();
        for (var field = 0; field < fields; field++)
        {
            switch (field)
            {
                case 0:
                    value.Value = reader.ReadString() ?? "";
                    break;
                case 1:
                    key = reader.TryReadNil() ? null : reader.ReadString();
                    break;
                case 2:
                    value.Count = reader.ReadInt32();
                    break;
                case 3:
                    value.FirstSeenUtcTicks = reader.ReadInt64();
                    break;
                case 4:
                    lastSeen = reader.TryReadNil() ? null : reader.ReadInt64();
                    break;
                case 5:
                    value.Channel = reader.TryReadNil() ? "" : reader.ReadString() ?? "";
                    break;
                case 6:
                    if (reader.NextMessagePackType == MessagePackType.Integer)
                    {
                        var position = reader.ReadInt32();
                        if ((uint)position >= (uint)members.Count)
                        {
                            throw new MessagePackSerializationException($"A profile value names member {position} of a profile with {members.Count}.");
                        }
                        value.Channel = members[position].Channel;
                        value.RecordId = members[position].RecordId;
                    }
                    else
                    {
                        value.RecordId = reader.ReadString() ?? "";
                    }
                    break;
                case 7:
                    value.Priority = reader.ReadInt32();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        value.Key = key ?? value.Value;
        value.LastSeenUtcTicks = lastSeen ?? value.FirstSeenUtcTicks;
        return value;
    }

    private static void WriteUnlessEqual(ref MessagePackWriter writer, string value, string other)
    {
        if (string.Equals(value, other, StringComparison.Ordinal))
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(value);
        }
    }

    /// <summary>The position of the member with this channel and record id; -1 when no member has them.</summary>
    private static int MemberOf(List<StoredMember> members, string channel, string recordId, ref Dictionary<(string, string), int>? lookup)
    {
        if (members.Count <= MaxScannedMembers)
        {
            for (var i = 0; i < members.Count; i++)
            {
                if (string.Equals(members[i].RecordId, recordId, StringComparison.Ordinal) && string.Equals(members[i].Channel, channel, StringComparison.Ordinal))
                {
                    return i;
                }
            }
            return -1;
        }
        if (lookup is null)
        {
            lookup = new Dictionary<(string, string), int>(members.Count);
            for (var i = 0; i < members.Count; i++)
            {
                lookup.TryAdd((members[i].Channel, members[i].RecordId), i);
            }
        }
        return lookup.TryGetValue((channel, recordId), out var position) ? position : -1;
    }
}
