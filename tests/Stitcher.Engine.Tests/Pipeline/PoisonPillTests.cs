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
}
