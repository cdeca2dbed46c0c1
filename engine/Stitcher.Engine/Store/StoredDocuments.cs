using MessagePack;

namespace Stitcher.Engine.Store;

/// <summary>A channel record as stored: display values and match-ready values, by canonical attribute ordinal.</summary>
[MessagePackObject]
public sealed class StoredRecord
{
    [Key(0)] public string Channel { get; set; } = "";
    [Key(1)] public string RecordId { get; set; } = "";
    [Key(2)] public long TimestampUtcTicks { get; set; }
    [Key(3)] public string?[] Display { get; set; } = [];
    [Key(4)] public string?[] Normalized { get; set; } = [];
    [Key(5)] public string ProfileId { get; set; } = "";
    [Key(6)] public string SourceFile { get; set; } = "";
    [Key(7)] public long SourceLine { get; set; }
}

/// <summary>A golden profile as stored.</summary>
[MessagePackObject]
public sealed class StoredProfile
{
    [Key(0)] public string Id { get; set; } = "";
    [Key(1)] public List<StoredMember> Members { get; set; } = [];
    [Key(2)] public long FirstSeenUtcTicks { get; set; } = long.MaxValue;
    [Key(3)] public long LastSeenUtcTicks { get; set; } = long.MinValue;
    /// <summary>Best value per canonical attribute ordinal, or null where no member has one.</summary>
    [Key(4)] public StoredAttribute?[] Best { get; set; } = [];
}

[MessagePackObject]
public sealed class StoredMember
{
    [Key(0)] public string Channel { get; set; } = "";
    [Key(1)] public string RecordId { get; set; } = "";
    [Key(2)] public long TimestampUtcTicks { get; set; }
}

/// <summary>A golden attribute value with its lineage.</summary>
[MessagePackObject]
public sealed class StoredAttribute
{
    [Key(0)] public string Value { get; set; } = "";
    [Key(1)] public string Channel { get; set; } = "";
    [Key(2)] public string RecordId { get; set; } = "";
    [Key(3)] public long TimestampUtcTicks { get; set; }
    [Key(4)] public int ChannelPriority { get; set; }
}

/// <summary>How far one source file has been consumed.</summary>
[MessagePackObject]
public sealed class StoredSourceProgress
{
    [Key(0)] public long ByteOffset { get; set; }
    [Key(1)] public long Line { get; set; }
}

/// <summary>Store-wide counters, kept in the store so they survive restarts with the data they count.</summary>
[MessagePackObject]
public sealed class StoredCounters
{
    [Key(0)] public long Records { get; set; }
    [Key(1)] public long Profiles { get; set; }
}
