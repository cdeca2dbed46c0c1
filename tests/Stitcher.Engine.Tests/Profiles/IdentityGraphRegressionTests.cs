using Stitcher.Engine.Configuration;
using Stitcher.Engine.Profiles;
using Stitcher.Plugins;
using Xunit.Abstractions;

namespace Stitcher.Engine.Tests.Profiles;

/// <summary>Sequences found by review that broke the identity graph: updates, deletes, reclaimed ids, failed batches.</summary>
public sealed class IdentityGraphRegressionTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ITestOutputHelper _out;
    public IdentityGraphRegressionTests(ITestOutputHelper o) => _out = o;
    public void Dispose() => _temp.Dispose();

    private void Dump(StitcherEngine e, long after = 0)
    {
        foreach (var c in e.ReadChanges(after))
        {
            _out.WriteLine($"{c.Sequence} {c.Type} {c.ProfileId} {c.RelatedProfileId} v{c.Version}");
        }
    }

    [Fact]
    public async Task P1_SingletonRecordResentWithNewTimestamp()
    {
        WriteCrm("c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z");
        await using var engine = NewEngine();
        await engine.RunOnceAsync();
        File.AppendAllText(CrmPath, "c1,Ann,Lee,ann@example.org,,2026-02-01T00:00:00Z\r\n");
        var ex = await Record.ExceptionAsync(() => engine.RunOnceAsync());
        _out.WriteLine(ex?.ToString() ?? "no exception");
        Assert.Null(ex);
    }

    [Fact]
    public async Task P2_DeleteThenNewRecordSharingEmail()
    {
        WriteCrm("c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z");
        await using var engine = NewEngine();
        await engine.RunOnceAsync();
        Assert.True(await engine.DeleteRecordAsync("crm", "c1"));
        File.AppendAllText(CrmPath, "c2,Ann,Lee,ann@example.org,,2026-02-01T00:00:00Z\r\n");
        var ex = await Record.ExceptionAsync(() => engine.RunOnceAsync());
        _out.WriteLine(ex?.Message ?? "no exception");
        Assert.Null(ex);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DeleteOfOneOfTwoMembers_LeavesTheProfile_InTheStoreAndAtTheSink(bool reopen)
    {
        // The profile resolved again to the members of the copy the record had already left, so it looked unchanged
        // and was never written: the deleted record stayed listed, with its values, and no sink heard of it.
        WriteCrm("c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z", "c2,Ann,Lee,ann@example.org,+14155550132,2026-01-02T00:00:00Z");
        var sink = new ListSink();
        var engine = NewEngine(sink);
        await engine.RunOnceAsync();
        if (reopen)
        {
            await engine.DisposeAsync();
            engine = NewEngine(sink);
        }
        try
        {
            Assert.True(await engine.DeleteRecordAsync("crm", "c2"));
            await engine.DrainSinksAsync();

            var ann = engine.FindProfileByRecord("crm", "c1")!;
            Assert.Equal(["c1"], ann.Records.Select(r => r.RecordId));
            Assert.False(ann.Attributes.ContainsKey("phone"));
            Assert.Equal(["c1"], sink.Latest[ann.Id].Records.Select(r => r.RecordId));
            Assert.Equal((1L, 1L), (engine.TotalRecords, engine.TotalProfiles));
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    [Fact]
    public async Task ProfileRenamedAtEveryRecord_ResolvesFromItsFirstId_PastAnyNumberOfRenames()
    {
        // 150 records of one person in descending key order: each takes the profile's id (the smallest key), leaving an
        // alias per rename. A chain longer than 64 aliases was called corrupt, and the run failed.
        var rows = Enumerable.Range(0, 150).Reverse().Select(i => $"c{i:D3},Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z").ToArray();
        WriteCrm(rows);
        var sink = new ListSink();
        await using var engine = NewEngine(sink, o => (o.BatchSize, o.Store.PageSizeBytes) = (10, 1 << 20));

        var summary = await engine.RunOnceAsync();

        Assert.Equal((0L, 150L), (summary.FilesFailed, engine.TotalRecords));
        var ann = engine.FindProfileIdByRecord("crm", "c149")!;
        Assert.Equal(ann, engine.FindProfileIdByRecord("crm", "c000"));
        Assert.Equal(150, engine.GetProfile(ann)!.Records.Count);
        Assert.Equal([ann], sink.Latest.Keys);
    }

    [Fact]
    public async Task P3_RenameInsideOneBatch_NoCreatedEvent()
    {
        WriteCrm("c2,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z", "c1,Ann,Lee,ann@example.org,,2026-01-02T00:00:00Z");
        await using var engine = NewEngine();
        await engine.RunOnceAsync();
        Dump(engine);
        Assert.Contains(engine.ReadChanges(), c => c.Type == ChangeEventType.ProfileCreated);
    }

    [Fact]
    public async Task P4_UpdateOfMinKeyRecordInTwoMemberProfile()
    {
        WriteCrm("c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z", "c2,Ann,Lee,ann@example.org,,2026-01-02T00:00:00Z");
        var sink = new ListSink();
        await using var engine = NewEngine(sink);
        await engine.RunOnceAsync();
        var id = engine.FindProfileIdByRecord("crm", "c1")!;
        var seq = engine.ReadChanges().Last().Sequence;
        File.AppendAllText(CrmPath, "c1,Ann,Lee,ann@example.org,,2026-03-01T00:00:00Z\r\n");
        await engine.RunOnceAsync();
        Dump(engine, seq);
        _out.WriteLine($"id={id} now={engine.FindProfileIdByRecord("crm", "c1")} c2={engine.FindProfileIdByRecord("crm", "c2")} profiles={engine.TotalProfiles}");
        _out.WriteLine("sink latest: " + string.Join(",", sink.Latest.Keys) + " retired: " + string.Join(",", sink.Retired));
        Assert.True(sink.Latest.ContainsKey(id));
    }

    [Fact]
    public async Task P5_RefusedCandidateLosesItsIdentifier()
    {
        File.WriteAllText(CrmPath, "id,first,last,email,phone,dob,updated\r\n"
            + "c1,Ann,Lee,ann@example.org,,1980-01-01,2026-01-01T00:00:00Z\r\n"
            + "c2,Bob,Kim,,+14155550132,1990-02-02,2026-01-02T00:00:00Z\r\n");
        await using var engine = NewEngine(configure: o => o.Channels["crm"].Mapping["date_of_birth"] = "dob");
        await engine.RunOnceAsync();
        // x: Ann's email + Bob's phone; same dob as Bob (so it 'could be' Bob for the phone entry)
        File.AppendAllText(CrmPath, "c3,Ann,Lee,ann@example.org,+14155550132,1990-02-02,2026-01-03T00:00:00Z\r\n");
        await engine.RunOnceAsync();
        var ann = engine.FindProfileIdByRecord("crm", "c1");
        var bob = engine.FindProfileIdByRecord("crm", "c2");
        _out.WriteLine($"ann={ann} bob={bob} c3={engine.FindProfileIdByRecord("crm", "c3")}");
        Assert.NotEqual(ann, bob);
        // y: Bob again, by phone only
        File.AppendAllText(CrmPath, "c4,Bob,Kim,,+14155550132,1990-02-02,2026-01-04T00:00:00Z\r\n");
        await engine.RunOnceAsync();
        _out.WriteLine($"ann={engine.FindProfileIdByRecord("crm", "c1")} bob={engine.FindProfileIdByRecord("crm", "c2")} c4={engine.FindProfileIdByRecord("crm", "c4")}");
        Assert.Equal(engine.FindProfileIdByRecord("crm", "c2"), engine.FindProfileIdByRecord("crm", "c4"));
    }

    [Fact]
    public async Task P6_FailedBatchLeavesOrphanRecords()
    {
        WriteCrm("c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z");
        await using (var engine = NewEngine())
        {
            await engine.RunOnceAsync();
            // batch of 2: new c5, then c1 re-sent (crashes per P1)
            File.AppendAllText(CrmPath, "c5,Cy,Young,cy@example.org,,2026-02-01T00:00:00Z\r\nc1,Ann,Lee,ann@example.org,,2026-02-02T00:00:00Z\r\n");
            var ex = await Record.ExceptionAsync(() => engine.RunOnceAsync());
            _out.WriteLine(ex?.Message ?? "none");
            _out.WriteLine($"c5 profile={engine.FindProfileIdByRecord("crm", "c5")} view={(engine.FindProfileByRecord("crm", "c5") is null ? "null" : "ok")} records={engine.TotalRecords} profiles={engine.TotalProfiles}");
        }
        await using (var reopened = NewEngine())
        {
            _out.WriteLine($"after reopen: c1 view={(reopened.FindProfileByRecord("crm", "c1") is null ? "null" : "ok")} c1pid={reopened.FindProfileIdByRecord("crm", "c1")}");
            _out.WriteLine($"after reopen: c5 view={(reopened.FindProfileByRecord("crm", "c5") is null ? "null" : "ok")} records={reopened.TotalRecords}");
            Assert.NotNull(reopened.FindProfileByRecord("crm", "c5"));
        }
    }

    [Fact]
    public async Task P7_StaleIdentifierAfterUpdate()
    {
        // c1 and c2 share phone; c1 then changes its email. A new c3 with c1's OLD email joins, then ...
        WriteCrm("c1,Ann,Lee,old@example.org,+14155550132,2026-01-01T00:00:00Z", "c2,Ann,Lee,,+14155550132,2026-01-02T00:00:00Z");
        await using var engine = NewEngine();
        await engine.RunOnceAsync();
        File.AppendAllText(CrmPath, "c2,Ann,Lee,,+14155550132,2026-01-05T00:00:00Z\r\nc1,Ann,Lee,new@example.org,+14155550132,2026-02-01T00:00:00Z\r\n");
        var ex = await Record.ExceptionAsync(() => engine.RunOnceAsync());
        _out.WriteLine(ex?.Message ?? "none");
        File.AppendAllText(CrmPath, "c3,Ann,Lee,old@example.org,,2026-03-01T00:00:00Z\r\n");
        await engine.RunOnceAsync();
        _out.WriteLine($"c1={engine.FindProfileIdByRecord("crm", "c1")} c3={engine.FindProfileIdByRecord("crm", "c3")}");
        Assert.NotEqual(engine.FindProfileIdByRecord("crm", "c1"), engine.FindProfileIdByRecord("crm", "c3"));
    }

    [Fact]
    public async Task P8_ReclaimedIdHijacksAliasedIdentifiers()
    {
        // a and b share a phone; b also has email f.
        WriteCrm("a1,Ann,Lee,e@example.org,+14155550132,2026-01-01T00:00:00Z", "b1,Ann,Lee,f@example.org,+14155550132,2026-01-02T00:00:00Z");
        await using var engine = NewEngine();
        await engine.RunOnceAsync();
        // a1 re-sent with nothing in common with b1 any more
        File.AppendAllText(CrmPath, "a1,Ann,Lee,g@example.org,,2026-02-01T00:00:00Z\r\n");
        await engine.RunOnceAsync();
        _out.WriteLine($"a1={engine.FindProfileIdByRecord("crm", "a1")} b1={engine.FindProfileIdByRecord("crm", "b1")}");
        // c1 shares b1's email only
        File.AppendAllText(CrmPath, "c1,Ann,Lee,f@example.org,,2026-03-01T00:00:00Z\r\n");
        await engine.RunOnceAsync();
        _out.WriteLine($"a1={engine.FindProfileIdByRecord("crm", "a1")} b1={engine.FindProfileIdByRecord("crm", "b1")} c1={engine.FindProfileIdByRecord("crm", "c1")}");
        Assert.Equal(engine.FindProfileIdByRecord("crm", "b1"), engine.FindProfileIdByRecord("crm", "c1"));
    }

    [Fact]
    public async Task P9_ReclaimedIdHijacksMergedAlias()
    {
        WriteCrm("a1,Ann,Lee,ea@example.org,,2026-01-01T00:00:00Z", "k1,Ann,Lee,,+14155550132,2026-01-02T00:00:00Z", "m1,Ann,Lee,em@example.org,+14155550132,2026-01-03T00:00:00Z");
        await using var engine = NewEngine();
        await engine.RunOnceAsync();
        File.AppendAllText(CrmPath, "z1,Ann,Lee,ea@example.org,+14155550132,2026-01-04T00:00:00Z\r\n");
        await engine.RunOnceAsync();
        _out.WriteLine($"a1={engine.FindProfileIdByRecord("crm", "a1")} k1={engine.FindProfileIdByRecord("crm", "k1")} m1={engine.FindProfileIdByRecord("crm", "m1")} n={engine.TotalProfiles}");
        File.AppendAllText(CrmPath, "k1,Ann,Lee,kk@example.org,,2026-02-01T00:00:00Z\r\n");
        await engine.RunOnceAsync();
        _out.WriteLine($"a1={engine.FindProfileIdByRecord("crm", "a1")} k1={engine.FindProfileIdByRecord("crm", "k1")} m1={engine.FindProfileIdByRecord("crm", "m1")}");
        File.AppendAllText(CrmPath, "n1,Ann,Lee,em@example.org,,2026-03-01T00:00:00Z\r\n");
        await engine.RunOnceAsync();
        _out.WriteLine($"m1={engine.FindProfileIdByRecord("crm", "m1")} k1={engine.FindProfileIdByRecord("crm", "k1")} n1={engine.FindProfileIdByRecord("crm", "n1")}");
        Assert.Equal(engine.FindProfileIdByRecord("crm", "m1"), engine.FindProfileIdByRecord("crm", "n1"));
    }

    private string CrmPath => Path.Combine(_temp.Path, "crm.csv");
    private void WriteCrm(params string[] rows) => EngineFixture.WriteCrm(_temp.Path, rows);

    // The shared two-channel setup; these tests write only the CRM file.
    private StitcherEngine NewEngine(IProfileSink? sink = null, Action<StitcherOptions>? configure = null) =>
        EngineFixture.NewEngine(_temp.Path, sink, configure);
}
