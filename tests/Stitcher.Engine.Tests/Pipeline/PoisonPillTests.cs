using System.Text.Json;

namespace Stitcher.Engine.Tests.Pipeline;

/// <summary>Records the store cannot hold are refused one by one, never the batch they came in.</summary>
public sealed class PoisonPillTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RecordLargerThanMaxRecordBytes_IsDeadLetteredWithItsSize_AndTheRestOfItsBatchIsStitched()
    {
        // A 1 MiB name in a store of 64 KiB pages (MaxRecordBytes 8 KiB by default), between two good rows of one batch.
        var huge = new string('x', 1 << 20);
        EngineFixture.WriteCrm(_temp.Path,
            "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z",
            $"c2,{huge},Lee,big@example.org,,2026-01-02T00:00:00Z",
            "c3,Ann,Lee,ann@example.org,+14155550132,2026-01-03T00:00:00Z");
        EngineFixture.WritePos(_temp.Path);
        await using (var engine = EngineFixture.NewEngine(_temp.Path, configure: o => o.BatchSize = 10))
        {
            var summary = await engine.RunOnceAsync();

            Assert.False(summary.HasFailures);
            Assert.Equal((3L, 1L), (summary.RecordsRead, summary.RecordsRejected));
            Assert.Equal(engine.FindProfileIdByRecord("crm", "c1"), engine.FindProfileIdByRecord("crm", "c3"));
            Assert.Null(engine.FindProfileIdByRecord("crm", "c2"));
            var letter = JsonDocument.Parse(File.ReadAllLines(engine.DeadLetterPath("crm")).Single()).RootElement;
            Assert.Equal(("first", 3L, "rejected"), (letter.GetProperty("field").GetString(), letter.GetProperty("line").GetInt64(), letter.GetProperty("kind").GetString()));
            Assert.Contains("more than MaxRecordBytes (8,192)", letter.GetProperty("reason").GetString(), StringComparison.Ordinal);
            // A bounded prefix of the row, not the whole megabyte.
            var raw = letter.GetProperty("raw").GetString()!;
            Assert.InRange(raw.Length, 64 * 1024, 65 * 1024);
            Assert.EndsWith("more characters]", raw, StringComparison.Ordinal);
        }

        // Nothing is left to fail after a restart, and nothing is read twice.
        await using (var reopened = EngineFixture.NewEngine(_temp.Path))
        {
            var again = await reopened.RunOnceAsync();
            Assert.Equal((0L, 2L), (again.RecordsRead, reopened.TotalRecords));
        }
    }

    [Fact]
    public async Task RecordLargerThanMaxRecordBytes_ThroughTheApi_IsNotAcceptedAndSaysWhy()
    {
        await using var engine = EngineFixture.NewEngine(_temp.Path, configure: o => o.MaxRecordBytes = 2048);

        var result = await engine.IngestRecordAsync("crm", new Dictionary<string, string?> { ["id"] = "c9", ["first"] = "Ann", ["last"] = new string('y', 4000) });

        Assert.False(result.Accepted);
        Assert.Contains(result.Issues, i => i.StartsWith("last: the record holds", StringComparison.Ordinal) && i.Contains("MaxRecordBytes (2,048)", StringComparison.Ordinal));
        Assert.Equal(0, engine.TotalRecords);
    }

    [Fact]
    public async Task ChainOfRecordsThroughManyValues_StopsAtMaxProfileBytes_InAnyOrder_AndNothingFailsToBeWritten()
    {
        // Each record shares its email with the next and its phone with the one before: one chain of 800 records
        // through 800 values, none held by more than two. Whole, its profile would not fit a 64 KiB page, and the
        // batch failed with "Entry does not fit on page" on every restart.
        var rows = Enumerable.Range(0, 800).Select(i => $"c{i:D4},Ann,Lee,a{i / 2}@example.org,+1415555{(i + 1) / 2:D4},2026-01-01T00:00:00Z").ToArray();
        var maps = new List<Dictionary<string, string>>();
        foreach (var order in new[] { rows, rows.Reverse().ToArray() })
        {
            using var temp = new TempDirectory();
            EngineFixture.WriteCrm(temp.Path, order);
            EngineFixture.WritePos(temp.Path);
            await using var engine = EngineFixture.NewEngine(temp.Path, configure: o => o.BatchSize = 100);

            var summary = await engine.RunOnceAsync();

            Assert.False(summary.HasFailures);
            Assert.Equal(800L, engine.TotalRecords);
            var map = Enumerable.Range(0, 800).ToDictionary(i => $"c{i:D4}", i => engine.FindProfileIdByRecord("crm", $"c{i:D4}")!);
            var profiles = map.Values.Distinct().Select(id => engine.GetProfile(id)!).ToList();
            Assert.InRange(profiles.Count, 2, 60);
            Assert.Equal(800, profiles.Sum(p => p.Records.Count));
            // The links the limit refused say so, where the chain was cut.
            var explained = engine.Explain(profiles[0].Id)!;
            Assert.Contains(explained.Members.SelectMany(m => m.Evidence), e => e.Kind == "refused" && e.Reason.Contains("MaxProfileBytes (32,768 bytes)", StringComparison.Ordinal));
            maps.Add(map);
        }
        Assert.Equal(maps[0], maps[1]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task IdentifierHeldByMoreThanMaxRecords_StopsLinkingInAnyOrder_AndIsReported(int rotation)
    {
        // Six till receipts on the shop's own loyalty card: anonymous, nothing else in common. With MaxRecords 4 the
        // card stops linking; the receipts stand alone whichever order they came in.
        var rows = Enumerable.Range(1, 6).Select(i => $"r{i},SHOPCARD,,2026-02-0{i}T10:00:00Z,").ToList();
        rows = [.. rows.Skip(rotation * 2), .. rows.Take(rotation * 2)];
        EngineFixture.WriteCrm(_temp.Path);
        EngineFixture.WritePos(_temp.Path, [.. rows]);
        await using var engine = EngineFixture.NewEngine(_temp.Path, configure: o => o.Rules.Single(r => r.Name == "loyalty").MaxRecords = 4);

        var summary = await engine.RunOnceAsync();

        Assert.Equal(1, summary.IdentifiersDisabled);
        Assert.Equal((6L, 6L), (engine.TotalRecords, engine.TotalProfiles));
        // The records that came after the card stopped linking say why they stand alone.
        var evidence = Enumerable.Range(1, 6).SelectMany(i => engine.ExplainRecord("pos", $"r{i}")!.Members.Single().Evidence);
        Assert.Contains(evidence, e => e.Kind == "refused" && e.Reason.Contains("held by more than 4 records", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IdentifierWithinMaxRecords_StillLinks()
    {
        EngineFixture.WriteCrm(_temp.Path);
        EngineFixture.WritePos(_temp.Path, [.. Enumerable.Range(1, 4).Select(i => $"r{i},CARD7,,2026-02-0{i}T10:00:00Z,")]);
        await using var engine = EngineFixture.NewEngine(_temp.Path, configure: o => o.Rules.Single(r => r.Name == "loyalty").MaxRecords = 4);

        var summary = await engine.RunOnceAsync();

        Assert.Equal((0, 1L), (summary.IdentifiersDisabled, engine.TotalProfiles));
    }
}
