using Stitcher.Engine.Profiles;

namespace Stitcher.Engine.Tests.Resolution;

/// <summary>Must-link and cannot-link decisions: honoured now, by every later resolution, after a restart, and in explain.</summary>
public sealed class ReviewerDecisionTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Reject_TwoRecordsSharingAnEmail_SplitsThemAndKeepsThemApartAfterARestart()
    {
        // A mother and a daughter of one name share the landline: the phone rule joins them.
        EngineFixture.WriteCrm(_temp.Path, "c1,Ann,Lee,,+14155550132,2026-01-01T00:00:00Z", "c2,Anne,Lee,anne@example.org,+14155550132,2026-01-02T00:00:00Z");
        var sink = new ListSink();
        await using (var engine = EngineFixture.NewEngine(_temp.Path, sink))
        {
            await engine.RunOnceAsync();
            Assert.Equal(engine.FindProfileIdByRecord("crm", "c1"), engine.FindProfileIdByRecord("crm", "c2"));

            Assert.True(await engine.DecideAsync("crm", "c1", "crm", "c2", samePerson: false));
            await engine.DrainSinksAsync();

            Assert.NotEqual(engine.FindProfileIdByRecord("crm", "c1"), engine.FindProfileIdByRecord("crm", "c2"));
            Assert.Equal(2, engine.TotalProfiles);
            // The sink heard of the piece that split off.
            Assert.Contains(engine.FindProfileIdByRecord("crm", "c2")!, sink.Latest.Keys);
            var evidence = engine.ExplainRecord("crm", "c1")!.Members.Single(m => m.RecordId == "c1").Evidence;
            Assert.Contains(evidence, e => e.Kind == EvidenceExplanation.Reviewer && e.OtherRecord == "crm:c2" && e.Reason.Contains("different people", StringComparison.Ordinal));
        }
        // A record with the landline and the daughter's email arrives after a restart: it may join one of them, never
        // both, and it shares more with the daughter.
        File.AppendAllText(Path.Combine(_temp.Path, "crm.csv"), "c3,Anne,Lee,anne@example.org,+14155550132,2026-02-01T00:00:00Z\r\n");
        await using (var reopened = EngineFixture.NewEngine(_temp.Path))
        {
            await reopened.RunOnceAsync();
            Assert.NotEqual(reopened.FindProfileIdByRecord("crm", "c1"), reopened.FindProfileIdByRecord("crm", "c2"));
            Assert.Equal(reopened.FindProfileIdByRecord("crm", "c2"), reopened.FindProfileIdByRecord("crm", "c3"));
        }
    }

    [Fact]
    public async Task Accept_TwoRecordsWithNothingInCommon_JoinsThemAndANewVersionStaysJoined()
    {
        EngineFixture.WriteCrm(_temp.Path, "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z", "c2,Annie,Lee-Park,annie@work.example,,2026-01-02T00:00:00Z");
        await using var engine = EngineFixture.NewEngine(_temp.Path);
        await engine.RunOnceAsync();
        Assert.NotEqual(engine.FindProfileIdByRecord("crm", "c1"), engine.FindProfileIdByRecord("crm", "c2"));

        Assert.True(await engine.DecideAsync("crm", "c2", "crm", "c1", samePerson: true));
        var joined = engine.FindProfileIdByRecord("crm", "c1");
        Assert.Equal(joined, engine.FindProfileIdByRecord("crm", "c2"));
        Assert.Equal(1, engine.TotalProfiles);

        // c2 changes (a new email): it leaves its profile and is linked again, and the decision still holds.
        File.AppendAllText(Path.Combine(_temp.Path, "crm.csv"), "c2,Annie,Lee-Park,annie@new.example,,2026-03-01T00:00:00Z\r\n");
        await engine.RunOnceAsync();
        Assert.Equal(engine.FindProfileIdByRecord("crm", "c1"), engine.FindProfileIdByRecord("crm", "c2"));

        // Deciding the other way replaces the decision.
        Assert.True(await engine.DecideAsync("crm", "c1", "crm", "c2", samePerson: false));
        Assert.NotEqual(engine.FindProfileIdByRecord("crm", "c1"), engine.FindProfileIdByRecord("crm", "c2"));
        Assert.False(await engine.DecideAsync("crm", "c1", "crm", "nope", samePerson: true));
    }
}
