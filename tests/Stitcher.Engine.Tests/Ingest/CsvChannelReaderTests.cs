using System.Text;
using Stitcher.Engine.Ingest;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Tests.Ingest;

public sealed class CsvChannelReaderTests : IDisposable
{
    private const string Header = "id,name,email\n";

    private static readonly FieldMapping s_mapping = new(new Dictionary<CanonicalAttribute, string>
    {
        [CanonicalAttribute.RecordId] = "id",
        [CanonicalAttribute.FullName] = "name",
        [CanonicalAttribute.Email] = "email",
    });

    private readonly TempDirectory _temp = new();
    private int _fileCount;

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("1,\"Smith, John\",a@x.io", "Smith, John")]
    [InlineData("1,\"He said \"\"hi\"\"\",a@x.io", "He said \"hi\"")]
    [InlineData("1,\"two\nlines\",a@x.io", "two\nlines")]
    [InlineData("1,\"two\r\nlines\",a@x.io", "two\r\nlines")]
    [InlineData("1,  padded  ,a@x.io", "padded")]
    [InlineData("1, \"quoted, padded\" ,a@x.io", "quoted, padded")]
    [InlineData("1,,a@x.io", null)]
    [InlineData("1,\"\",a@x.io", null)]
    [InlineData("1,\"\"\"\",a@x.io", "\"")]
    [InlineData("1,김민준,a@x.io", "김민준")]
    [InlineData("1,\"José Müller-Ødegård\",a@x.io", "José Müller-Ødegård")]
    [InlineData("1,\u00A0nbsp padded\u00A0,a@x.io", "nbsp padded")]
    public async Task ReadAsync_FieldForms_DecodesValue(string row, string? expected)
    {
        var path = Write(Header + row + "\n");

        var (sink, _) = await ReadAsync(path);

        Assert.Empty(sink.Malformed);
        var record = Assert.Single(sink.Records);
        Assert.Equal("1", Value(record, CanonicalAttribute.RecordId));
        Assert.Equal(expected, Value(record, CanonicalAttribute.FullName));
        Assert.Equal("a@x.io", Value(record, CanonicalAttribute.Email));
    }

    [Theory]
    [InlineData(false, "\n")]
    [InlineData(true, "\n")]
    [InlineData(false, "\r\n")]
    [InlineData(true, "\r\n")]
    public async Task ReadAsync_BomAndLineEndings_ReadsEveryRowToEnd(bool bom, string newline)
    {
        var path = Write($"id,name,email{newline}1,Ann,ann@x.io{newline}2,\"Bo, B\",bo@x.io{newline}", bom);

        var (sink, end) = await ReadAsync(path);

        Assert.Empty(sink.Malformed);
        Assert.Collection(
            sink.Records,
            first =>
            {
                Assert.Equal(2, first.Line);
                Assert.Equal("1", Value(first, CanonicalAttribute.RecordId));
                Assert.Equal("ann@x.io", Value(first, CanonicalAttribute.Email));
            },
            second =>
            {
                Assert.Equal(3, second.Line);
                Assert.Equal("Bo, B", Value(second, CanonicalAttribute.FullName));
                Assert.Equal("bo@x.io", Value(second, CanonicalAttribute.Email));
            });
        Assert.Equal(new SourcePosition(new FileInfo(path).Length, 3), end);
        Assert.Equal(end, sink.Records[1].End);
    }

    [Fact]
    public async Task ReadAsync_QuotedLineBreaks_CountPhysicalLines()
    {
        var path = Write(Header + "1,\"a\nb\r\nc\",x\n2,Bo,y\n");

        var (sink, end) = await ReadAsync(path);

        Assert.Equal([2L, 5L], sink.Records.ConvertAll(r => r.Line));
        Assert.Equal(4, sink.Records[0].End.Line);
        Assert.Equal("a\nb\r\nc", Value(sink.Records[0], CanonicalAttribute.FullName));
        Assert.Equal(5, end.Line);
    }

    [Theory]
    [InlineData("2,Bo", "row has 2 fields; the header has 3")]
    [InlineData("2,Bo,b,extra", "row has 4 fields; the header has 3")]
    public async Task ReadAsync_WrongFieldCount_ReportsMalformedAndReadsNextRow(string row, string reason)
    {
        var path = Write(Header + "1,Ann,a\n" + row + "\r\n3,Cy,c\n");

        var (sink, _) = await ReadAsync(path);

        var bad = Assert.Single(sink.Malformed);
        Assert.Equal(3, bad.Line);
        Assert.Null(bad.Field);
        Assert.Equal(reason, bad.Reason);
        Assert.Equal(row, bad.Raw);
        Assert.Equal(new SourcePosition(Encoding.UTF8.GetByteCount(Header + "1,Ann,a\n" + row + "\r\n"), 3), bad.End);
        Assert.Equal(["1", "3"], sink.Records.ConvertAll(r => Value(r, CanonicalAttribute.RecordId)));
        Assert.Equal([2L, 4L], sink.Records.ConvertAll(r => r.Line));
    }

    [Theory]
    [InlineData("2,B\"o,secret", "name", "quote inside an unquoted field")]
    [InlineData("2,\"Bo\"secret,b", "name", "text after the closing quote of a quoted field")]
    [InlineData("2,Bo,b\"c", "email", "quote inside an unquoted field")]
    public async Task ReadAsync_BrokenQuoting_ReportsFieldAndReadsNextRow(string row, string field, string reason)
    {
        var path = Write(Header + row + "\n3,Cy,c\n");

        var (sink, _) = await ReadAsync(path);

        var bad = Assert.Single(sink.Malformed);
        Assert.Equal(2, bad.Line);
        Assert.Equal(field, bad.Field);
        Assert.Equal(reason, bad.Reason);
        Assert.Equal(row, bad.Raw);
        var record = Assert.Single(sink.Records);
        Assert.Equal(3, record.Line);
        Assert.Equal("Cy", Value(record, CanonicalAttribute.FullName));
    }

    [Fact]
    public async Task ReadAsync_UnterminatedQuoteAtEofOnFinalRead_ReportsMalformed()
    {
        var path = Write(Header + "1,Ann,a\n2,\"Bo,b\n");

        var (sink, end) = await ReadAsync(path);

        Assert.Single(sink.Records);
        var bad = Assert.Single(sink.Malformed);
        Assert.Equal(3, bad.Line);
        Assert.Equal("name", bad.Field);
        Assert.StartsWith("quoted field not closed before the end of the file", bad.Reason, StringComparison.Ordinal);
        Assert.Equal("2,\"Bo,b", bad.Raw);
        Assert.Equal(new FileInfo(path).Length, end.ByteOffset);
        Assert.Equal(end, bad.End);
    }

    [Fact]
    public async Task ReadAsync_QuoteNeverClosed_LosesOnlyTheLineItOpenedOn()
    {
        // A stray opening quote on line 3 of a file of 2,001 rows: before, every row after it was one field.
        var rows = new StringBuilder(Header);
        for (var i = 1; i <= 2000; i++)
        {
            rows.Append(i == 2 ? "2,\"Bo,b\n" : $"{i},Name{i},n{i}@example.org\n");
        }
        var path = Write(rows.ToString());

        var (sink, end) = await ReadAsync(path, maxRowBytes: 4096);

        Assert.Equal(1999, sink.Records.Count);
        var bad = Assert.Single(sink.Malformed);
        Assert.Equal((3L, "name"), (bad.Line, bad.Field));
        Assert.StartsWith("a quoted field opened on this line is not closed within MaxRowBytes (4,096 bytes)", bad.Reason, StringComparison.Ordinal);
        Assert.Equal("2,\"Bo,b", bad.Raw);
        Assert.Equal((4L, "3"), (sink.Records[1].Line, Value(sink.Records[1], CanonicalAttribute.RecordId)));
        Assert.Equal((2001L, "2000"), (sink.Records[^1].Line, Value(sink.Records[^1], CanonicalAttribute.RecordId)));
        Assert.Equal(new FileInfo(path).Length, end.ByteOffset);
    }

    [Fact]
    public async Task ReadAsync_QuoteNeverClosedOnTheLastLine_IsOneDeadLetter()
    {
        // Found by the fuzz test: a quote opened on the last line, which ends in CRLF.
        var path = Write(Header + "\"é,aa\r\n");

        var (sink, end) = await ReadAsync(path);

        Assert.Empty(sink.Records);
        Assert.Equal(2, Assert.Single(sink.Malformed).Line);
        Assert.Equal(new FileInfo(path).Length, end.ByteOffset);
    }

    [Fact]
    public async Task ReadAsync_QuoteNeverClosedBeforeTheEnd_TheRowsAfterItAreRead()
    {
        var path = Write(Header + "1,Ann,a\n2,\"Bo,b\n3,Cy,c\n4,Di,d\n");

        var (sink, _) = await ReadAsync(path);

        Assert.Equal(["1", "3", "4"], sink.Records.Select(r => Value(r, CanonicalAttribute.RecordId)));
        Assert.Equal(3, Assert.Single(sink.Malformed).Line);
    }

    [Fact]
    public async Task ReadAsync_LineLongerThanMaxRowBytes_KeepsItsStartAndReadsOnFromTheNextLine()
    {
        var path = Write(Header + "1,Ann,a\n2," + new string('x', 200_000) + ",b\n3,Cy,c\n");

        var (sink, end) = await ReadAsync(path, maxRowBytes: 4096);

        Assert.Equal(["1", "3"], sink.Records.Select(r => Value(r, CanonicalAttribute.RecordId)));
        Assert.Equal(4, sink.Records[1].Line);
        var bad = Assert.Single(sink.Malformed);
        Assert.Equal(3, bad.Line);
        Assert.StartsWith("row longer than MaxRowBytes (4,096 bytes)", bad.Reason, StringComparison.Ordinal);
        Assert.InRange(bad.Raw!.Length, 4000, 4096);
        Assert.Equal(new FileInfo(path).Length, end.ByteOffset);
    }

    [Fact]
    public async Task ReadAsync_UnterminatedQuoteWhileGrowing_LeavesRowUnconsumed()
    {
        var path = Write(Header + "1,Ann,a\n2,\"Bo,b\n");

        var (sink, end) = await ReadAsync(path, finalRead: false);

        Assert.Single(sink.Records);
        Assert.Empty(sink.Malformed);
        Assert.Equal(new SourcePosition(Encoding.UTF8.GetByteCount(Header + "1,Ann,a\n"), 2), end);
    }

    [Fact]
    public async Task ReadAsync_InvalidUtf8InMappedField_ReportsFieldAndReadsNextRow()
    {
        var path = WriteBytes([.. "id,name,email\n1,"u8, 0xC3, 0x28, .. ",a\n2,Bo,b\n"u8]);

        var (sink, _) = await ReadAsync(path);

        var bad = Assert.Single(sink.Malformed);
        Assert.Equal(2, bad.Line);
        Assert.Equal("name", bad.Field);
        Assert.Equal("invalid UTF-8", bad.Reason);
        Assert.Equal("2", Value(Assert.Single(sink.Records), CanonicalAttribute.RecordId));
    }

    [Fact]
    public async Task ReadAsync_InvalidUtf8InUnmappedField_ReadsRow()
    {
        var path = WriteBytes([.. "id,name,email,note\n1,Ann,a,"u8, 0xFF, .. "\n"u8]);

        var (sink, _) = await ReadAsync(path);

        Assert.Empty(sink.Malformed);
        Assert.Equal("Ann", Value(Assert.Single(sink.Records), CanonicalAttribute.FullName));
    }

    [Fact]
    public async Task ReadAsync_MappedColumnMissing_ThrowsNamingColumnAndFile()
    {
        var path = Write("id,name\n1,Ann\n");

        var error = await Assert.ThrowsAsync<ChannelFormatException>(() => ReadAsync(path));

        Assert.Equal("email", error.Column);
        Assert.Equal(path, error.FilePath);
        Assert.Contains("'email'", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_CarriageReturnOnlyLineEndings_AreRefusedLoudlyNamingTheFile()
    {
        var path = Write("id,name,email\r1,Ann,ann@example.org\r2,Bob,bob@example.org\r");

        var error = await Assert.ThrowsAsync<ChannelFormatException>(() => ReadAsync(path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("carriage return alone", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_CrLfLineEndings_StillRead()
    {
        var (sink, _) = await ReadAsync(Write("id,name,email\r\n1,Ann,ann@example.org\r\n"));

        Assert.Equal("Ann", Value(Assert.Single(sink.Records), CanonicalAttribute.FullName));
    }

    [Fact]
    public async Task ReadAsync_HeaderNamesDifferInCaseAndPadding_MatchesColumns()
    {
        var path = Write(" ID ,\"Name\" ,EMAIL\r\n1,Ann,a\r\n");

        var (sink, _) = await ReadAsync(path);

        Assert.Equal("Ann", Value(Assert.Single(sink.Records), CanonicalAttribute.FullName));
    }

    [Fact]
    public async Task ReadAsync_BlankLines_AreSkippedAndCounted()
    {
        var path = Write("\nid,name,email\n\n1,Ann,a\n   \n\r\n2,Bo,b\n\n");

        var (sink, end) = await ReadAsync(path);

        Assert.Empty(sink.Malformed);
        Assert.Equal([4L, 7L], sink.Records.ConvertAll(r => r.Line));
        Assert.Equal(new SourcePosition(new FileInfo(path).Length, 8), end);
    }

    [Fact]
    public async Task ReadAsync_ResumeFromRecordEnd_ReadsOnlyLaterRows()
    {
        var path = Write("\uFEFF" + Header + "1,Ann,a\n2,\"B\no\",b\n3,Cy,c\n4,Di,d\n");
        var (first, firstEnd) = await ReadAsync(path);

        var (resumed, resumedEnd) = await ReadAsync(path, first.Records[1].End);

        Assert.Equal(["3", "4"], resumed.Records.ConvertAll(r => Value(r, CanonicalAttribute.RecordId)));
        Assert.Equal([5L, 6L], resumed.Records.ConvertAll(r => r.Line));
        Assert.Equal(firstEnd, resumedEnd);
        Assert.Equal(first.Records[3], resumed.Records[1] with { Values = first.Records[3].Values });
    }

    [Fact]
    public async Task ReadAsync_ResumeFromEnd_ReadsNothing()
    {
        var path = Write(Header + "1,Ann,a\n");
        var (_, end) = await ReadAsync(path);

        var (sink, again) = await ReadAsync(path, end);

        Assert.Empty(sink.Records);
        Assert.Equal(end, again);
    }

    [Fact]
    public async Task ReadAsync_GrowingFile_ReadsPartialRowOnceComplete()
    {
        var path = Write(Header + "1,Ann,a\n2,Bo");

        var (sink, end) = await ReadAsync(path, finalRead: false);
        Assert.Single(sink.Records);
        Assert.Equal(new SourcePosition(Encoding.UTF8.GetByteCount(Header + "1,Ann,a\n"), 2), end);

        File.AppendAllText(path, "b,b\n3,\"C\ny");
        var (more, moreEnd) = await ReadAsync(path, end, finalRead: false);
        var second = Assert.Single(more.Records);
        Assert.Equal(3, second.Line);
        Assert.Equal("Bob", Value(second, CanonicalAttribute.FullName));
        Assert.Equal(second.End, moreEnd);

        File.AppendAllText(path, "\",c\n");
        var (last, lastEnd) = await ReadAsync(path, moreEnd, finalRead: false);
        var third = Assert.Single(last.Records);
        Assert.Equal(4, third.Line);
        Assert.Equal("C\ny", Value(third, CanonicalAttribute.FullName));
        Assert.Equal(new SourcePosition(new FileInfo(path).Length, 5), lastEnd);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task ReadAsync_LastRowWithoutLineEnding_ConsumedOnlyOnFinalRead(bool finalRead, int expectedRecords)
    {
        var path = Write(Header + "1,Ann,a");

        var (sink, end) = await ReadAsync(path, finalRead: finalRead);

        Assert.Equal(expectedRecords, sink.Records.Count);
        var expected = finalRead
            ? new SourcePosition(new FileInfo(path).Length, 2)
            : new SourcePosition(Header.Length, 1);
        Assert.Equal(expected, end);
    }

    [Fact]
    public async Task ReadAsync_HeaderNotYetComplete_ReturnsResumePosition()
    {
        var path = Write("id,na");

        var (sink, end) = await ReadAsync(path, finalRead: false);

        Assert.Empty(sink.Records);
        Assert.Equal(SourcePosition.Start, end);
    }

    [Fact]
    public async Task ReadAsync_RowsCrossingBufferBoundaries_ReadsEveryRow()
    {
        const int Rows = 10_000;
        var text = new StringBuilder(Header);
        for (var i = 0; i < Rows; i++)
        {
            text.Append(i).Append(",\"김 \"\"Nåme\"\", ").Append(i).Append("\",user").Append(i).Append("@example.com\r\n");
        }
        var path = Write(text.ToString());
        Assert.True(new FileInfo(path).Length > 4 * 64 * 1024);

        var (sink, end) = await ReadAsync(path);

        Assert.Empty(sink.Malformed);
        Assert.Equal(Rows, sink.Records.Count);
        for (var i = 0; i < Rows; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Value(sink.Records[i], CanonicalAttribute.RecordId));
        }
        var last = sink.Records[^1];
        Assert.Equal(Rows + 1, last.Line);
        Assert.Equal($"김 \"Nåme\", {Rows - 1}", Value(last, CanonicalAttribute.FullName));
        Assert.Equal($"user{Rows - 1}@example.com", Value(last, CanonicalAttribute.Email));
        Assert.Equal(new SourcePosition(new FileInfo(path).Length, Rows + 1), end);
    }

    [Theory]
    [InlineData(';')]
    [InlineData('\t')]
    [InlineData('|')]
    public async Task ReadAsync_CustomDelimiter_SplitsOnIt(char delimiter)
    {
        var d = delimiter.ToString();
        var path = Write($"id{d}name{d}email\n1{d}\"A{d}B\"{d} a@x.io \n");

        var (sink, _) = await ReadAsync(path, delimiter: delimiter);

        var record = Assert.Single(sink.Records);
        Assert.Equal($"A{d}B", Value(record, CanonicalAttribute.FullName));
        Assert.Equal("a@x.io", Value(record, CanonicalAttribute.Email));
    }

    [Fact]
    public async Task ReadAsync_ColumnMappedTwice_FillsBothAttributes()
    {
        var mapping = new FieldMapping(new Dictionary<CanonicalAttribute, string>
        {
            [CanonicalAttribute.FullName] = "name",
            [CanonicalAttribute.GivenName] = "NAME",
        });
        var path = Write(Header + "1,Ann,a\n");

        var (sink, _) = await ReadAsync(path, mapping: mapping);

        var record = Assert.Single(sink.Records);
        Assert.Equal("Ann", Value(record, CanonicalAttribute.FullName));
        Assert.Equal("Ann", Value(record, CanonicalAttribute.GivenName));
        Assert.Null(Value(record, CanonicalAttribute.RecordId));
        Assert.Equal(CanonicalAttributes.Count, record.Values.Length);
    }

    [Theory]
    [InlineData('"')]
    [InlineData('\n')]
    [InlineData('é')]
    public void Constructor_InvalidDelimiter_Throws(char delimiter) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CsvChannelReader(s_mapping, delimiter));

    [Fact]
    public async Task ReadAsync_CustomAttributes_FillTheSlotsAfterTheCanonicalOnes_InNameOrder()
    {
        var mapping = FieldMapping.FromAttributeNames(new Dictionary<string, string>
        {
            ["record_id"] = "id", ["Trait.Shoe_Size"] = "shoe", ["trait.diet"] = "diet", ["email"] = "email",
        });
        var path = Write("id,email,diet,shoe\n1,a@x.io,Vegan,38\n");

        var (sink, _) = await ReadAsync(path, mapping: mapping);

        Assert.Equal(["trait.diet", "trait.shoe_size"], mapping.TraitNames);
        var record = Assert.Single(sink.Records);
        Assert.Equal(CanonicalAttributes.Count + 2, record.Values.Length);
        Assert.Equal(("Vegan", "38", "a@x.io"), (record.Values[CanonicalAttributes.Count], record.Values[CanonicalAttributes.Count + 1], Value(record, CanonicalAttribute.Email)));
    }

    [Fact]
    public async Task ReadAsync_CustomAttributeColumnMissing_NamesTheColumnAndTheAttribute()
    {
        var mapping = FieldMapping.FromAttributeNames(new Dictionary<string, string> { ["record_id"] = "id", ["trait.diet"] = "diet" });
        var path = Write("id,email\n1,a@x.io\n");

        var error = await Assert.ThrowsAsync<ChannelFormatException>(() => ReadAsync(path, mapping: mapping));

        Assert.Equal("diet", error.Column);
        Assert.Contains("mapped to 'trait.diet'", error.Message, StringComparison.Ordinal);
    }

    private static string? Value(RawRecord record, CanonicalAttribute attribute) => record.Values[(int)attribute];

    private static async Task<(RecordingSink Sink, SourcePosition End)> ReadAsync(
        string path, SourcePosition from = default, bool finalRead = true, FieldMapping? mapping = null, char delimiter = ',', int maxRowBytes = 4 << 20)
    {
        var reader = new CsvChannelReader(mapping ?? s_mapping, delimiter, maxRowBytes);
        var sink = new RecordingSink();
        var end = await reader.ReadAsync(path, from, sink, finalRead, CancellationToken.None);
        return (sink, end);
    }

    private string Write(string text, bool bom = false) =>
        WriteBytes(bom ? [.. ChannelBom, .. Encoding.UTF8.GetBytes(text)] : Encoding.UTF8.GetBytes(text));

    private string WriteBytes(byte[] bytes)
    {
        var path = _temp.File($"channel-{++_fileCount}.csv");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static ReadOnlySpan<byte> ChannelBom => [0xEF, 0xBB, 0xBF];
}
