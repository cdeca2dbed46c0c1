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
