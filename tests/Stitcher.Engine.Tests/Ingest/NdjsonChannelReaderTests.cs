using System.Globalization;
using System.Text;
using Stitcher.Engine.Ingest;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Tests.Ingest;

public sealed class NdjsonChannelReaderTests : IDisposable
{
    private static readonly FieldMapping s_mapping = new(new Dictionary<CanonicalAttribute, string>
    {
        [CanonicalAttribute.RecordId] = "id",
        [CanonicalAttribute.GivenName] = "user.name.first",
        [CanonicalAttribute.Email] = "user.contact.email",
        [CanonicalAttribute.Phone] = "user.contact.phone",
        [CanonicalAttribute.Country] = "country",
    });

    private readonly TempDirectory _temp = new();
    private int _fileCount;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ReadAsync_NestedPaths_MapsValues()
    {
        var path = Write("""
            {"id":"1","skip":{"user":{"contact":{"email":"wrong"}}},"user":{"name":{"first":"Ann","last":"Lee"},"tags":[1,{"x":[]}],"contact":{"email":"a@x.io","phone":"+64 21 555"}},"country":"NZ"}

            """);

        var (sink, _) = await ReadAsync(path);

        Assert.Empty(sink.Malformed);
        var record = Assert.Single(sink.Records);
        Assert.Equal("1", Value(record, CanonicalAttribute.RecordId));
        Assert.Equal("Ann", Value(record, CanonicalAttribute.GivenName));
        Assert.Equal("a@x.io", Value(record, CanonicalAttribute.Email));
        Assert.Equal("+64 21 555", Value(record, CanonicalAttribute.Phone));
        Assert.Equal("NZ", Value(record, CanonicalAttribute.Country));
        Assert.Equal(CanonicalAttributes.Count, record.Values.Length);
    }

    [Theory]
    [InlineData("42", "42")]
    [InlineData("-1.50e3", "-1.50e3")]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData("null", null)]
    [InlineData("\"  padded \"", "padded")]
    [InlineData("\"\"", null)]
    [InlineData("\"a\\\"b\"", "a\"b")]
    [InlineData("\"caf\\u00e9 \\t\"", "café")]
    [InlineData("\"김민준\"", "김민준")]
    [InlineData("\"José Müller\"", "José Müller")]
    public async Task ReadAsync_ScalarValue_UsesItsText(string json, string? expected)
    {
        var path = Write($$"""{"id": {{json}} }""" + "\n");

        var (sink, _) = await ReadAsync(path);

        Assert.Empty(sink.Malformed);
        Assert.Equal(expected, Value(Assert.Single(sink.Records), CanonicalAttribute.RecordId));
    }

    [Theory]
    [InlineData("""{"id":"1"}""")]
    [InlineData("""{"id":"1","user":null}""")]
    [InlineData("""{"id":"1","user":"flat"}""")]
    [InlineData("""{"id":"1","user":{"contact":{}}}""")]
    public async Task ReadAsync_PathMissing_LeavesNull(string line)
    {
        var path = Write(line + "\n");

        var (sink, _) = await ReadAsync(path);

        var record = Assert.Single(sink.Records);
        Assert.Equal("1", Value(record, CanonicalAttribute.RecordId));
        Assert.Null(Value(record, CanonicalAttribute.Email));
    }

    [Theory]
    [InlineData("""{"id":"secret",""")]
    [InlineData("""secret""")]
    [InlineData("""{"id":"1"} secret""")]
    [InlineData("""{"id":"1"}}""")]
    [InlineData("""{'id':'secret'}""")]
    [InlineData("""{"id":"1" "user":2}""")]
    public async Task ReadAsync_InvalidJson_ReportsMalformedAndReadsNextLine(string line)
    {
        var path = Write("""{"id":"1"}""" + "\n" + line + "\r\n" + """{"id":"3"}""" + "\n");

        var (sink, _) = await ReadAsync(path);

        var bad = Assert.Single(sink.Malformed);
        Assert.Equal(2, bad.Line);
        Assert.Null(bad.Field);
        Assert.StartsWith("invalid JSON: ", bad.Reason, StringComparison.Ordinal);
        Assert.Matches(" at byte [0-9]+$", bad.Reason);
        Assert.DoesNotContain("secret", bad.Reason, StringComparison.Ordinal);
        Assert.Equal(line, bad.Raw);
        Assert.Equal([1L, 3L], sink.Records.ConvertAll(r => r.Line));
        Assert.Equal("3", Value(sink.Records[1], CanonicalAttribute.RecordId));
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("42")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    public async Task ReadAsync_LineNotAnObject_ReportsMalformed(string line)
    {
        var path = Write(line + "\n" + """{"id":"2"}""" + "\n");

        var (sink, _) = await ReadAsync(path);

        var bad = Assert.Single(sink.Malformed);
        Assert.Equal(1, bad.Line);
        Assert.Null(bad.Field);
        Assert.Equal("line is not a JSON object", bad.Reason);
        Assert.Equal(2, Assert.Single(sink.Records).Line);
    }

    [Theory]
    [InlineData("""{"id":"1","user":{"contact":{"email":{"home":"a@x.io"}}}}""", "user.contact.email", "value is a JSON object; expected a string, number or boolean")]
    [InlineData("""{"id":["1"]}""", "id", "value is a JSON array; expected a string, number or boolean")]
    public async Task ReadAsync_StructuredValueAtMappedPath_ReportsField(string line, string field, string reason)
    {
        var path = Write(line + "\n");

        var (sink, end) = await ReadAsync(path);

        Assert.Empty(sink.Records);
        var bad = Assert.Single(sink.Malformed);
        Assert.Equal(field, bad.Field);
        Assert.Equal(reason, bad.Reason);
        Assert.Equal(new SourcePosition(new FileInfo(path).Length, 1), end);
    }

    [Fact]
    public async Task ReadAsync_InvalidUtf8InMappedString_ReportsMalformed()
    {
        var path = WriteBytes([.. """{"id":"a"""u8, 0xC3, 0x28, .. "\"}\n{\"id\":\"2\"}\n"u8]);

        var (sink, _) = await ReadAsync(path);

        var bad = Assert.Single(sink.Malformed);
        Assert.Equal(1, bad.Line);
        Assert.Equal("2", Value(Assert.Single(sink.Records), CanonicalAttribute.RecordId));
    }

    [Theory]
    [InlineData(false, "\n")]
    [InlineData(true, "\n")]
    [InlineData(true, "\r\n")]
    public async Task ReadAsync_BomLineEndingsAndBlankLines_ReadsEveryLine(bool bom, string newline)
    {
        var text = """{"id":"1"}""" + newline + newline + "  " + newline + """{"id":"2","country":"KR"}""" + newline;
        var path = WriteBytes(bom ? [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)] : Encoding.UTF8.GetBytes(text));

        var (sink, end) = await ReadAsync(path);

        Assert.Empty(sink.Malformed);
        Assert.Equal([1L, 4L], sink.Records.ConvertAll(r => r.Line));
        Assert.Equal("KR", Value(sink.Records[1], CanonicalAttribute.Country));
        Assert.Equal(new SourcePosition(new FileInfo(path).Length, 4), end);
        Assert.Equal(end, sink.Records[1].End);
    }

    [Fact]
    public async Task ReadAsync_ResumeFromRecordEnd_ReadsOnlyLaterLines()
    {
        var path = Write("\uFEFF" + """{"id":"1"}""" + "\n" + """{"id":"2"}""" + "\n\n" + """{"id":"3"}""" + "\n");
        var (first, firstEnd) = await ReadAsync(path);

        var (resumed, resumedEnd) = await ReadAsync(path, first.Records[0].End);

        Assert.Equal(["2", "3"], resumed.Records.ConvertAll(r => Value(r, CanonicalAttribute.RecordId)));
        Assert.Equal([2L, 4L], resumed.Records.ConvertAll(r => r.Line));
        Assert.Equal(firstEnd, resumedEnd);
    }

    [Fact]
    public async Task ReadAsync_GrowingFile_ReadsPartialLineOnceComplete()
    {
        var line1 = """{"id":"1"}""" + "\n";
        var path = Write(line1 + """{"id":"2","coun""");

        var (sink, end) = await ReadAsync(path, finalRead: false);
        Assert.Single(sink.Records);
        Assert.Empty(sink.Malformed);
        Assert.Equal(new SourcePosition(line1.Length, 1), end);

        File.AppendAllText(path, "try\":\"NZ\"}\n");
        var (more, moreEnd) = await ReadAsync(path, end, finalRead: false);

        var record = Assert.Single(more.Records);
        Assert.Equal(2, record.Line);
        Assert.Equal("NZ", Value(record, CanonicalAttribute.Country));
        Assert.Equal(new SourcePosition(new FileInfo(path).Length, 2), moreEnd);
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    public async Task ReadAsync_LastLineWithoutLineEnding_ConsumedOnlyOnFinalRead(bool finalRead, int expectedRecords)
    {
        var path = Write("""{"id":"1"}""" + "\n" + """{"id":"2"}""");

        var (sink, end) = await ReadAsync(path, finalRead: finalRead);

        Assert.Equal(expectedRecords, sink.Records.Count);
        Assert.Equal(expectedRecords, end.Line);
    }

    [Fact]
    public async Task ReadAsync_LinesCrossingBufferBoundaries_ReadsEveryLine()
    {
        const int Lines = 10_000;
        var text = new StringBuilder();
        for (var i = 0; i < Lines; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $$"""{"id":{{i}},"note":"{{new string('x', i % 97)}}","user":{"name":{"first":"김 Nåme {{i}}"},""")
                .Append(CultureInfo.InvariantCulture, $$"""  "contact":{"email":"user{{i}}@example.com"}""")
                .Append("}}\n");
        }
        var path = Write(text.ToString());
        Assert.True(new FileInfo(path).Length > 4 * 64 * 1024);

        var (sink, end) = await ReadAsync(path);

        Assert.Empty(sink.Malformed);
        Assert.Equal(Lines, sink.Records.Count);
        for (var i = 0; i < Lines; i++)
        {
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), Value(sink.Records[i], CanonicalAttribute.RecordId));
            Assert.Equal(i + 1, sink.Records[i].Line);
        }
        Assert.Equal($"김 Nåme {Lines - 1}", Value(sink.Records[^1], CanonicalAttribute.GivenName));
        Assert.Equal($"user{Lines - 1}@example.com", Value(sink.Records[^1], CanonicalAttribute.Email));
        Assert.Equal(new SourcePosition(new FileInfo(path).Length, Lines), end);
    }

    [Theory]
    [InlineData("user..email")]
    [InlineData(".email")]
    [InlineData("user.")]
    public void Constructor_PathWithEmptySegment_Throws(string jsonPath) =>
        Assert.Throws<ArgumentException>(() => new NdjsonChannelReader(new FieldMapping(new Dictionary<CanonicalAttribute, string>
        {
            [CanonicalAttribute.Email] = jsonPath,
        })));

    private static string? Value(RawRecord record, CanonicalAttribute attribute) => record.Values[(int)attribute];

    [Fact]
    public async Task ReadAsync_LineLongerThanMaxRowBytes_KeepsItsStartAndReadsOnFromTheNextLine()
    {
        var huge = "{\"id\":\"2\",\"note\":\"" + new string('x', 300_000) + "\"}";
        var path = Write("{\"id\":\"1\"}\n" + huge + "\n{\"id\":\"3\"}\n");

        var (sink, end) = await ReadAsync(path, maxLineBytes: 4096);

        Assert.Equal([(1L, "1"), (3L, "3")], sink.Records.Select(r => (r.Line, r.Values[(int)CanonicalAttribute.RecordId])));
        var bad = Assert.Single(sink.Malformed);
        Assert.Equal(2, bad.Line);
        Assert.StartsWith("line longer than MaxRowBytes (4,096 bytes)", bad.Reason, StringComparison.Ordinal);
        Assert.InRange(bad.Raw!.Length, 4000, 4096);
        Assert.Equal(new FileInfo(path).Length, end.ByteOffset);
    }

    [Fact]
    public async Task ReadAsync_CustomAttributes_FromNestedPaths_FillTheSlotsAfterTheCanonicalOnes()
    {
        var mapping = FieldMapping.FromAttributeNames(new Dictionary<string, string>
        {
            ["record_id"] = "id", ["trait.shoe_size"] = "prefs.size", ["trait.diet"] = "prefs.diet",
        });
        var path = Write("""{"id":"w1","prefs":{"size":39,"diet":"Vegan"}}""" + "\n");
        var sink = new RecordingSink();

        await new NdjsonChannelReader(mapping).ReadAsync(path, default, sink, true, CancellationToken.None);

        var record = Assert.Single(sink.Records);
        Assert.Equal(CanonicalAttributes.Count + 2, record.Values.Length);
        Assert.Equal(("w1", "Vegan", "39"), (record.Values[(int)CanonicalAttribute.RecordId], record.Values[CanonicalAttributes.Count], record.Values[CanonicalAttributes.Count + 1]));
    }

    private static async Task<(RecordingSink Sink, SourcePosition End)> ReadAsync(string path, SourcePosition from = default, bool finalRead = true, int maxLineBytes = 4 << 20)
    {
        var reader = new NdjsonChannelReader(s_mapping, maxLineBytes);
        var sink = new RecordingSink();
        var end = await reader.ReadAsync(path, from, sink, finalRead, CancellationToken.None);
        return (sink, end);
    }

    private string Write(string text) => WriteBytes(Encoding.UTF8.GetBytes(text));

    private string WriteBytes(byte[] bytes)
    {
        var path = _temp.File($"channel-{++_fileCount}.ndjson");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
