using Stitcher.Engine.Configuration;
using Stitcher.Engine.Evaluation;
using Stitcher.Engine.Matching;

namespace Stitcher.Engine.Tests.Resolution;

/// <summary>
/// Sequence neutrality: any permutation of the same records gives the same model file and puts every record in the
/// same profile, under the same id, as the file in its first order does.
/// </summary>
public sealed class OrderIndependenceTests : IDisposable
{
    private const int Permutations = 20;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Train_PermutationsWithARecordSentTwice_SaveTheSameModelFile()
    {
        var rows = TangledPopulation.Rows(households: 60, seed: 7);
        // A changed re-send of one record: the later timestamp wins wherever it stands.
        rows = TangledPopulation.WithTimestamps(rows);
        rows.Add(rows[1].Replace("2024-01-01T00:00:00Z", "2025-06-01T00:00:00Z", StringComparison.Ordinal).Replace(",Springfield,", ",Shelbyville,", StringComparison.Ordinal)
            .Replace(",Riverside,", ",Shelbyville,", StringComparison.Ordinal));
        string? first = null;
        for (var p = 0; p < 5; p++)
        {
            var options = new StitcherOptions
            {
                BaseDirectory = _temp.Path,
                DataDirectory = $"train-{p}",
                Channels =
                {
                    ["crm"] = new ChannelOptions
                    {
                        Path = _temp.File($"train-{p}.csv"),
                        Mapping = new Dictionary<string, string>
                        {
                            ["record_id"] = "record_id", ["timestamp"] = "timestamp", ["given_name"] = "given_name", ["surname"] = "surname",
                            ["email"] = "email", ["phone"] = "phone", ["date_of_birth"] = "date_of_birth", ["street"] = "street",
                            ["city"] = "city", ["postcode"] = "postcode",
                        },
                    },
                },
            };
            await File.WriteAllLinesAsync(options.Channels["crm"].Path, p == 0 ? rows : TangledPopulation.Shuffled(rows, seed: p));
            var report = await ModelTraining.TrainAsync(options, [("crm", options.Channels["crm"].Path)]);
            Assert.Equal(rows.Count - 2, report.Records);
            var model = await File.ReadAllTextAsync(report.ModelPath);
            first ??= model;
            Assert.Equal(first, model);
        }
    }

    [Fact]
    public async Task Train_OnASample_ChoosesTheSameRecordsInAnyOrder()
    {
        var rows = TangledPopulation.WithTimestamps(TangledPopulation.Rows(households: 400, seed: 9));
        Assert.True(rows.Count > 1500);
        string? first = null;
        for (var p = 0; p < 3; p++)
        {
            var input = _temp.File($"sample-{p}.csv");
            await File.WriteAllLinesAsync(input, p == 0 ? rows : TangledPopulation.Shuffled(rows, seed: p));
            var options = TangledPopulation.Options(_temp.Path, $"sample-data-{p}", input);
            options.Matching.TrainingSampleRecords = 1000;

            var report = await ModelTraining.TrainAsync(options, [("people", input)]);

            Assert.Equal((rows.Count - 1, 1000), (report.Records, report.SampledRecords));
            var model = await File.ReadAllTextAsync(report.ModelPath);
            Assert.Equal(1000, MatchModel.Load(report.ModelPath).TrainingRecords);
            first ??= model;
            Assert.Equal(first, model);
        }
    }

    [Fact]
    public async Task Evaluate_TwentyPermutationsOfATangledFile_GiveTheSameModelAndTheSameProfiles()
    {
        var rows = TangledPopulation.Rows(households: 160, seed: 15);
        var (firstModel, firstProfiles, firstReport) = await EvaluateAsync(rows, "order-0");
        // The file must be hard enough for order to matter: several multi-record profiles, and traps that refuse links.
        Assert.True(firstReport.Profiles < firstReport.Records * 0.8, $"{firstReport.Profiles} profiles of {firstReport.Records} records");
        for (var p = 1; p < Permutations; p++)
        {
            var (model, profiles, report) = await EvaluateAsync(TangledPopulation.Shuffled(rows, seed: p), $"order-{p}");
            Assert.Equal(firstModel, model);
            var moved = firstProfiles.Where(pair => profiles[pair.Key] != pair.Value).Select(pair => pair.Key).Order(StringComparer.Ordinal).ToList();
            string Group(Dictionary<string, string> map, string id) => string.Join(" | ", map.Where(x => x.Value == map[id]).Select(x => rows.First(r => r.StartsWith(x.Key + ",", StringComparison.Ordinal))));
            Assert.True(moved.Count == 0, $"permutation {p}: {moved.Count} records in other profiles than in the first order, e.g. {string.Join(", ", moved.Take(5))}\n"
                + string.Join("\n", moved.Take(3).Select(id => "FIRST: " + Group(firstProfiles, id) + "\nTHEN: " + Group(profiles, id))));
            // Pair counts, not the B-cubed averages: those sum per record in file order, so their last digit moves.
            Assert.Equal((firstReport.Metrics.PredictedPairs, firstReport.Metrics.CorrectPairs), (report.Metrics.PredictedPairs, report.Metrics.CorrectPairs));
        }
    }

    [Fact]
    public async Task Ingest_InTwoHalvesWithARestart_OrWithDeletesAndResends_GivesTheProfilesOfOneBatch()
    {
        var rows = TangledPopulation.WithTimestamps(TangledPopulation.Rows(households: 120, seed: 21));
        var ids = rows.Skip(1).Select(r => r[..r.IndexOf(',', StringComparison.Ordinal)]).ToList();
        var whole = _temp.File("whole.csv");
        await File.WriteAllLinesAsync(whole, rows);
        var model = (await ModelTraining.TrainAsync(TangledPopulation.Options(_temp.Path, "model-data", whole), [("people", whole)])).ModelPath;

        var batch = await IngestAsync("batch-data", [whole]);

        // Two halves of a shuffled file, the engine reopened between them.
        var shuffled = TangledPopulation.Shuffled(rows, seed: 5);
        var half = shuffled.Count / 2;
        var first = _temp.File("first.csv");
        var second = _temp.File("second.csv");
        await File.WriteAllLinesAsync(first, shuffled.Take(half));
        await File.WriteAllLinesAsync(second, [shuffled[0], .. shuffled.Skip(half)]);
        var halves = await IngestAsync("halves-data", [first], [second]);
        Assert.Equal(Moved(batch, halves), []);

        // Everything, then a fifth of the records deleted, then those sent again.
        var options = TangledPopulation.Options(_temp.Path, "resend-data", whole);
        Directory.CreateDirectory(_temp.File("resend-data"));
        File.Copy(model, StitcherEngine.ModelPath(options));
        var resent = _temp.File("resent.csv");
        var dropped = ids.Where((_, i) => i % 5 == 2).ToHashSet(StringComparer.Ordinal);
        await File.WriteAllLinesAsync(resent, [rows[0], .. rows.Skip(1).Where(r => dropped.Contains(r[..r.IndexOf(',', StringComparison.Ordinal)]))]);
        Dictionary<string, string> again;
        await using (var engine = new StitcherEngine(options))
        {
            await engine.IngestFileAsync("people", whole);
            foreach (var id in dropped)
            {
                Assert.True(await engine.DeleteRecordAsync("people", id));
            }
            Assert.Equal(ids.Count - dropped.Count, engine.TotalRecords);
            await engine.IngestFileAsync("people", resent);
            again = ids.ToDictionary(id => id, id => engine.FindProfileIdByRecord("people", id)!);
        }
        Assert.Equal(Moved(batch, again), []);

        async Task<Dictionary<string, string>> IngestAsync(string data, params string[][] sessions)
        {
            var o = TangledPopulation.Options(_temp.Path, data, whole);
            Directory.CreateDirectory(_temp.File(data));
            File.Copy(model, StitcherEngine.ModelPath(o));
            Dictionary<string, string> map = [];
            foreach (var files in sessions)
            {
                await using var engine = new StitcherEngine(o);
                foreach (var file in files)
                {
                    await engine.IngestFileAsync("people", file);
                }
                map = ids.ToDictionary(id => id, id => engine.FindProfileIdByRecord("people", id) ?? "missing");
            }
            return map;
        }
    }

    private static List<string> Moved(Dictionary<string, string> expected, Dictionary<string, string> actual) =>
        [.. expected.Where(pair => actual[pair.Key] != pair.Value).Select(pair => pair.Key).Order(StringComparer.Ordinal)];

    private async Task<(string Model, Dictionary<string, string> Profiles, EvaluationReport Report)> EvaluateAsync(List<string> rows, string name)
    {
        var path = _temp.File(name + ".csv");
        await File.WriteAllLinesAsync(path, rows);
        var modelPath = _temp.File(name + ".model.json");
        var report = await LabelledFileEvaluator.EvaluateAsync(path, "person", modelOutput: modelPath);
        var profiles = report.Assignments.ToDictionary(a => a.RecordId, a => a.Profile, StringComparer.Ordinal);
        return (await File.ReadAllTextAsync(modelPath), profiles, report);
    }
}
