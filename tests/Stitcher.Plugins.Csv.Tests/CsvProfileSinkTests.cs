using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Stitcher.Plugins.Csv.Tests;

public sealed class CsvProfileSinkTests : IDisposable
{
    private const string DefaultHeader =
        "profile_id,given_name,surname,full_name,email,phone,date_of_birth,street,city,state,postcode,country," +
        "company,customer_id,loyalty_id,device_id,account_id,record_count,records,first_seen,last_seen,current_stage,accounts";

    private static readonly DateTimeOffset s_first = new(2024, 3, 1, 9, 30, 0, TimeSpan.FromHours(9));
    private static readonly DateTimeOffset s_last = new(2024, 3, 5, 18, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string CsvPath => Path.Combine(_temp.Path, "out", "profiles.csv");

    [Fact]
    public void CreateSink_DefaultSettings_WritesDocumentedHeaderUnderBaseDirectory()
    {
        var plugin = new CsvSinkPlugin();

        var sink = plugin.CreateSink(Context(new Dictionary<string, string>()));

        Assert.Equal("csv", plugin.Name);
        Assert.Equal("golden", sink.Name);
        Assert.Equal(
            "given_name,surname,full_name,email,phone,date_of_birth,street,city,state,postcode,country,company,customer_id,loyalty_id,device_id,account_id",
            string.Join(',', CsvSinkSettings.DefaultAttributes));
        Assert.Equal(Path.Combine(_temp.Path, "output", "profiles.csv"), CsvSinkSettings.Parse(Context(new Dictionary<string, string>())).Path);
    }

    [Fact]
    public async Task FlushAsync_DefaultAttributes_WritesHeaderRecordsAndUtcTimestamps()
    {
        await using var sink = CreateSink();
        var profile = Profile("p-1", ("email", "a@example.com"), ("customer_id", "C42")) with
        {
            Records = [new("web", "w-1", s_first), new("pos", "t-9", s_last)],
        };

        await sink.WriteAsync(Batches.Of([profile], []), CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);

        var lines = File.ReadAllText(CsvPath).Split("\r\n");
        Assert.Equal(DefaultHeader, lines[0]);
        Assert.Equal("p-1,,,,a@example.com,,,,,,,,,C42,,,,2,web:w-1;pos:t-9,2024-03-01T00:30:00.0000000Z,2024-03-05T18:00:00.0000000Z,,", lines[1]);
        Assert.Equal("", lines[2]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task FlushAsync_FieldsWithCommasQuotesAndLineBreaks_AreQuotedAndReadBack()
    {
        const string company = "Acme, Inc.";
        const string fullName = "Jay \"JJ\" Kim";
        const string street = "1 Main St\r\nFlat 2\nRear";
        await using var sink = CreateSink(("attributes", "full_name,company,street"));

        await sink.WriteAsync(
            Batches.Of([Profile("p-1", ("full_name", fullName), ("company", company), ("street", street))], []),
            CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);

        var text = File.ReadAllText(CsvPath);
        Assert.StartsWith("profile_id,full_name,company,street,record_count,records,first_seen,last_seen,current_stage,accounts\r\n", text, StringComparison.Ordinal);
        Assert.Contains("p-1,\"Jay \"\"JJ\"\" Kim\",\"Acme, Inc.\",\"1 Main St\r\nFlat 2\nRear\",1,", text, StringComparison.Ordinal);
        var rows = ReadRecords();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["p-1", fullName, company, street], rows[1][..4]);
    }

    [Fact]
    public async Task FlushAsync_HangulValues_RoundTripAsUtf8WithoutBom()
    {
        const string name = "김민준";
        const string street = "서울특별시 강남구 테헤란로 152, 강남파이낸스센터";
        await using (var sink = CreateSink(("attributes", "full_name,street")))
        {
            await sink.WriteAsync(Batches.Of([Profile("p-1", ("full_name", name), ("street", street))], []), CancellationToken.None);
            await sink.FlushAsync(CancellationToken.None);
        }

        var bytes = File.ReadAllBytes(CsvPath);
        Assert.NotEqual(0xEF, bytes[0]);
        Assert.Contains($"p-1,{name},\"{street}\",", new UTF8Encoding(false, true).GetString(bytes), StringComparison.Ordinal);

        // Reloaded rows are written back unchanged.
        await using (var reopened = CreateSink(("attributes", "full_name,street")))
        {
            await reopened.WriteAsync(Batches.Of([Profile("p-2")], []), CancellationToken.None);
            await reopened.FlushAsync(CancellationToken.None);
        }

        var rows = ReadRecords();
        Assert.Equal(["p-1", name, street], rows[1][..3]);
    }

    [Fact]
    public async Task WriteAsync_SameProfileIdTwice_KeepsOnlyLatestRow()
    {
        await using var sink = CreateSink(("attributes", "email"));

        await sink.WriteAsync(Batches.Of([Profile("p-1", ("email", "old@example.com")), Profile("p-2")], []), CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);
        await sink.WriteAsync(Batches.Of([Profile("p-1", ("email", "new@example.com"))], []), CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);

        var rows = ReadRecords();
        Assert.Equal(3, rows.Count);
        Assert.Equal(["p-1", "new@example.com"], rows[1][..2]);
        Assert.Equal("p-2", rows[2][0]);
    }

    [Fact]
    public async Task WriteAsync_RetiredProfileIds_RemovesTheirRows()
    {
        await using var sink = CreateSink(("attributes", "email"));
        await sink.WriteAsync(Batches.Of([Profile("p-1"), Profile("p-2"), Profile("p-3")], []), CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);

        await sink.WriteAsync(Batches.Of([Profile("p-2", ("email", "merged@example.com"))], ["p-1", "p-3", "unknown"]), CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);

        var rows = ReadRecords();
        Assert.Equal(2, rows.Count);
        Assert.Equal(["p-2", "merged@example.com"], rows[1][..2]);
    }

    [Fact]
    public async Task CreateSink_ExistingFile_KeepsItsRowsAndAddsNewOnesInIdOrder()
    {
        await using (var sink = CreateSink(("attributes", "email,phone")))
        {
            await sink.WriteAsync(
                Batches.Of([Profile("p-3", ("email", "c@example.com")), Profile("p-1", ("phone", "+82 10-1234-5678"))], []),
                CancellationToken.None);
            await sink.FlushAsync(CancellationToken.None);
        }

        var before = File.ReadAllText(CsvPath);

        await using (var restarted = CreateSink(("attributes", "email,phone")))
        {
            // Flushing a reloaded, unchanged sink leaves the file as it was.
            await restarted.FlushAsync(CancellationToken.None);
            Assert.Equal(before, File.ReadAllText(CsvPath));

            await restarted.WriteAsync(Batches.Of([Profile("p-2", ("email", "b@example.com"))], ["p-3"]), CancellationToken.None);
            await restarted.FlushAsync(CancellationToken.None);
        }

        var rows = ReadRecords();
        Assert.Equal(["p-1", "p-2"], rows.Skip(1).Select(r => r[0]));
        Assert.Equal(["p-1", "", "+82 10-1234-5678"], rows[1][..3]);
        Assert.Equal(["p-2", "b@example.com", ""], rows[2][..3]);
    }

    [Fact]
    public async Task CreateSink_ExistingFileWithOtherAttributes_MatchesColumnsByName()
    {
        await using (var sink = CreateSink(("attributes", "email,phone")))
        {
            await sink.WriteAsync(Batches.Of([Profile("p-1", ("email", "a@example.com"), ("phone", "555"))], []), CancellationToken.None);
            await sink.FlushAsync(CancellationToken.None);
        }

        await using (var changed = CreateSink(("attributes", "city,email")))
        {
            await changed.FlushAsync(CancellationToken.None);
        }

        var rows = ReadRecords();
        Assert.Equal(["profile_id", "city", "email", "record_count", "records", "first_seen", "last_seen", "current_stage", "accounts"], rows[0]);
        Assert.Equal(["p-1", "", "a@example.com", "1"], rows[1][..4]);
    }

    [Fact]
    public async Task DisposeAsync_UnflushedChanges_AreWritten()
    {
        await using (var sink = CreateSink())
        {
            await sink.WriteAsync(Batches.Of([Profile("p-1")], []), CancellationToken.None);
        }

        Assert.Equal("p-1", ReadRecords()[1][0]);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(CsvPath)!, "*.tmp"));
    }

    [Theory]
    [InlineData("delimiter")]
    [InlineData("Pathh")]
    public void CreateSink_UnknownSetting_ThrowsNamingTheKey(string key)
    {
        var ex = Assert.Throws<ArgumentException>(() => CreateSink((key, "x")));

        Assert.Contains($"'{key}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("attributes", " , ")]
    [InlineData("attributes", "email,records")]
    [InlineData("attributes", "email,email")]
    [InlineData("path", " ")]
    public void CreateSink_InvalidSettingValue_ThrowsNamingTheKey(string key, string value)
    {
        var ex = Assert.Throws<ArgumentException>(() => CreateSink((key, value)));

        Assert.Contains($"'{key}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateSink_SettingKeysInOtherCase_AreAccepted()
    {
        var settings = CsvSinkSettings.Parse(Context(new Dictionary<string, string> { ["PATH"] = "x.csv", ["Attributes"] = "email" }));

        Assert.Equal(Path.Combine(_temp.Path, "x.csv"), settings.Path);
        Assert.Equal(["email"], settings.Attributes);
    }

    [Fact]
    public async Task Logs_ProfileValues_AreNeverLogged()
    {
        var loggerFactory = new ListLoggerFactory();
        var context = Context(new Dictionary<string, string> { ["path"] = CsvPath }, loggerFactory);
        await using (var sink = new CsvSinkPlugin().CreateSink(context))
        {
            await sink.WriteAsync(Batches.Of([Profile("p-secret-id", ("email", "secret@example.com"))], ["p-gone"]), CancellationToken.None);
            await sink.FlushAsync(CancellationToken.None);
        }

        Assert.NotEmpty(loggerFactory.Messages);
        Assert.DoesNotContain(loggerFactory.Messages, m => m.Contains("secret", StringComparison.Ordinal) || m.Contains("p-gone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FlushAsync_EachFlush_WritesItsChangesInOrderToAChangeFileOfItsOwn()
    {
        await using var sink = CreateSink(("attributes", "email"));
        var changes = Path.Combine(_temp.Path, "out", "changes");

        await sink.WriteAsync(Batches.Of([Profile("p-1", ("email", "a@example.com")), Profile("p-2", ("email", "b@example.com"))], []), CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);
        await sink.WriteAsync(new ProfileBatch(
        [
            new ProfileChange(ProfileChangeKind.Retired, "p-2", 7, s_last) { SurvivorId = "p-1" },
            new ProfileChange(ProfileChangeKind.Upserted, "p-1", 8, s_last) { Profile = Profile("p-1", ("email", "a@example.com")) },
        ]), CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);
        // Nothing new: no empty change file.
        await sink.FlushAsync(CancellationToken.None);

        var files = Directory.GetFiles(changes).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(2, files.Length);
        Assert.All(files, f => Assert.Matches(@"changes-\d{8}T\d{13}-\d{6}\.csv$", f));
        var first = File.ReadAllText(files[0]).Split("\r\n");
        Assert.Equal("change,version,survivor_id,changed_at,profile_id,email,record_count,records,first_seen,last_seen,current_stage,accounts", first[0]);
        Assert.StartsWith("upserted,1,,", first[1], StringComparison.Ordinal);
        Assert.Contains(",p-1,a@example.com,1,web:w-1,", first[1], StringComparison.Ordinal);
        Assert.Contains(",p-2,b@example.com,", first[2], StringComparison.Ordinal);
        var second = File.ReadAllText(files[1]).Split("\r\n");
        Assert.Equal("retired,7,p-1,2024-03-05T18:00:00.0000000Z,p-2,,,,,,,", second[1]);
        Assert.StartsWith("upserted,8,,", second[2], StringComparison.Ordinal);
        // The snapshot holds the outcome; no temporary file is left.
        Assert.Equal(2, File.ReadAllLines(CsvPath).Length);
        Assert.Empty(Directory.GetFiles(changes, "*.tmp").Concat(Directory.GetFiles(Path.GetDirectoryName(CsvPath)!, "*.tmp")));
    }

    [Fact]
    public async Task FlushAsync_ChangesNone_WritesOnlyTheSnapshot()
    {
        await using var sink = CreateSink(("attributes", "email"), ("changes", "none"));

        await sink.WriteAsync(Batches.Of([Profile("p-1", ("email", "a@example.com"))], []), CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);

        Assert.True(File.Exists(CsvPath));
        Assert.False(Directory.Exists(Path.Combine(_temp.Path, "out", "changes")));
    }

    [Fact]
    public async Task FlushAsync_CustomAttributesTheChannelsMap_FollowTheCanonicalColumns()
    {
        var context = Context(new Dictionary<string, string> { ["path"] = "out/profiles.csv" }) with { TraitNames = ["trait.diet", "trait.shoe_size"] };
        await using var sink = new CsvSinkPlugin().CreateSink(context);

        await sink.WriteAsync(Batches.Of([Profile("p-1", ("email", "a@example.com"), ("trait.shoe_size", "38"))], []), CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);

        var rows = ReadRecords();
        var header = rows[0];
        Assert.Equal(["account_id", "trait.diet", "trait.shoe_size", "record_count"], header[16..20]);
        Assert.Equal(("", "38"), (rows[1][Array.IndexOf(header, "trait.diet")], rows[1][Array.IndexOf(header, "trait.shoe_size")]));
    }

    private IProfileSink CreateSink(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string> { ["path"] = "out/profiles.csv" };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        return new CsvSinkPlugin().CreateSink(Context(values));
    }

    private SinkContext Context(Dictionary<string, string> settings, ILoggerFactory? loggerFactory = null) =>
        new("golden", settings, _temp.Path, loggerFactory ?? NullLoggerFactory.Instance);

    [Fact]
    public async Task FlushAsync_ProfileWithJourneyAndAccounts_WritesCurrentStageAndAccounts()
    {
        await using var sink = CreateSink(("attributes", "email"));
        var profile = Profile("p-1", ("email", "a@acme.example")) with
        {
            Timeline = new ProfileTimeline(new Dictionary<string, int> { ["Action"] = 2 }, new Dictionary<string, int>(), new Dictionary<string, DateTimeOffset>(), "Action"),
            Accounts = ["company:acme", "domain:acme.example"],
        };

        await sink.WriteAsync(Batches.Of([profile], []), CancellationToken.None);
        await sink.FlushAsync(CancellationToken.None);

        var row = ReadRecords()[1];
        Assert.Equal(("Action", "company:acme;domain:acme.example"), (row[^2], row[^1]));
    }

    private static StitchedProfile Profile(string id, params (string Name, string Value)[] attributes)
    {
        var values = new Dictionary<string, ProfileAttribute>();
        foreach (var (name, value) in attributes)
        {
            values[name] = new ProfileAttribute(value, "web", "w-1", s_first);
        }

        return new StitchedProfile(id, values, [new SourceRecordRef("web", "w-1", s_first)], s_first, s_last);
    }

    private List<string[]> ReadRecords()
    {
        using var reader = new StreamReader(CsvPath, Encoding.UTF8);
        var csv = new CsvRecordReader(reader);
        var records = new List<string[]>();
        var fields = new List<string>();
        while (csv.TryReadRecord(fields))
        {
            records.Add([.. fields]);
        }

        return records;
    }
}
