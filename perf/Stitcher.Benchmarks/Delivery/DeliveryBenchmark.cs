using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HdrHistogram;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stitcher.Benchmarks.Backfill;
using Stitcher.Engine;
using Stitcher.Engine.Configuration;
using Stitcher.Plugins;
using Stitcher.Plugins.Webhook;

namespace Stitcher.Benchmarks.Delivery;

/// <summary>
/// Delivery: a backfill of a synthetic customer base (as <c>backfill</c> generates it) with the webhook sink attached,
/// posting to a receiver on loopback in the same process (Kestrel, checking every signature as a customer's receiver
/// would). Reports events delivered per second over the delivery window, the lag of each request's newest event, and
/// how long the sink took to drain after the last record was stitched.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project perf/Stitcher.Benchmarks -- delivery [--records 1m] [--batch 500] [--checkpoint-seconds 10]</c>.
/// Sinks hear only of checkpointed changes, so the checkpoint interval bounds how soon delivery starts; matching is
/// deterministic (identifier rules), since the benchmark measures the outbox and the sink, not the matcher.
/// </remarks>
internal static class DeliveryBenchmark
{
    public const string Command = "delivery";

    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private const string Usage = """
        usage: delivery [--records N] [--batch B] [--checkpoint-seconds S] [--seed S]
          --records N             records backfilled (default 1m)
          --batch B               changes per webhook request (default 500)
          --checkpoint-seconds S  checkpoint interval during the backfill (default 10): sinks hear of what a checkpoint made durable
          --seed S                generator seed (default 20240601)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        long records = 1_000_000;
        var batch = 500;
        var checkpointSeconds = 10;
        ulong seed = 20_240_601;
        for (var i = 0; i < args.Length; i++)
        {
            var ok = i + 1 < args.Length && args[i] switch
            {
                "--records" => BackfillBenchmark.TryParseCount(args[++i], out records),
                "--batch" => int.TryParse(args[++i], out batch) && batch > 0,
                "--checkpoint-seconds" => int.TryParse(args[++i], out checkpointSeconds) && checkpointSeconds > 0,
                "--seed" => ulong.TryParse(args[++i], out seed),
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine(args[i] is "--help" or "-h" ? Usage : $"cannot read argument '{args[i]}'\n{Usage}");
                return args[i] is "--help" or "-h" ? 0 : 2;
            }
        }
        var work = Path.Combine(Path.GetTempPath(), "stitcher-delivery-" + Guid.NewGuid().ToString("N"));
        try
        {
            var markdown = await RunAsync(records, batch, checkpointSeconds, seed, work).ConfigureAwait(false);
            Console.WriteLine(markdown);
            var artifacts = Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts");
            Directory.CreateDirectory(artifacts);
            var path = Path.Combine(artifacts, $"delivery-{records}.md");
            await File.WriteAllTextAsync(path, markdown).ConfigureAwait(false);
            Console.Error.WriteLine($"Wrote {path}");
            return 0;
        }
        finally
        {
            BackfillBenchmark.TryDeleteDirectory(work);
        }
    }

    private static async Task<string> RunAsync(long records, int batch, int checkpointSeconds, ulong seed, string work)
    {
        Console.Error.WriteLine($"delivery: ~{records:N0} records, webhook batches of {batch}, checkpoint every {checkpointSeconds} s, working in {work}");
        var generated = new SyntheticChannelGenerator(seed, records).Write(Path.Combine(work, "input"));
        Console.Error.WriteLine($"  generated {generated.Rows:N0} rows of {generated.Persons:N0} people");
        await using var receiver = await Receiver.StartAsync().ConfigureAwait(false);

        var options = BackfillBenchmark.BuildOptions(work, generated, records);
        options.CheckpointIntervalSeconds = checkpointSeconds;
        options.Sinks["hook"] = new SinkOptions { Plugin = "webhook", BatchSize = batch, MaxAttempts = 0 };
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Url"] = receiver.Url, ["Secret"] = Secret };
        var sink = new WebhookSinkPlugin().CreateSink(new SinkContext("hook", settings, work, NullLoggerFactory.Instance));
        BackfillBenchmark.TryResetPeakWorkingSet();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        await using var engine = new StitcherEngine(options, [sink]);
        var watch = Stopwatch.StartNew();
        double? stitchedAt = null;
        long eventsAtStitched = 0;
        // Progress arrives after every batch: the last one is when stitching ended and only delivery was left.
        engine.Progress = new SynchronousProgress(_ =>
        {
            stitchedAt = watch.Elapsed.TotalSeconds;
            eventsAtStitched = receiver.Events;
        });
        using var cancel = new CancellationTokenSource();
        var progress = ReportProgressAsync(engine, receiver, watch, cancel.Token);
        var summary = await engine.RunOnceAsync().ConfigureAwait(false);
        var total = watch.Elapsed.TotalSeconds;
        await cancel.CancelAsync().ConfigureAwait(false);
        await progress.ConfigureAwait(false);
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var status = engine.SinkStatuses()[0];

        var window = receiver.LastAt - receiver.FirstAt;
        var rate = receiver.Events / Math.Max(window.TotalSeconds, 1e-9);
        var lag = receiver.Lag;
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        var invalid = receiver.InvalidSignatures;
        return $"""
            ## Delivery: {summary.RecordsRead:N0} records to a loopback webhook receiver

            | Metric | Value |
            |---|---|
            | Backfill | {summary.RecordsRead:N0} records into {engine.TotalProfiles:N0} profiles; stitched in {stitchedAt ?? total:F1} s, drained at {total:F1} s |
            | Events delivered | {receiver.Events:N0} in {receiver.Requests:N0} requests of up to {batch} ({status.Delivered:N0} by the outbox's count, of {status.Cursor:N0} changes in the log; {status.DeadLetters:N0} dead letters; {invalid:N0} bad signatures) |
            | Delivery window | {window.TotalSeconds:F1} s, first request to last |
            | Throughput | **{rate:N0} events/s** over that window |
            | Drain after stitching | {total - (stitchedAt ?? total):F1} s for {receiver.Events - eventsAtStitched:N0} events: **{(receiver.Events - eventsAtStitched) / Math.Max(total - (stitchedAt ?? total), 1e-9):N0} events/s** with the engine otherwise idle |
            | Lag of each request's newest event | p50 {lag.GetValueAtPercentile(50) / 1000.0:F2} s, p99 {lag.GetValueAtPercentile(99) / 1000.0:F2} s, max {lag.GetMaxValue() / 1000.0:F2} s (checkpoint interval {checkpointSeconds} s) |
            | CPU | {cpu:F1} s = {cpu / total:F2} cores busy, engine and receiver together |
            | Peak working set | {peak / (1024.0 * 1024 * 1024):F2} GiB |

            {Environment.ProcessorCount} cores, .NET {Environment.Version}. Run at {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.
            """;
    }

    private static async Task ReportProgressAsync(StitcherEngine engine, Receiver receiver, Stopwatch watch, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Console.Error.WriteLine($"  {watch.Elapsed.TotalSeconds:F0} s: {engine.TotalRecords:N0} records stored, {receiver.Events:N0} events received");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class SynchronousProgress(Action<Stitcher.Engine.Pipeline.IngestProgress> report) : IProgress<Stitcher.Engine.Pipeline.IngestProgress>
    {
        public void Report(Stitcher.Engine.Pipeline.IngestProgress value) => report(value);
    }

    /// <summary>A customer's receiver: checks the signature, reads the events, answers 204.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly byte[] _key = Convert.FromBase64String(Secret["whsec_".Length..]);
        private readonly LongHistogram _lag = new(3_600_000, 3);
        private readonly object _lock = new();
        private long _events;
        private long _requests;
        private long _invalid;

        private Receiver(WebApplication app) => _app = app;

        public string Url { get; private set; } = "";

        public long Events => Interlocked.Read(ref _events);

        public long Requests => Interlocked.Read(ref _requests);

        public long InvalidSignatures => Interlocked.Read(ref _invalid);

        public DateTimeOffset FirstAt { get; private set; }

        public DateTimeOffset LastAt { get; private set; }

        public LongHistogram Lag
        {
            get
            {
                lock (_lock)
                {
                    return _lag.Copy() as LongHistogram ?? _lag;
                }
            }
        }

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.MapPost("/hooks", receiver.HandleAsync);
            await app.StartAsync().ConfigureAwait(false);
            receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/hooks";
            return receiver;
        }

        private async Task HandleAsync(HttpContext context)
        {
            // The whole body, in the server's pooled buffers.
            var reader = context.Request.BodyReader;
            System.IO.Pipelines.ReadResult read;
            while (true)
            {
                read = await reader.ReadAsync().ConfigureAwait(false);
                if (read.IsCompleted)
                {
                    break;
                }
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
            var body = read.Buffer;
            var id = context.Request.Headers["webhook-id"].ToString();
            var timestamp = context.Request.Headers["webhook-timestamp"].ToString();
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
            hmac.AppendData(Encoding.UTF8.GetBytes($"{id}.{timestamp}."));
            foreach (var segment in body)
            {
                hmac.AppendData(segment.Span);
            }
            var expected = "v1," + Convert.ToBase64String(hmac.GetHashAndReset());
            if (context.Request.Headers["webhook-signature"].ToString() != expected)
            {
                reader.AdvanceTo(body.End);
                Interlocked.Increment(ref _invalid);
                context.Response.StatusCode = 401;
                return;
            }
            // One forward pass over the tokens, as a lean receiver would: count the events, find the newest change. Over
            // one contiguous copy of the body: the reader is several times slower across Kestrel's pooled segments.
            long count = 0;
            var newest = DateTimeOffset.MinValue;
            var length = checked((int)body.Length);
            var contiguous = body.IsSingleSegment ? null : ArrayPool<byte>.Shared.Rent(length);
            if (contiguous is not null)
            {
                body.CopyTo(contiguous);
            }
            var json = new Utf8JsonReader(contiguous is null ? body.FirstSpan : contiguous.AsSpan(0, length));
            while (json.Read())
            {
                if (json.TokenType == JsonTokenType.PropertyName && json.CurrentDepth == 3)
                {
                    if (json.ValueTextEquals("profile"u8))
                    {
                        json.Skip();
                    }
                    else if (json.ValueTextEquals("changed_at"u8) && json.Read())
                    {
                        count++;
                        var at = json.GetDateTimeOffset();
                        if (at > newest)
                        {
                            newest = at;
                        }
                    }
                }
            }
            if (contiguous is not null)
            {
                ArrayPool<byte>.Shared.Return(contiguous);
            }
            reader.AdvanceTo(body.End);
            var now = DateTimeOffset.UtcNow;
            lock (_lock)
            {
                if (_requests == 0)
                {
                    FirstAt = now;
                }
                LastAt = now;
                _lag.RecordValue(Math.Clamp((long)(now - newest).TotalMilliseconds, 0, 3_600_000));
            }
            Interlocked.Add(ref _events, count);
            Interlocked.Increment(ref _requests);
            context.Response.StatusCode = 204;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
