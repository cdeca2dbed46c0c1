using System.Globalization;
using System.Text.Unicode;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Stitcher.Benchmarks.Normalization;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Normalization;
using Stitcher.Engine.Profiles;
using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;

namespace Stitcher.Benchmarks.Store;

/// <summary>
/// <see cref="KeyValueStore"/> on a real FASTER log in a temp folder, pre-filled with 100,000 channel records
/// (<see cref="StoredRecord"/>, about 550 B of MessagePack each; the setup prints the figure) under their <c>R|channel|id</c> keys, all in memory.
/// Each invocation touches 1,000 keys spread over the log; figures are per key. Reads and in-place writes should
/// allocate nothing but the document read.
/// </summary>
[MemoryDiagnoser]
public class KeyValueStoreBenchmarks
{
    private const int StoredCount = 100_000;
    private const int KeysPerInvoke = 1_000;
    private const int Seed = 20240610;
    private const long IndexSizeBytes = 1L << 28;

    private string _directory = "";
    private KeyValueStore _store = null!;
    private StoredRecord[] _records = [];
    private string[] _hitKeys = [];
    private StoredRecord[] _hitRecords = [];
    private string[] _missKeys = [];
    private long _nextNewKey;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "stitcher-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var defaults = new StoreOptions();
        // The engine's memory and page sizes. The index is sized, as the backfill sizes it, for every key a run adds
        // (Write_NewKey adds millions): past about 7 keys per 64 B bucket FASTER allocates overflow buckets, which
        // would show as allocations per write.
        _store = new KeyValueStore(Path.Combine(_directory, "store"), IndexSizeBytes, defaults.MemorySizeBytes, defaults.PageSizeBytes, NullLogger.Instance);

        _records = Records(StoredCount);
        foreach (var record in _records)
        {
            _store.Write(StoreKeys.Record(record.Channel, record.RecordId), record);
        }
        var random = new Random(Seed);
        _hitKeys = new string[KeysPerInvoke];
        _hitRecords = new StoredRecord[KeysPerInvoke];
        _missKeys = new string[KeysPerInvoke];
        for (var i = 0; i < KeysPerInvoke; i++)
        {
            var record = _records[random.Next(_records.Length)];
            _hitKeys[i] = StoreKeys.Record(record.Channel, record.RecordId);
            _hitRecords[i] = record;
            // Same shape as a stored key, never written.
            _missKeys[i] = StoreKeys.Record(record.Channel, string.Concat(record.RecordId.AsSpan(0, 4), "9", record.RecordId.AsSpan(4)));
        }
        Console.WriteLine($"// {_records.Average(record => MessagePack.MessagePackSerializer.Serialize(record, StoreSerializer.Options).Length):F0} B per record document");
        if (!_store.TryRead<StoredRecord>(_hitKeys[0], out var stored) || stored.RecordId != _hitRecords[0].RecordId || _store.Contains(_missKeys[0]))
        {
            throw new InvalidOperationException("The pre-filled store does not hold what was written.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = KeysPerInvoke)]
    public int Contains_Hit() => Contains(_hitKeys);

    [Benchmark(OperationsPerInvoke = KeysPerInvoke)]
    public int Contains_Miss() => Contains(_missKeys);

    [Benchmark(OperationsPerInvoke = KeysPerInvoke)]
    public long TryRead_Hit()
    {
        long lines = 0;
        foreach (var key in _hitKeys)
        {
            if (_store.TryRead<StoredRecord>(key, out var record))
            {
                lines += record.SourceLine;
            }
        }
        return lines;
    }

    [Benchmark(OperationsPerInvoke = KeysPerInvoke)]
    public int TryRead_Miss()
    {
        var found = 0;
        foreach (var key in _missKeys)
        {
            if (_store.TryRead<StoredRecord>(key, out _))
            {
                found++;
            }
        }
        return found;
    }

    /// <summary>Upserts each record again under its key: same size, so FASTER updates it in place.</summary>
    [Benchmark(OperationsPerInvoke = KeysPerInvoke)]
    public void Write_ExistingKey()
    {
        for (var i = 0; i < KeysPerInvoke; i++)
        {
            _store.Write(_hitKeys[i], _hitRecords[i]);
        }
    }

    /// <summary>
    /// Writes each record under a key never written before, as linking a new record does: appended at the log's
    /// tail and added to the hash index. The log grows with every invocation; after about 500,000 writes it is past
    /// the in-memory size and every new page first has an old one flushed to disk, so most of the measurement is that
    /// steady state. Keys are formatted as UTF-8 on the stack, so nothing here allocates but the store.
    /// </summary>
    [Benchmark(OperationsPerInvoke = KeysPerInvoke)]
    public void Write_NewKey()
    {
        Span<byte> key = stackalloc byte[32];
        for (var i = 0; i < KeysPerInvoke; i++)
        {
            Utf8.TryWrite(key, CultureInfo.InvariantCulture, $"R|web|new-{_nextNewKey++:D9}", out var length);
            _store.Write(key[..length], _hitRecords[i]);
        }
    }

    private int Contains(string[] keys)
    {
        var found = 0;
        foreach (var key in keys)
        {
            if (_store.Contains(key))
            {
                found++;
            }
        }
        return found;
    }

    /// <summary>
    /// Channel records as the engine stores them: source spelling and normalized values, the profile they joined,
    /// where they were read, and one piece of identifier evidence for most of them.
    /// </summary>
    internal static StoredRecord[] Records(int count)
    {
        var normalizer = new RecordNormalizer("US", dayFirst: false, ["KR"]);
        var issues = new List<FieldIssue>();
        var random = new Random(Seed);
        var records = new List<StoredRecord>(count);
        foreach (var raw in NormalizationInput.Records(count))
        {
            var normalized = new string?[CanonicalAttributes.Count];
            issues.Clear();
            if (!normalizer.TryNormalize(raw, normalized, issues))
            {
                continue;
            }
            var recordId = normalized[(int)CanonicalAttribute.RecordId]!;
            var channel = recordId[..3];
            var record = new StoredRecord
            {
                Channel = channel,
                RecordId = recordId,
                TimestampUtcTicks = DateTimeOffset.Parse(normalized[(int)CanonicalAttribute.Timestamp]!, CultureInfo.InvariantCulture).UtcTicks,
                Display = raw,
                Normalized = normalized,
                ProfileId = ProfileId(random),
                SourceFile = $"/var/lib/stitcher/inbox/{channel}/{channel}_export_2024-03.csv",
                SourceLine = records.Count + 2,
            };
            if (normalized[(int)CanonicalAttribute.Email] is { } email && random.Next(4) != 0)
            {
                record.Evidence.Add(new StoredEvidence
                {
                    Kind = StoredEvidence.Identifier,
                    Rule = "email",
                    Value = email,
                    OtherRecord = StoreKeys.Record(channel, $"{channel}-{random.Next(count):D6}"),
                    OtherProfile = record.ProfileId,
                    Probability = 1,
                    Reason = "same email (email rule)",
                });
            }
            records.Add(record);
        }
        return [.. records];
    }

    private static string ProfileId(Random random) => string.Create(CultureInfo.InvariantCulture, $"P{(ulong)random.NextInt64():x16}");
}
