using System.Text.Json.Nodes;

namespace Stitcher.Host.Tests;

/// <summary>
/// The configuration the service-level tests (crash harness, full and read-only disks) run the real executable with:
/// one CRM channel read from <c>in/*.csv</c> (id, at, email, name), namesakes joined by email, checkpoints every second,
/// a CSV sink writing <c>out/profiles.csv</c>.
/// </summary>
internal static class ServiceTestConfig
{
    /// <summary>Writes <c>stitcher.json</c> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The configuration's folder: relative paths resolve against it.</param>
    /// <param name="changes">The CSV sink's <c>changes</c> setting: a folder, or <c>none</c>.</param>
    /// <param name="indexSizeBytes">The store's hash index size.</param>
    public static void Write(string directory, string changes, int indexSizeBytes)
    {
        var config = new JsonObject
        {
            ["Stitcher"] = new JsonObject
            {
                ["DataDirectory"] = "data",
                ["BatchSize"] = 500,
                ["CheckpointIntervalSeconds"] = 1,
                ["PollIntervalSeconds"] = 0.2,
                ["Channels"] = new JsonObject
                {
                    ["crm"] = new JsonObject
                    {
                        ["Path"] = "in",
                        ["Pattern"] = "*.csv",
                        ["Mapping"] = new JsonObject { ["record_id"] = "id", ["timestamp"] = "at", ["email"] = "email", ["given_name"] = "name" },
                    },
                },
                ["Rules"] = new JsonArray(new JsonObject { ["Name"] = "email", ["Attribute"] = "email", ["MaxPeople"] = 0 }),
                ["Sinks"] = new JsonObject
                {
                    ["out"] = new JsonObject { ["Plugin"] = "csv", ["Settings"] = new JsonObject { ["path"] = "out/profiles.csv", ["changes"] = changes } },
                },
                ["Store"] = new JsonObject { ["IndexSizeBytes"] = indexSizeBytes, ["MemorySizeBytes"] = 1 << 26, ["PageSizeBytes"] = 1 << 22 },
            },
        };
        File.WriteAllText(Path.Combine(directory, "stitcher.json"), config.ToJsonString());
    }
}
