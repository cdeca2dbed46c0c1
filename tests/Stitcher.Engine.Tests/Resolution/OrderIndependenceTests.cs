using Stitcher.Engine.Configuration;
using Stitcher.Engine.Matching;

namespace Stitcher.Engine.Tests.Resolution;

/// <summary>
/// Sequence neutrality: any permutation of the same records gives the same model file and puts every record in the
/// same profile, under the same id, as the file in its first order does.
/// </summary>
public sealed class OrderIndependenceTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Train_PermutationsWithARecordSentTwice_SaveTheSameModelFile()
    {
        var rows = TangledPopulation.Rows(households: 60, seed: 7);
        // A changed re-send of one record: the later timestamp wins wherever it stands.
        rows = [rows[0].Replace("record_id,", "record_id,timestamp,", StringComparison.Ordinal),
            .. rows.Skip(1).Select(r => r.Insert(r.IndexOf(',', StringComparison.Ordinal), ",2024-01-01T00:00:00Z"))];
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
}
