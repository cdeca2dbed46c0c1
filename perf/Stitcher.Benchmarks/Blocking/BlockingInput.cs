using Stitcher.Benchmarks.Normalization;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Evaluation;
using Stitcher.Engine.Matching;
using Stitcher.Engine.Normalization;
using Stitcher.Engine.Schema;

namespace Stitcher.Benchmarks.Blocking;

/// <summary>
/// Match records prepared the way the engine prepares them: read by the channel reader, normalized, shared
/// identifier values found, then <see cref="MatchRecord.From(string, string?[], SharedValues)"/>.
/// </summary>
internal static class BlockingInput
{
    private const int Seed = 20240520;

    private static readonly string[] s_febrlFiles = ["febrl1.csv", "febrl2.csv", "febrl3.csv", "febrl4.csv"];

    /// <summary>
    /// <paramref name="count"/> records of the four FEBRL files (21,000 rows, one channel per file) in a fixed shuffled
    /// order: people with their duplicates, so blocks have the sizes record linkage meets. Names, address, birth date
    /// and national id; no email or phone.
    /// </summary>
    internal static async Task<MatchRecord[]> FebrlAsync(int count)
    {
        var options = new StitcherOptions();
        var inputs = new List<(string Channel, string File)>();
        foreach (var file in s_febrlFiles)
        {
            var path = FebrlPath(file);
            var channel = Path.GetFileNameWithoutExtension(file);
            options.Channels[channel] = new ChannelOptions
            {
                Path = path,
                Mapping = HeaderMapping.Infer(HeaderMapping.ReadHeader(path), "entity_id", null),
            };
            inputs.Add((channel, path));
        }
        var (records, _) = await ModelTraining.ReadAsync(options, inputs, CancellationToken.None);
        return Sample(records, count);
    }

    /// <summary>
    /// <paramref name="count"/> distinct people from <see cref="NormalizationInput"/>: half English, half Korean (Hangul
    /// names romanized for blocking), with emails and phones, so every blocking rule fires.
    /// </summary>
    internal static MatchRecord[] MixedEnKr(int count)
    {
        var normalizer = new RecordNormalizer("US", dayFirst: false, ["KR"]);
        var issues = new List<FieldIssue>();
        var normalized = new List<string?[]>(count);
        foreach (var raw in NormalizationInput.Records(count))
        {
            var values = new string?[CanonicalAttributes.Count];
            issues.Clear();
            if (normalizer.TryNormalize(raw, values, issues))
            {
                normalized.Add(values);
            }
        }
        var shared = SharedValues.Find(normalized);
        var records = new List<MatchRecord>(normalized.Count);
        foreach (var values in normalized)
        {
            records.Add(MatchRecord.From(string.Concat("R|mixed|", values[(int)CanonicalAttribute.RecordId]), values, shared));
        }
        return Sample(records, count);
    }

    private static MatchRecord[] Sample(List<MatchRecord> records, int count)
    {
        if (records.Count < count)
        {
            throw new InvalidOperationException($"Only {records.Count} records were accepted; the benchmark needs {count}.");
        }
        var shuffled = records.ToArray();
        new Random(Seed).Shuffle(shuffled);
        return shuffled[..count];
    }

    /// <summary>The FEBRL files live in shared/datasets/febrl beside the repository, as the engine tests expect.</summary>
    private static string FebrlPath(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "datasets", "febrl", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"FEBRL dataset {name} not found in a shared/datasets/febrl folder above {AppContext.BaseDirectory}.");
    }
}
