using Stitcher.Engine.Configuration;
using Stitcher.Engine.Matching;
using Stitcher.Engine.Pipeline;

namespace Stitcher.Engine.Tests.Resolution;

/// <summary>Train, then resolve: the stored records take the profiles a fresh ingest with the new model gives them.</summary>
public sealed class ResolveAllTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ResolveAll_AfterTraining_GivesTheProfilesOfAFreshIngestWithTheModel()
    {
        var rows = TangledPopulation.WithTimestamps(TangledPopulation.Rows(households: 120, seed: 3));
        var input = _temp.File("people.csv");
        await File.WriteAllLinesAsync(input, rows);
        var ids = rows.Skip(1).Select(r => r[..r.IndexOf(',', StringComparison.Ordinal)]).ToList();

        // Ingested before any model: identifiers only.
        var first = Options("first-data", input);
        Dictionary<string, string> before;
        await using (var engine = new StitcherEngine(first))
        {
            Assert.False(engine.ProbabilisticMatching);
            await engine.RunOnceAsync();
            before = ids.ToDictionary(id => id, id => engine.FindProfileIdByRecord("people", id)!);
        }
        var training = await ModelTraining.TrainAsync(first, [("people", input)]);

        Dictionary<string, string> resolved;
        ResolveSummary summary;
        await using (var engine = new StitcherEngine(first))
        {
            Assert.True(engine.ProbabilisticMatching);
            summary = await engine.ResolveAllAsync();
            resolved = ids.ToDictionary(id => id, id => engine.FindProfileIdByRecord("people", id)!);
        }
        var fresh = Options("fresh-data", input);
        Directory.CreateDirectory(_temp.File("fresh-data"));
        File.Copy(training.ModelPath, StitcherEngine.ModelPath(fresh));
        Dictionary<string, string> ingested;
        await using (var engine = new StitcherEngine(fresh))
        {
            await engine.RunOnceAsync();
            ingested = ids.ToDictionary(id => id, id => engine.FindProfileIdByRecord("people", id)!);
        }

        Assert.Equal(ids.Count, summary.Records);
        // The model linked what the identifiers alone did not.
        Assert.True(summary.ProfilesAfter < summary.ProfilesBefore, $"{summary.ProfilesBefore} -> {summary.ProfilesAfter}");
        Assert.NotEqual(before, resolved);
        var differ = ids.Where(id => resolved[id] != ingested[id]).ToList();
        Assert.True(differ.Count == 0, $"{differ.Count} records in other profiles than a fresh ingest gives, e.g. {string.Join(", ", differ.Take(5))}");
    }

    private StitcherOptions Options(string data, string input) => TangledPopulation.Options(_temp.Path, data, input);
}
