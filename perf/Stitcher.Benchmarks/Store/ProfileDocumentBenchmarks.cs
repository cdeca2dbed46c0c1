using System.Buffers;
using BenchmarkDotNet.Attributes;
using MessagePack;
using Stitcher.Engine.Profiles;
using Stitcher.Engine.Store;

namespace Stitcher.Benchmarks.Store;

/// <summary>
/// A profile document (<see cref="StoredProfile"/>) serialized and read back, as every link of a known person reads
/// one and every flush writes one. The profiles are built by survivorship from the store benchmark's channel records,
/// one or two records each, about the 1.7 members and 9 values of an average profile in a 1M backfill. Figures are per
/// profile.
/// </summary>
[MemoryDiagnoser]
public class ProfileDocumentBenchmarks
{
    private const int ProfileCount = 1_000;

    private StoredProfile[] _profiles = [];
    private byte[][] _documents = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);

    [GlobalSetup]
    public void Setup()
    {
        var records = KeyValueStoreBenchmarks.Records(2 * ProfileCount);
        _profiles = new StoredProfile[ProfileCount];
        for (var i = 0; i < ProfileCount; i++)
        {
            var profile = new StoredProfile { Id = $"P{i:x16}", MinRecordKey = StoreKeys.Record(records[2 * i].Channel, records[2 * i].RecordId) };
            foreach (var record in i % 3 == 0 ? [records[2 * i]] : new[] { records[2 * i], records[(2 * i) + 1] })
            {
                profile.Members.Add(new StoredMember { Channel = record.Channel, RecordId = record.RecordId, TimestampUtcTicks = record.TimestampUtcTicks });
                Survivorship.Default.Apply(profile, record, channelPriority: 0);
            }
            _profiles[i] = profile;
        }
        _documents = Array.ConvertAll(_profiles, profile => MessagePackSerializer.Serialize(profile, StoreSerializer.Options));
        Console.WriteLine($"// {_documents.Average(document => document.Length):F0} B per profile document");
    }

    [Benchmark(OperationsPerInvoke = ProfileCount)]
    public int Serialize()
    {
        _buffer.ResetWrittenCount();
        foreach (var profile in _profiles)
        {
            MessagePackSerializer.Serialize(_buffer, profile, StoreSerializer.Options);
        }
        return _buffer.WrittenCount;
    }

    [Benchmark(OperationsPerInvoke = ProfileCount)]
    public int Deserialize()
    {
        var members = 0;
        foreach (var document in _documents)
        {
            members += MessagePackSerializer.Deserialize<StoredProfile>(document, StoreSerializer.Options).Members.Count;
        }
        return members;
    }
}
