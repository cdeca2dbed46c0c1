using System.Buffers;
using MessagePack;
using MessagePack.Resolvers;
using Stitcher.Engine.Profiles;
using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Tests.Store;

public sealed class StoredProfileFormatterTests
{
    /// <summary>The layout written before <see cref="StoredProfileFormatter"/>: every field of every value, as declared.</summary>
    private static readonly MessagePackSerializerOptions s_fieldByField = MessagePackSerializerOptions.Standard.WithResolver(StandardResolver.Instance);

    private static readonly long s_march = new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    [Fact]
    public void RoundTrip_ProfileBuiltFromItsMembers_ComesBackEqualAndSmallerThanWrittenFieldByField()
    {
        var profile = Profile(("crm", "C-1", "Ann@Example.org"), ("web", "W-9", "ann@example.org"), ("pos", "P-3", null));

        var compact = MessagePackSerializer.Serialize(profile, StoreSerializer.Options);
        var read = MessagePackSerializer.Deserialize<StoredProfile>(compact, StoreSerializer.Options);

        Assert.Equal(Describe(profile), Describe(read));
        // Each of the three values (given name, email, city) drops at least its channel and record id: 10 bytes here.
        Assert.True(compact.Length <= MessagePackSerializer.Serialize(profile, s_fieldByField).Length - (3 * 10));
        var email = read.Values[(int)CanonicalAttribute.Email]!.Single();
        // Seen twice, in two spellings: the key differs from the display value and the last sighting from the first.
        Assert.Equal(("ann@example.org", "ann@example.org", 2, s_march + 1, s_march + 2, "web", "W-9"),
            (email.Value, email.Key, email.Count, email.FirstSeenUtcTicks, email.LastSeenUtcTicks, email.Channel, email.RecordId));
        // Sources come back as the members' own strings.
        Assert.Same(read.Members[1].RecordId, email.RecordId);
    }

    [Fact]
    public void Deserialize_DocumentWrittenFieldByField_ReadsTheSameProfile()
    {
        var profile = Profile(("crm", "C-1", "Ann@Example.org"), ("web", "W-9", "ann@example.org"));

        var read = MessagePackSerializer.Deserialize<StoredProfile>(MessagePackSerializer.Serialize(profile, s_fieldByField), StoreSerializer.Options);

        Assert.Equal(Describe(profile), Describe(read));
    }

    [Fact]
    public void RoundTrip_ValueFromARecordThatIsNotAMember_KeepsItsChannelAndRecordId()
    {
        var profile = Profile(("crm", "C-1", "ann@example.org"));
        profile.Values[(int)CanonicalAttribute.Phone] = [new StoredValue
        {
            Value = "+1 415 555 0101", Key = "+14155550101", Count = 1, FirstSeenUtcTicks = 7, LastSeenUtcTicks = 7, Channel = "sales", RecordId = "gone", Priority = 3,
        }];

        var read = RoundTrip(profile);

        Assert.Equal(Describe(profile), Describe(read));
        Assert.Equal(("sales", "gone", 3), (read.Values[(int)CanonicalAttribute.Phone]![0].Channel, read.Values[(int)CanonicalAttribute.Phone]![0].RecordId,
            read.Values[(int)CanonicalAttribute.Phone]![0].Priority));
    }

    [Fact]
    public void RoundTrip_ProfileWithManyMembers_PointsEveryValueAtItsMember()
    {
        var members = new (string, string, string?)[40];
        for (var i = 0; i < members.Length; i++)
        {
            members[i] = (i % 2 == 0 ? "crm" : "web", $"R-{i}", $"person{i}@example.org");
        }
        var profile = Profile(members);

        var read = RoundTrip(profile);

        Assert.Equal(Describe(profile), Describe(read));
        foreach (var value in read.Values[(int)CanonicalAttribute.Email]!)
        {
            var member = read.Members.Single(m => m.RecordId == value.RecordId);
            Assert.Same(member.RecordId, value.RecordId);
            Assert.Equal(member.Channel, value.Channel);
        }
    }

    [Fact]
    public void RoundTrip_CustomAttributes_ComeBackInNameOrderWithTheirSources_AndARecordsToo()
    {
        var profile = Profile(("crm", "C-1", "ann@example.org"), ("web", "W-9", null));
        var shop = new StoredRecord
        {
            Channel = "shop", RecordId = "S-4", TimestampUtcTicks = s_march + 9,
            Display = new string?[CanonicalAttributes.Count], Normalized = new string?[CanonicalAttributes.Count],
            Traits = [new StoredTrait { Name = "trait.diet", Value = "Vegan" }, new StoredTrait { Name = "trait.shoe_size", Value = "38" }],
        };
        profile.Members.Add(new StoredMember { Channel = "shop", RecordId = "S-4", TimestampUtcTicks = shop.TimestampUtcTicks });
        Survivorship.Default.Apply(profile, shop, channelPriority: 1);
        // A second spelling of the same diet from another record: one value, seen twice.
        Survivorship.Default.Apply(profile, new StoredRecord
        {
            Channel = "crm", RecordId = "C-1", TimestampUtcTicks = s_march + 10, Display = [], Normalized = [],
            Traits = [new StoredTrait { Name = "trait.diet", Value = "vegan" }],
        }, channelPriority: 2);

        var read = RoundTrip(profile);
        var record = MessagePackSerializer.Deserialize<StoredRecord>(MessagePackSerializer.Serialize(shop, StoreSerializer.Options), StoreSerializer.Options);

        Assert.Equal(Describe(profile), Describe(read));
        Assert.Equal(["trait.diet", "trait.shoe_size"], read.Traits.Select(t => t.Name));
        var diet = read.Traits[0].Values.Single();
        Assert.Equal(("vegan", "vegan", 2, "crm", "C-1"), (diet.Value, diet.Key, diet.Count, diet.Channel, diet.RecordId));
        Assert.Same(read.Members[0].RecordId, diet.RecordId);
        Assert.Equal([("trait.diet", "Vegan"), ("trait.shoe_size", "38")], record.Traits.Select(t => (t.Name, t.Value)));
    }

    [Fact]
    public void Deserialize_VersionView_ReadsTheIdAndVersionOfAWholeDocument()
    {
        var profile = Profile(("crm", "C-1", "ann@example.org"), ("web", "W-9", null));
        profile.Version = 41;

        var version = MessagePackSerializer.Deserialize<StoredProfileVersion>(MessagePackSerializer.Serialize(profile, StoreSerializer.Options), StoreSerializer.Options);

        Assert.Equal(("P-test", 41L), (version.Id, version.Version));
    }

    [Fact]
    public void Deserialize_ValueNamingAMemberThatIsNotThere_ThrowsInsteadOfGuessing()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(9);
        writer.Write("P1");
        writer.WriteArrayHeader(0); // no members
        writer.Write(1L);
        writer.Write(2L);
        writer.WriteNil();
        writer.Write("R|crm|C-1");
        writer.Write(1L);
        writer.WriteArrayHeader(1);
        writer.WriteArrayHeader(1);
        writer.WriteArrayHeader(8);
        writer.Write("ann@example.org");
        writer.WriteNil();
        writer.Write(1);
        writer.Write(5L);
        writer.WriteNil();
        writer.WriteNil();
        writer.Write(0); // member 0 of none
        writer.Write(0);
        writer.WriteNil();
        writer.Flush();

        var error = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<StoredProfile>(buffer.WrittenMemory, StoreSerializer.Options));
        Assert.Contains("member 0 of a profile with 0", error.ToString());
    }

    private static StoredProfile RoundTrip(StoredProfile profile) =>
        MessagePackSerializer.Deserialize<StoredProfile>(MessagePackSerializer.Serialize(profile, StoreSerializer.Options), StoreSerializer.Options);

    /// <summary>A profile as linking builds it: each record a member, its values applied by survivorship in order.</summary>
    private static StoredProfile Profile(params (string Channel, string RecordId, string? Email)[] records)
    {
        var profile = new StoredProfile { Id = "P-test", MinRecordKey = StoreKeys.Record(records[0].Channel, records[0].RecordId), Version = 4 };
        var tick = s_march;
        foreach (var (channel, recordId, email) in records)
        {
            var display = new string?[CanonicalAttributes.Count];
            var normalized = new string?[CanonicalAttributes.Count];
            display[(int)CanonicalAttribute.GivenName] = "Ann";
            normalized[(int)CanonicalAttribute.GivenName] = "ann";
            display[(int)CanonicalAttribute.Email] = email;
            normalized[(int)CanonicalAttribute.Email] = email?.ToLowerInvariant();
            display[(int)CanonicalAttribute.City] = "Seoul";
            normalized[(int)CanonicalAttribute.City] = "Seoul";
            var record = new StoredRecord { Channel = channel, RecordId = recordId, TimestampUtcTicks = ++tick, Display = display, Normalized = normalized };
            profile.Members.Add(new StoredMember { Channel = channel, RecordId = recordId, TimestampUtcTicks = record.TimestampUtcTicks });
            Survivorship.Default.Apply(profile, record, channelPriority: channel == "crm" ? 2 : 1);
        }
        return profile;
    }

    /// <summary>Every stored field of the profile as text, values in order, to compare two profiles whole.</summary>
    private static string Describe(StoredProfile profile)
    {
        var lines = new List<string>
        {
            $"{profile.Id} {profile.MinRecordKey} v{profile.Version} {profile.FirstSeenUtcTicks}..{profile.LastSeenUtcTicks}",
            string.Join(", ", profile.Members.Select(m => $"{m.Channel}/{m.RecordId}@{m.TimestampUtcTicks}")),
            $"stage {profile.Timeline.CurrentStage} {string.Join(",", profile.Timeline.LastTouchByChannel.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}",
        };
        for (var i = 0; i < profile.Values.Length; i++)
        {
            foreach (var v in profile.Values[i] ?? [])
            {
                lines.Add($"{i}: {v.Value}|{v.Key}|{v.Count}|{v.FirstSeenUtcTicks}|{v.LastSeenUtcTicks}|{v.Channel}|{v.RecordId}|{v.Priority}");
            }
        }
        foreach (var trait in profile.Traits)
        {
            foreach (var v in trait.Values)
            {
                lines.Add($"{trait.Name}: {v.Value}|{v.Key}|{v.Count}|{v.FirstSeenUtcTicks}|{v.LastSeenUtcTicks}|{v.Channel}|{v.RecordId}|{v.Priority}");
            }
        }
        return string.Join("\n", lines);
    }
}
