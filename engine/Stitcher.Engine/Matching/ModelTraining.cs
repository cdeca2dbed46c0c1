using Stitcher.Engine.Configuration;
using Stitcher.Engine.Ingest;
using Stitcher.Engine.Normalization;
using Stitcher.Engine.Pipeline;
using Stitcher.Engine.Profiles;
using Stitcher.Engine.Resolution;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Matching;

/// <summary>What <c>stitcher train</c> did.</summary>
public sealed record TrainingReport(string ModelPath, int Records, long CandidatePairs, long RandomPairs, int EmIterations, double Prior, TimeSpan Elapsed,
    TimeSpan ReadTime, TrainingTimings Timings)
{
    /// <summary>The records the model was estimated on: all of them, or a hash-chosen sample of <c>Matching:TrainingSampleRecords</c>.</summary>
    public int SampledRecords { get; init; }

    /// <summary>Whether EM settled before its iteration cap.</summary>
    public bool EmConverged { get; init; }

    /// <summary>Whether EM's match class did not look like "same person" and documented m priors were used.</summary>
    public bool EmFallback { get; init; }

    /// <summary>How EM ended, in words: converged, fell back to priors, or stopped at the cap.</summary>
    public string EmOutcome => (EmFallback, EmConverged) switch
    {
        (false, true) => $"EM converged in {EmIterations} iterations",
        (false, false) => $"EM stopped at its cap of {EmIterations} iterations without converging",
        (true, true) => $"EM's match class did not look like the same person; fell back to documented m priors (u and prior converged in {EmIterations} iterations)",
        (true, false) => $"EM's match class did not look like the same person; fell back to documented m priors (u and prior stopped at the cap of {EmIterations} iterations)",
    };
}

/// <summary>Trains the probabilistic model from channel files and saves it where the engine looks for it.</summary>
public static class ModelTraining
{
    /// <summary>
    /// Reads <paramref name="inputs"/> (each with the channel whose mapping reads it), estimates the model without
    /// labels and saves it as JSON at <see cref="StitcherEngine.ModelPath"/>.
    /// </summary>
    public static async Task<TrainingReport> TrainAsync(StitcherOptions options, IReadOnlyList<(string Channel, string File)> inputs, CancellationToken cancellationToken = default) =>
        (await TrainCoreAsync(options, inputs, cancellationToken).ConfigureAwait(false)).Report;

    /// <summary>Trains and also hands back the records as the matcher saw them (for blocking diagnostics).</summary>
    internal static async Task<(TrainingReport Report, List<MatchRecord> Records)> TrainCoreAsync(StitcherOptions options, IReadOnlyList<(string Channel, string File)> inputs, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var records = await ReadAsync(options, inputs, cancellationToken).ConfigureAwait(false);
        var readTime = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (records.Records.Count < 2)
        {
            throw new InvalidOperationException("Training needs at least two readable records.");
        }
        // The records are in hash order: the first ones are a sample that depends only on which records there are.
        var sample = records.Records.Count > options.Matching.TrainingSampleRecords
            ? records.Records.GetRange(0, options.Matching.TrainingSampleRecords)
            : records.Records;
        var model = ModelTrainer.Train(sample, out var timings,
            maxBlockSize: options.Matching.MaxBlockSize, maxCandidates: options.Matching.MaxCandidates,
            scale: (double)records.Records.Count / sample.Count);
        model.SharedValues = records.Shared.ToDictionary();
        var path = StitcherEngine.ModelPath(options);
        model.Save(path);
        return (new TrainingReport(path, records.Records.Count, model.CandidatePairs, model.RandomPairs, model.EmIterations, model.Prior,
            System.Diagnostics.Stopwatch.GetElapsedTime(started), readTime, timings)
        { EmConverged = model.EmConverged, EmFallback = model.EmFallback, SampledRecords = sample.Count }, records.Records);
    }

    /// <summary>Reads and normalizes the inputs, finds the shared identifier values, and builds the matcher's records.</summary>
    internal static async Task<(List<MatchRecord> Records, SharedValues Shared)> ReadAsync(StitcherOptions options, IReadOnlyList<(string Channel, string File)> inputs, CancellationToken cancellationToken)
    {
        var normalizer = new RecordNormalizer(options.DefaultRegion, options.DayFirstDates, options.FallbackPhoneRegions);
        var normalized = new List<(string Key, string?[] Values)>();
        foreach (var (channel, file) in inputs)
        {
            if (!options.Channels.TryGetValue(channel, out var channelOptions))
            {
                throw new ArgumentException($"Channel '{channel}' is not configured.", nameof(inputs));
            }
            var source = new ChannelSource(channel, channelOptions, options);
            var sink = new Collector(channel, Path.GetFullPath(file), normalizer, normalized);
            await source.Reader.ReadAsync(Path.GetFullPath(file), SourcePosition.Start, sink, finalRead: true, cancellationToken).ConfigureAwait(false);
        }
        CanonicalOrder(normalized);
        var values = new List<string?[]>(normalized.Count);
        foreach (var (_, record) in normalized)
        {
            values.Add(record);
        }
        var shared = SharedValues.Find(values);
        var records = new List<MatchRecord>(normalized.Count);
        foreach (var (key, record) in normalized)
        {
            records.Add(MatchRecord.From(key, record, shared));
        }
        return (records, shared);
    }

    /// <summary>
    /// Puts the training records in an order that depends only on what they are, not on where they stood in the
    /// files: one version per record key (the latest timestamp, then the greatest values, as ingest keeps it), ordered by
    /// a hash of the key (a fair shuffle, so the block limits meet records as an online run would), then by the key.
    /// Training on any permutation of the same records then gives the same model file.
    /// </summary>
    internal static void CanonicalOrder(List<(string Key, string?[] Values)> records)
    {
        var hashed = new (ulong Hash, string Key, string?[] Values)[records.Count];
        for (var i = 0; i < hashed.Length; i++)
        {
            hashed[i] = (RecordKeyHash(records[i].Key), records[i].Key, records[i].Values);
        }
        Array.Sort(hashed, static (a, b) =>
        {
            var byHash = a.Hash.CompareTo(b.Hash);
            if (byHash != 0)
            {
                return byHash;
            }
            var byKey = string.CompareOrdinal(a.Key, b.Key);
            // The later version first, so that the first of each key is the one kept.
            return byKey != 0 ? byKey : RecordVersion.Compare(b.Values, a.Values);
        });
        records.Clear();
        for (var i = 0; i < hashed.Length; i++)
        {
            if (i == 0 || !string.Equals(hashed[i].Key, hashed[i - 1].Key, StringComparison.Ordinal))
            {
                records.Add((hashed[i].Key, hashed[i].Values));
            }
        }
    }

    private static ulong RecordKeyHash(string key) =>
        System.IO.Hashing.XxHash64.HashToUInt64(System.Runtime.InteropServices.MemoryMarshal.AsBytes(key.AsSpan()));

    private sealed class Collector(string channel, string file, RecordNormalizer normalizer, List<(string Key, string?[] Values)> records) : IRawRecordSink
    {
        private const string PlaceholderTimestamp = "1970-01-01T00:00:00Z";
        private readonly List<FieldIssue> _issues = [];

        public void OnRecord(in RawRecord record)
        {
            record.Values[(int)CanonicalAttribute.Timestamp] ??= PlaceholderTimestamp;
            record.Values[(int)CanonicalAttribute.RecordId] ??= StitcherEngine.LineRecordId(file, record.Line);
            var normalized = new string?[CanonicalAttributes.Count];
            _issues.Clear();
            if (normalizer.TryNormalize(record.Values, normalized, _issues))
            {
                records.Add((StoreKeys.Record(channel, normalized[(int)CanonicalAttribute.RecordId]!), normalized));
            }
        }

        public void OnMalformed(in MalformedRow row)
        {
        }
    }
}
