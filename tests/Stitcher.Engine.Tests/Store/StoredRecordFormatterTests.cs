using System.Buffers;
using MessagePack;
using MessagePack.Resolvers;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Tests.Store;

public sealed class StoredRecordFormatterTests
{
    /// <summary>The layout written before <see cref="StoredRecordFormatter"/>: every field as declared.</summary>
    private static readonly MessagePackSerializerOptions s_fieldByField = MessagePackSerializerOptions.Standard.WithResolver(StandardResolver.Instance);

    [Fact]
    public void RoundTrip_ValuesSameAsShownDifferentAndDropped_ComeBackAsTheyWere()
    {
        var record = Record();

        var compact = MessagePackSerializer.Serialize(record, StoreSerializer.Options);
        var read = MessagePackSerializer.Deserialize<StoredRecord>(compact, StoreSerializer.Options);

        Assert.Equal(Describe(record), Describe(read));
        // The three values already match-ready ("R-17", "Seoul", "서울 중구 세종대로 110") are not written twice.
        Assert.True(compact.Length <= MessagePackSerializer.Serialize(record, s_fieldByField).Length - "R-17Seoul".Length - "서울 중구 세종대로 110".Length);
        Assert.Same(read.Display[1], read.Normalized[1]);
        // A value normalizing dropped stays dropped: no match-ready value for the malformed email.
        Assert.Null(read.Normalized[3]);
    }

    [Fact]
    public void RoundTrip_MoreMatchReadyValuesThanDisplayValues_KeepsEachAsWritten()
    {
        var record = Record();
        record.Display = ["R-17"];
        record.Normalized = ["R-17", "Seoul", null];

        var read = MessagePackSerializer.Deserialize<StoredRecord>(MessagePackSerializer.Serialize(record, StoreSerializer.Options), StoreSerializer.Options);

        Assert.Equal(Describe(record), Describe(read));
    }

    [Fact]
    public void Deserialize_DocumentWrittenFieldByField_ReadsTheSameRecord()
    {
        var record = Record();

        var read = MessagePackSerializer.Deserialize<StoredRecord>(MessagePackSerializer.Serialize(record, s_fieldByField), StoreSerializer.Options);

        Assert.Equal(Describe(record), Describe(read));
    }

    [Fact]
    public void ProfileView_OfACompactRecord_ReadsItsProfileId()
    {
        var view = MessagePackSerializer.Deserialize<StoredRecordProfile>(MessagePackSerializer.Serialize(Record(), StoreSerializer.Options), StoreSerializer.Options);

        Assert.Equal("P-42", view.ProfileId);
    }

    [Fact]
    public void Deserialize_SameAsShownWhereNothingIsShown_ThrowsInsteadOfGuessing()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(9);
        writer.Write("crm");
        writer.Write("R-1");
        writer.Write(5L);
        writer.WriteArrayHeader(1);
        writer.WriteNil(); // nothing shown for attribute 0
        writer.WriteArrayHeader(1);
        writer.Write(true); // "the same as shown"
        writer.Write("P-1");
        writer.Write("crm.csv");
        writer.Write(2L);
        writer.WriteArrayHeader(0);
        writer.Flush();

        var error = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<StoredRecord>(buffer.WrittenMemory, StoreSerializer.Options));
        Assert.Contains("match-ready value 0", error.ToString());
    }

    private static StoredRecord Record() => new()
    {
        Channel = "crm",
        RecordId = "R-17",
        TimestampUtcTicks = 638_000_000_000_000_000,
        Display = ["R-17", "Seoul", "010-1234-5678", "ann(at)example", null, "서울 중구 세종대로 110"],
        Normalized = ["R-17", "Seoul", "+821012345678", null, null, "서울 중구 세종대로 110"],
        ProfileId = "P-42",
        SourceFile = "/var/lib/stitcher/inbox/crm/export.csv",
        SourceLine = 18,
        Evidence = [new StoredEvidence { Kind = StoredEvidence.Identifier, Rule = "phone", OtherRecord = "R|pos|9", OtherProfile = "P-42", Probability = 1, Reason = "same phone (phone rule)" }],
    };

    private static string Describe(StoredRecord record) => string.Join("\n",
        $"{record.Channel}/{record.RecordId}@{record.TimestampUtcTicks} {record.ProfileId} {record.SourceFile}:{record.SourceLine}",
        string.Join("|", record.Display.Select(v => v ?? "<null>")),
        string.Join("|", record.Normalized.Select(v => v ?? "<null>")),
        string.Join("|", record.Evidence.Select(e => $"{e.Kind} {e.Rule} {e.OtherRecord} {e.OtherProfile} {e.Probability} {e.Reason}")));
}
