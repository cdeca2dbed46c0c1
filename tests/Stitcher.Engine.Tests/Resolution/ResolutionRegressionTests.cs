using Stitcher.Engine.Configuration;
using Stitcher.Engine.Matching;

namespace Stitcher.Engine.Tests.Resolution;

/// <summary>Faults a review of sequence-neutral linking found, each reproduced: incremental results must equal a fresh ingest.</summary>
public sealed class ResolutionRegressionTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task UpdatedRecord_ItsOldMatchEvidenceOnOthersIsDropped_SoItCannotBridgeTwoPeople()
    {
        // x2 matches x1 as John Smith; x1 then becomes Mary Garcia; x3 carries x2's phone and Mary's loyalty card.
        var a1 = Row("x1", "2026-01-01T00:00:00Z", "John", "Smith", "1970-03-03", "12 Oak St", "Springfield", "10005");
        var b = Row("x2", "2026-01-02T00:00:00Z", "John", "Smith", "1970-03-03", "12 Oak St", "Springfield", "10005", phone: "(628) 555-1234");
        var a2 = Row("x1", "2026-02-01T00:00:00Z", "Mary", "Garcia", "1985-07-07", "40 Pine Rd", "Riverside", "10020", loyalty: "LX99");
        var c = Row("x3", "2026-02-02T00:00:00Z", "", "", "", "", "", "", phone: "(628) 555-1234", loyalty: "LX99");

        var incremental = await IngestAsync("inc", a1, b, a2, c);
        var fresh = await IngestAsync("fresh", a2, b, c);

        Assert.Equal(fresh, incremental);
        Assert.NotEqual(incremental["x1"], incremental["x2"]);
    }

    [Fact]
    public async Task DeletedRecordAloneInItsProfile_LeavesTheIdentifierItSharedWithAProfileKeptApart()
    {
        EngineFixture.WriteCrm(_temp.Path);
        await using var engine = EngineFixture.NewEngine(_temp.Path);
        await engine.IngestRecordAsync("crm", Crm("c1", "Anne", "Lee", "anne@example.org", "2026-01-01T00:00:00Z"));
        await engine.IngestRecordAsync("crm", Crm("c2", "Anne", "Lee", "anne@example.org", "2026-01-02T00:00:00Z"));
        Assert.True(await engine.DecideAsync("crm", "c1", "crm", "c2", samePerson: false));
        Assert.True(await engine.DeleteRecordAsync("crm", "c1"));

        await engine.IngestRecordAsync("crm", Crm("c3", "Anne", "Lee", "anne@example.org", "2026-01-03T00:00:00Z"));

        // As a fresh ingest of c2 and c3 would: the email joins them.
        Assert.Equal(engine.FindProfileIdByRecord("crm", "c2"), engine.FindProfileIdByRecord("crm", "c3"));
        // No refusal of the deleted record is left behind.
        Assert.DoesNotContain(engine.ExplainRecord("crm", "c2")!.Members.SelectMany(m => m.Evidence), e => e.Kind == "refused" && e.OtherRecord == "crm:c1");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UpdatedRecord_ThatStaysInItsProfile_KeepsItsIdAndRaisesItsVersionWithoutMergesOrDeletes(bool withPartner)
    {
        EngineFixture.WriteCrm(_temp.Path);
        await using var engine = EngineFixture.NewEngine(_temp.Path);
        await engine.IngestRecordAsync("crm", Crm("c1", "Anne", "Lee", "anne@example.org", "2026-01-01T00:00:00Z"));
        if (withPartner)
        {
            await engine.IngestRecordAsync("crm", Crm("c2", "Anne", "Lee", "anne@example.org", "2026-01-02T00:00:00Z"));
        }
        var id = engine.FindProfileIdByRecord("crm", "c1")!;
        var before = engine.ReadChanges().Last(c => c.ProfileId == id).Version;
        var sequence = engine.ReadChanges().Max(c => c.Sequence);

        // c1, the record the id derives from, comes again with a new phone.
        await engine.IngestRecordAsync("crm", new Dictionary<string, string?>(Crm("c1", "Anne", "Lee", "anne@example.org", "2026-02-01T00:00:00Z")) { ["phone"] = "+14155550132" });

        Assert.Equal(id, engine.FindProfileIdByRecord("crm", "c1"));
        var change = Assert.Single(engine.ReadChanges(sequence));
        Assert.Equal((Stitcher.Engine.Profiles.ChangeEventType.ProfileUpdated, id), (change.Type, change.ProfileId));
        Assert.True(change.Version > before, $"version {before} -> {change.Version}");
        Assert.Equal(1, engine.TotalProfiles);
    }

    [Fact]
    public async Task RetiredId_PointsAtThePieceHoldingItsSmallestRemainingRecord()
    {
        EngineFixture.WriteCrm(_temp.Path);
        await using var engine = EngineFixture.NewEngine(_temp.Path, configure: o =>
        {
            var mapping = o.Channels["crm"].Mapping;
            mapping["date_of_birth"] = "dob";
            mapping["loyalty_id"] = "loyalty";
            mapping["customer_id"] = "cust";
            o.Rules.Add(new IdentifierRuleOptions { Name = "cust", Attribute = "customer_id" });
        });
        await engine.IngestRecordAsync("crm", Lee("k0", "Ann", "1980-01-01", loyalty: "L0"));
        await engine.IngestRecordAsync("crm", Lee("k2", "Bob", "1990-02-02", email: "e1@example.org", phone: "+14155550132", loyalty: "L2", customer: "C2"));
        await engine.IngestRecordAsync("crm", Lee("k4", "Ann", "1990-02-02", email: "e1@example.org", phone: "+14155550132", loyalty: "L0"));
        var old = engine.FindProfileIdByRecord("crm", "k2")!;

        await engine.IngestRecordAsync("crm", Lee("k1", "Bob", "1970-05-05", loyalty: "L2", customer: "C2"));

        Assert.Equal(engine.FindProfileIdByRecord("crm", "k2"), engine.GetProfile(old)!.Id);
    }

    [Fact]
    public async Task ResolveAllTwice_TheSecondChangesNothingAndTellsSinksNothing()
    {
        var rows = TangledPopulation.WithTimestamps(TangledPopulation.Rows(households: 60, seed: 3));
        var input = _temp.File("people.csv");
        await File.WriteAllLinesAsync(input, rows);
        var options = TangledPopulation.Options(_temp.Path, "data", input);
        await ModelTraining.TrainAsync(options, [("people", input)]);
        var sink = new ListSink();
        await using var engine = new StitcherEngine(options, [sink]);
        await engine.RunOnceAsync();
        await engine.ResolveAllAsync();
        var sequence = engine.ReadChanges().Max(c => c.Sequence);
        var delivered = sink.Deliveries;

        var again = await engine.ResolveAllAsync();

        Assert.Equal(again.ProfilesBefore, again.ProfilesAfter);
        Assert.Empty(engine.ReadChanges(sequence));
        Assert.Equal(delivered, sink.Deliveries);
    }

    private async Task<Dictionary<string, string>> IngestAsync(string data, params Dictionary<string, string?>[] records)
    {
        var model = _temp.File("model.json");
        if (!File.Exists(model))
        {
            var input = _temp.File("people.csv");
            await File.WriteAllLinesAsync(input, TangledPopulation.WithTimestamps(TangledPopulation.Rows(households: 120, seed: 3)));
            File.Copy((await ModelTraining.TrainAsync(TangledPopulation.Options(_temp.Path, "model-data", input), [("people", input)])).ModelPath, model);
        }
        var options = TangledPopulation.Options(_temp.Path, data, _temp.File("unused.csv"));
        options.Matching.LinkThreshold = 0.8;
        Directory.CreateDirectory(_temp.File(data));
        File.Copy(model, StitcherEngine.ModelPath(options));
        await using var engine = new StitcherEngine(options);
        Assert.True(engine.ProbabilisticMatching);
        foreach (var record in records)
        {
            await engine.IngestRecordAsync("people", record);
        }
        return records.Select(r => r["record_id"]!).Distinct().ToDictionary(id => id, id => engine.FindProfileIdByRecord("people", id)!);
    }

    private static Dictionary<string, string?> Row(string id, string at, string given, string surname, string dob, string street, string city, string postcode,
        string phone = "", string loyalty = "") => new()
    {
        ["record_id"] = id, ["timestamp"] = at, ["given_name"] = given, ["surname"] = surname, ["email"] = "", ["phone"] = phone,
        ["date_of_birth"] = dob, ["street"] = street, ["city"] = city, ["postcode"] = postcode, ["loyalty_id"] = loyalty, ["device_id"] = "",
    };

    private static Dictionary<string, string?> Crm(string id, string first, string last, string email, string at) =>
        new() { ["id"] = id, ["first"] = first, ["last"] = last, ["email"] = email, ["phone"] = "", ["updated"] = at };

    private static Dictionary<string, string?> Lee(string id, string first, string dob, string email = "", string phone = "", string loyalty = "", string customer = "") =>
        new()
        {
            ["id"] = id, ["first"] = first, ["last"] = "Lee", ["email"] = email, ["phone"] = phone, ["updated"] = "2026-01-01T00:00:00Z",
            ["dob"] = dob, ["loyalty"] = loyalty, ["cust"] = customer,
        };
}
