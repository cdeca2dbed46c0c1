using System.Diagnostics;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Ingest;
using Stitcher.Engine.Normalization;
using Stitcher.Engine.Schema;

namespace Stitcher.Benchmarks.Backfill;

/// <summary>Seconds the engine's public front stages take on their own over the same files.</summary>
/// <param name="ParseSeconds">Reading every file into raw records (CSV and NDJSON readers, mapped columns decoded).</param>
/// <param name="NormalizeSeconds">Normalizing those records, on top of parsing.</param>
internal sealed record StageFigures(double ParseSeconds, double NormalizeSeconds);

/// <summary>
/// A Stopwatch breakdown of a backfill without touching the engine: re-reads the generated files with the same
/// readers the engine builds, once only parsing and once parsing and normalizing. What the full run took beyond
/// both is linking, the store and the checkpoint. Runs warm (after the measured run), so it slightly flatters the
/// front stages compared with the cold run.
/// </summary>
internal static class StageTimings
{
    public static async Task<StageFigures> MeasureAsync(StitcherOptions options, GeneratedChannels generated)
    {
        var parse = await TimeAsync(options, generated, normalizer: null).ConfigureAwait(false);
        var parseAndNormalize = await TimeAsync(options, generated, new RecordNormalizer(options.DefaultRegion, options.DayFirstDates, options.FallbackPhoneRegions)).ConfigureAwait(false);
        return new StageFigures(parse.TotalSeconds, Math.Max(0, (parseAndNormalize - parse).TotalSeconds));
    }

    private static async Task<TimeSpan> TimeAsync(StitcherOptions options, GeneratedChannels generated, RecordNormalizer? normalizer)
    {
        var sink = new StageSink(normalizer);
        var watch = Stopwatch.StartNew();
        foreach (var file in generated.Files)
        {
            var reader = ReaderFor(options.Channels[file.Channel]);
            await reader.ReadAsync(file.Path, SourcePosition.Start, sink, finalRead: true, CancellationToken.None).ConfigureAwait(false);
        }
        return watch.Elapsed;
    }

    // As the engine's ChannelSource builds it.
    private static IChannelFileReader ReaderFor(ChannelOptions channel)
    {
        var mapping = new Dictionary<CanonicalAttribute, string>();
        foreach (var (attribute, source) in channel.Mapping)
        {
            if (CanonicalAttributes.TryParse(attribute, out var canonical))
            {
                mapping[canonical] = source;
            }
        }
        return string.Equals(channel.Format, "ndjson", StringComparison.OrdinalIgnoreCase)
            ? new NdjsonChannelReader(new FieldMapping(mapping))
            : new CsvChannelReader(new FieldMapping(mapping), channel.Delimiter[0]);
    }

    private sealed class StageSink(RecordNormalizer? normalizer) : IRawRecordSink
    {
        private readonly List<FieldIssue> _issues = new(4);

        public void OnRecord(in RawRecord record)
        {
            if (normalizer is not null)
            {
                // A fresh array per record, as the engine allocates one.
                _issues.Clear();
                normalizer.TryNormalize(record.Values, new string?[CanonicalAttributes.Count], _issues);
            }
        }

        public void OnMalformed(in MalformedRow row)
        {
        }
    }
}
