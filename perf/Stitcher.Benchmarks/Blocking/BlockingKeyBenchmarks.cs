using BenchmarkDotNet.Attributes;
using Stitcher.Engine.Matching;
// This folder's namespace hides the engine's Blocking class.
using BlockingRules = Stitcher.Engine.Matching.Blocking;

namespace Stitcher.Benchmarks.Blocking;

/// <summary>
/// <see cref="BlockingRules.Keys"/> over 20,000 prepared records: every rule's key for each record. Figures are per
/// record; each must allocate 0 B.
/// </summary>
[MemoryDiagnoser]
public class BlockingKeyBenchmarks
{
    private const int RecordCount = 20_000;

    private MatchRecord[] _febrl = [];
    private MatchRecord[] _mixed = [];

    [GlobalSetup]
    public async Task Setup()
    {
        _febrl = await BlockingInput.FebrlAsync(RecordCount);
        _mixed = BlockingInput.MixedEnKr(RecordCount);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RecordCount)]
    public ulong Keys_Febrl() => Keys(_febrl);

    [Benchmark(OperationsPerInvoke = RecordCount)]
    public ulong Keys_MixedEnKr() => Keys(_mixed);

    private static ulong Keys(MatchRecord[] records)
    {
        Span<ulong> keys = stackalloc ulong[BlockingRules.MaxKeys];
        var combined = 0UL;
        foreach (var record in records)
        {
            var count = BlockingRules.Keys(record, keys);
            for (var k = 0; k < count; k++)
            {
                combined ^= keys[k];
            }
        }
        return combined;
    }
}
