using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Ingest;
using Stitcher.Engine.Matching;
using Stitcher.Engine.Profiles;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Evaluation;

/// <summary>What <c>stitcher evaluate</c> measured.</summary>
public sealed record EvaluationReport(
    ClusterMetrics Metrics,
    long Records,
    long Rejected,
    long Profiles,
    long CandidatePairs,
    int OversizedBlocks,
    IReadOnlyDictionary<string, string> Mapping,
    TimeSpan TrainTime,
    TimeSpan LinkTime,
    TimeSpan WallTime,
    IReadOnlyDictionary<string, string> ProfileByRecord,
    TrainingReport Training,
    BlockingQuality Blocking)
{
    /// <summary>Per record in file order: its true entity and the profile it was stitched into.</summary>
    public required IReadOnlyList<RecordAssignment> Assignments { get; init; }

    /// <summary>What <c>--errors</c> found, by kind; null without it.</summary>
    public ErrorSummary? Errors { get; init; }

    /// <summary>Values kept normalized but unverified, per canonical attribute name (a phone in an unassigned range).</summary>
    public IReadOnlyDictionary<string, long> ValuesUnverified { get; init; } = new Dictionary<string, long>();
}

/// <summary>Where one labelled record ended up.</summary>
public readonly record struct RecordAssignment(string RecordId, string Entity, string Profile);

/// <summary>
/// How well blocking did: pairs completeness is the share of true pairs that share a blocking key (the most
/// recall any model could reach); reduction ratio is the share of all record pairs never compared.
/// </summary>
public sealed record BlockingQuality(double PairsCompleteness, double ReductionRatio, long TruePairsBlocked, long TruePairs, long AllPairs);

/// <summary>
/// Deduplicates a labelled CSV file in a fresh temporary store, exactly as the engine would ingest it (model
/// trained on the file without its labels, then online linking), and scores the clusters against the truth column.
/// </summary>
public static class LabelledFileEvaluator
{
    private const string Channel = "eval";

    public static async Task<EvaluationReport> EvaluateAsync(
        string input,
        string truthColumn,
        IReadOnlyDictionary<string, string>? mappingOverrides = null,
        string defaultRegion = "US",
        ILoggerFactory? loggerFactory = null,
        string? modelOutput = null,
        CancellationToken cancellationToken = default,
        string? errorsOutput = null)
    {
        var wall = Stopwatch.GetTimestamp();
        input = Path.GetFullPath(input);
        var headers = HeaderMapping.ReadHeader(input);
        if (!headers.Contains(truthColumn, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{input}' has no truth column '{truthColumn}' (columns: {string.Join(", ", headers)}).", nameof(truthColumn));
        }
        var mapping = HeaderMapping.Infer(headers, truthColumn, mappingOverrides);
        // Timestamps only decide golden values, not matches: an unreadable one must not reject a record here.
        var timestampName = CanonicalAttributes.NameOf(CanonicalAttribute.Timestamp);
        if (mappingOverrides is null || !mappingOverrides.Values.Contains(timestampName, StringComparer.OrdinalIgnoreCase))
        {
            mapping.Remove(timestampName);
        }
        // Without a record id column, records are known by their line.
        mapping.TryGetValue(CanonicalAttributes.NameOf(CanonicalAttribute.RecordId), out var idColumn);
        var temp = Path.Combine(Path.GetTempPath(), "stitcher-evaluate-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new StitcherOptions
            {
                BaseDirectory = temp,
                DataDirectory = "data",
                DefaultRegion = defaultRegion,
                BatchSize = 5000,
                Channels = { [Channel] = new ChannelOptions { Path = input, Format = ChannelFormats.Csv, Mapping = mapping } },
                Rules = IdentifierRules(mapping),
                Store = StoreSizing(new FileInfo(input).Length),
            };

            var trainStarted = Stopwatch.GetTimestamp();
            var (training, matchRecords) = await ModelTraining.TrainCoreAsync(options, [(Channel, input)], cancellationToken).ConfigureAwait(false);
            var trainTime = Stopwatch.GetElapsedTime(trainStarted);
            if (modelOutput is not null)
            {
                File.Copy(training.ModelPath, modelOutput, overwrite: true);
            }

            var linkStarted = Stopwatch.GetTimestamp();
            await using var engine = new StitcherEngine(options, null, loggerFactory);
            var summary = await engine.IngestFileAsync(Channel, input, cancellationToken).ConfigureAwait(false);
            var linkTime = Stopwatch.GetElapsedTime(linkStarted);

            var truth = await ReadTruthAsync(input, idColumn, truthColumn, cancellationToken).ConfigureAwait(false);
            var assignments = new List<(string, string)>(truth.Count);
            var records = new List<RecordAssignment>(truth.Count);
            var profileByRecord = new Dictionary<string, string>(truth.Count, StringComparer.Ordinal);
            foreach (var (recordId, entity) in truth)
            {
                // A rejected record stands alone: it is a miss for every pair it belongs to.
                var profile = engine.FindProfileIdByRecord(Channel, recordId) ?? "unlinked:" + recordId;
                assignments.Add((entity, profile));
                records.Add(new RecordAssignment(recordId, entity, profile));
                profileByRecord[recordId] = profile;
            }
            var blocking = MeasureBlocking(matchRecords, truth, engine.PairsScored);
            var errors = errorsOutput is null ? null : await ErrorAnalysis.WriteAsync(engine, Channel, records, errorsOutput, cancellationToken).ConfigureAwait(false);
            return new EvaluationReport(
                ClusterMetrics.Compute(assignments),
                summary.RecordsRead,
                summary.RecordsRejected,
                engine.TotalProfiles,
                engine.PairsScored,
                engine.OversizedBlocks,
                mapping,
                trainTime,
                linkTime,
                Stopwatch.GetElapsedTime(wall),
                profileByRecord,
                training,
                blocking)
            {
                Assignments = records,
                ValuesUnverified = summary.ValuesUnverified,
                Errors = errors,
            };
        }
        finally
        {
            try
            {
                Directory.Delete(temp, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    private static BlockingQuality MeasureBlocking(List<MatchRecord> records, List<(string RecordId, string Entity)> truth, long candidatePairs)
    {
        var entityByKey = new Dictionary<string, string>(truth.Count, StringComparer.Ordinal);
        foreach (var (recordId, entity) in truth)
        {
            entityByKey[StoreKeys.Record(Channel, recordId)] = entity;
        }
        var clusters = new Dictionary<string, List<MatchRecord>>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (entityByKey.TryGetValue(record.Key, out var entity))
            {
                if (!clusters.TryGetValue(entity, out var members))
                {
                    members = [];
                    clusters[entity] = members;
                }
                members.Add(record);
            }
        }
        long truePairs = 0, blocked = 0;
        foreach (var members in clusters.Values)
        {
            for (var i = 0; i < members.Count; i++)
            {
                for (var j = i + 1; j < members.Count; j++)
                {
                    truePairs++;
                    if (Blocking.ShareKey(members[i], members[j]))
                    {
                        blocked++;
                    }
                }
            }
        }
        long n = records.Count;
        var allPairs = n * (n - 1) / 2;
        return new BlockingQuality(
            truePairs == 0 ? 1 : (double)blocked / truePairs,
            allPairs == 0 ? 0 : 1 - ((double)candidatePairs / allPairs),
            blocked,
            truePairs,
            allPairs);
    }

    /// <summary>
    /// Trusted identifiers in the file link deterministically, as a configured channel would, with the default
    /// guard: a value that two clearly different people share (a household phone, a placeholder) links nobody.
    /// </summary>
    private static List<IdentifierRuleOptions> IdentifierRules(Dictionary<string, string> mapping)
    {
        var rules = new List<IdentifierRuleOptions>();
        foreach (var attribute in s_identifierAttributes)
        {
            var name = CanonicalAttributes.NameOf(attribute);
            if (mapping.ContainsKey(name))
            {
                rules.Add(new IdentifierRuleOptions { Name = name, Attribute = name });
            }
        }
        return rules;
    }

    private static readonly CanonicalAttribute[] s_identifierAttributes =
    [
        CanonicalAttribute.Email, CanonicalAttribute.Phone, CanonicalAttribute.CustomerId, CanonicalAttribute.LoyaltyId, CanonicalAttribute.DeviceId,
    ];

    private static StoreOptions StoreSizing(long fileBytes)
    {
        var memory = Math.Clamp(BitOperationsRoundUp(fileBytes * 64), 1L << 28, 1L << 33);
        return new StoreOptions { IndexSizeBytes = Math.Clamp(memory / 8, 1L << 20, 1L << 28), MemorySizeBytes = memory, PageSizeBytes = 1L << 22 };
    }

    private static long BitOperationsRoundUp(long value) => (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(value, 1));

    private static async Task<List<(string RecordId, string Entity)>> ReadTruthAsync(string input, string? idColumn, string truthColumn, CancellationToken cancellationToken)
    {
        // The truth column is read here only, after linking, into an attribute the evaluation never maps.
        var columns = new Dictionary<CanonicalAttribute, string> { [CanonicalAttribute.AccountId] = truthColumn };
        if (idColumn is not null)
        {
            columns[CanonicalAttribute.RecordId] = idColumn;
        }
        var mapping = new FieldMapping(columns);
        var sink = new TruthSink(input);
        await new CsvChannelReader(mapping).ReadAsync(input, SourcePosition.Start, sink, finalRead: true, cancellationToken).ConfigureAwait(false);
        return sink.Rows;
    }

    private sealed class TruthSink(string input) : IRawRecordSink
    {
        public List<(string, string)> Rows { get; } = [];

        public void OnRecord(in RawRecord record)
        {
            var id = record.Values[(int)CanonicalAttribute.RecordId] ?? StitcherEngine.LineRecordId(input, record.Line);
            if (id is not null)
            {
                Rows.Add((id, record.Values[(int)CanonicalAttribute.AccountId] ?? "none:" + id));
            }
        }

        public void OnMalformed(in MalformedRow row)
        {
        }
    }
}
