using MessagePack;

namespace Stitcher.Engine.Store;

/// <summary>
/// The one field of a stored <see cref="StoredRecord"/> that matching needs of a candidate, read without the rest
/// (the other fields of the stored array are skipped).
/// </summary>
[MessagePackObject]
public sealed class StoredRecordProfile
{
    /// <summary>Same key as <see cref="StoredRecord.ProfileId"/>.</summary>
    [Key(5)] public string ProfileId { get; set; } = "";
}

/// <summary>
/// The fields of a stored <see cref="StoredProfile"/> that tell the outbox's feed whether a change is the profile's
/// latest, read without the rest (members and values are skipped, nothing of them is allocated).
/// </summary>
[MessagePackObject]
public sealed class StoredProfileVersion
{
    /// <summary>Same key as <see cref="StoredProfile.Id"/>.</summary>
    [Key(0)] public string Id { get; set; } = "";
    /// <summary>Same key as <see cref="StoredProfile.Version"/>.</summary>
    [Key(6)] public long Version { get; set; }
}

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
    /// <summary>Why this record is in its profile, and which links were refused, as found when it was linked.</summary>
    [Key(8)] public List<StoredEvidence> Evidence { get; set; } = [];
    /// <summary>The custom attributes the record carries (<see cref="Schema.Traits"/>), in name order, blanks left out.</summary>
    [Key(9)] public StoredTrait[] Traits { get; set; } = [];
}

/// <summary>A custom attribute's value on one record: its name (<c>trait.diet</c>) and its display value.</summary>
[MessagePackObject]
public sealed class StoredTrait
{
    [Key(0)] public string Name { get; set; } = "";
    [Key(1)] public string Value { get; set; } = "";
}

/// <summary>Every distinct value of one custom attribute within a profile, kept like a canonical attribute's.</summary>
[MessagePackObject]
public sealed class StoredTraitValues
{
    [Key(0)] public string Name { get; set; } = "";
    [Key(1)] public List<StoredValue> Values { get; set; } = [];
    /// <summary>The golden value, picked with <see cref="StoredProfile.Best"/> (not stored).</summary>
    [IgnoreMember] public StoredAttribute? Best { get; set; }
}

/// <summary>One reason a record was (or was not) linked.</summary>
[MessagePackObject]
public sealed class StoredEvidence
{
    public const string Identifier = "identifier";
    public const string Probabilistic = "probabilistic";
    public const string Review = "review";
    public const string Refused = "refused";

    /// <summary><see cref="Identifier"/>, <see cref="Probabilistic"/>, <see cref="Review"/> or <see cref="Refused"/>.</summary>
    [Key(0)] public string Kind { get; set; } = "";
    /// <summary>The identifier rule, for identifier evidence.</summary>
    [Key(1)] public string? Rule { get; set; }
    /// <summary>The record compared with (probabilistic), or the first record that carried the identifier.</summary>
    [Key(2)] public string? OtherRecord { get; set; }
    /// <summary>The profile the evidence pointed at, as it was then (resolve aliases to read it now).</summary>
    [Key(3)] public string? OtherProfile { get; set; }
    [Key(4)] public double Probability { get; set; }
    /// <summary>Comparison level per match field, one digit each (0 missing … 4 exact).</summary>
    [Key(5)] public string? Levels { get; set; }
    /// <summary>For a person to read; never holds the values compared.</summary>
    [Key(6)] public string Reason { get; set; } = "";
    /// <summary>The shared identifier value (normalized), for identifier evidence. PII: shown by explain, never logged.</summary>
    [Key(7)] public string? Value { get; set; }
}

/// <summary>
/// An identifier value's entry in the index: the profile it links to and the different people seen with it.
/// Past its rule's cardinality it is disabled: a shared landline or a placeholder stops linking.
/// </summary>
[MessagePackObject]
public sealed class StoredIdentifier
{
    [Key(0)] public string ProfileId { get; set; } = "";
    [Key(1)] public string FirstRecord { get; set; } = "";
    [Key(2)] public List<Matching.PersonSketch> People { get; set; } = [];
    [Key(3)] public bool Disabled { get; set; }
    /// <summary>Records that joined with this value (a record re-sent with the value counts once; deletes do not lower it).</summary>
    [Key(4)] public int Records { get; set; }
    /// <summary>Whether it was disabled for joining too many records, rather than different people.</summary>
    [Key(5)] public bool DisabledByRecords { get; set; }
}

/// <summary>A golden profile as stored.</summary>
[MessagePackObject]
public sealed class StoredProfile
{
    [Key(0)] public string Id { get; set; } = "";
    [Key(1)] public List<StoredMember> Members { get; set; } = [];
    [Key(2)] public long FirstSeenUtcTicks { get; set; } = long.MaxValue;
    [Key(3)] public long LastSeenUtcTicks { get; set; } = long.MinValue;
    /// <summary>
    /// Best value per canonical attribute ordinal, or null where no member has one. Not stored, nor kept up to date
    /// while linking: it follows from <see cref="Values"/> and the survivorship rules, and is picked again when the
    /// profile is shown (Survivorship.RestoreBest).
    /// </summary>
    [IgnoreMember] public StoredAttribute?[] Best { get; set; } = [];
    /// <summary>The smallest member record key: the profile id derives from it, whatever order records came in.</summary>
    [Key(5)] public string MinRecordKey { get; set; } = "";
    /// <summary>The change-log sequence number of the latest change to this profile (stores written before: a count of its changes).</summary>
    [Key(6)] public long Version { get; set; }
    /// <summary>Every distinct value per canonical attribute ordinal, with counts and first/last seen.</summary>
    [Key(7)] public List<StoredValue>?[] Values { get; set; } = [];
    /// <summary>Touchpoints per journey stage and context, last touch per channel, current stage.</summary>
    [Key(8)] public Profiles.StoredTimeline Timeline { get; set; } = new();
    /// <summary>
    /// Links between a member and a record of another profile that resolution refused, kept on both profiles: they
    /// tie the two into one neighbourhood that is resolved again whenever either changes, and explain says why.
    /// </summary>
    [Key(9)] public List<StoredRefusal> Refusals { get; set; } = [];
    /// <summary>What resolution knows of the members' given names and birth dates (<see cref="ProfileCoherence"/>).</summary>
    [Key(10)] public ProfileCoherence Coherence { get; set; }
    /// <summary>Every distinct value per custom attribute, in name order (<see cref="Schema.Traits"/>).</summary>
    [Key(11)] public List<StoredTraitValues> Traits { get; set; } = [];
    /// <summary>
    /// What its members add to the document at most (<see cref="StoredProfileFormatter.EstimatedBytesOf(StoredRecord)"/>); kept within
    /// <c>MaxProfileBytes</c>. 0 in documents written before it was kept: not known.
    /// </summary>
    [Key(12)] public long EstimatedBytes { get; set; }
}

/// <summary>
/// Whether no two members conflict (different given names and different birth dates). A coherent profile can take a
/// record that conflicts with none of its values without resolving its neighbourhood again. None: not known (a
/// document written before this was kept); it is worked out from the values.
/// </summary>
public enum ProfileCoherence
{
    None = 0,
    Incoherent = 1,
    Coherent = 2,
}

/// <summary>
/// What a reviewer decided about one record and others: each a must-link (the same person, whatever the evidence)
/// or a cannot-link (different people, however they are linked). Kept per record on both sides of every decision,
/// so that resolution finds them from either record, through restarts and re-training.
/// </summary>
[MessagePackObject]
public sealed class StoredDecisions
{
    [Key(0)] public List<StoredDecision> Items { get; set; } = [];
}

/// <summary>One reviewer decision about this record and <see cref="OtherRecord"/>; the latest about a pair is the one kept.</summary>
[MessagePackObject]
public sealed class StoredDecision
{
    [Key(0)] public string OtherRecord { get; set; } = "";
    /// <summary>True: the same person (must-link). False: different people (cannot-link).</summary>
    [Key(1)] public bool SamePerson { get; set; }
    [Key(2)] public long AtUtcTicks { get; set; }
}

/// <summary>A link resolution did not follow: a member, the record of another profile, and why.</summary>
[MessagePackObject]
public sealed class StoredRefusal
{
    [Key(0)] public string Record { get; set; } = "";
    [Key(1)] public string OtherRecord { get; set; } = "";
    [Key(2)] public double Strength { get; set; }
    [Key(3)] public string Reason { get; set; } = "";
}

/// <summary>One distinct value of an attribute within a profile.</summary>
[MessagePackObject]
public sealed class StoredValue
{
    /// <summary>The value for display, as last seen.</summary>
    [Key(0)] public string Value { get; set; } = "";
    /// <summary>The match-ready form: values equal here are one value (ANN@x.org and ann@x.org).</summary>
    [Key(1)] public string Key { get; set; } = "";
    [Key(2)] public int Count { get; set; }
    [Key(3)] public long FirstSeenUtcTicks { get; set; }
    [Key(4)] public long LastSeenUtcTicks { get; set; }
    /// <summary>Channel and record of the most recent occurrence.</summary>
    [Key(5)] public string Channel { get; set; } = "";
    [Key(6)] public string RecordId { get; set; } = "";
    /// <summary>The highest priority of the channels that carried it.</summary>
    [Key(7)] public int Priority { get; set; }
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
    /// <summary>Sequence number of the last change event written.</summary>
    [Key(2)] public long ChangeSequence { get; set; }
}
