using BenchmarkDotNet.Running;
using Stitcher.Benchmarks.Backfill;
using Stitcher.Benchmarks.Delivery;
using Stitcher.Benchmarks.Latency;

// The end-to-end harnesses have their own command lines; everything else goes to BenchmarkDotNet.
if (args.Length > 0 && string.Equals(args[0], BackfillBenchmark.Command, StringComparison.OrdinalIgnoreCase))
{
    return await BackfillBenchmark.RunAsync(args[1..]);
}
if (args.Length > 0 && string.Equals(args[0], LabelledFileCommand.Command, StringComparison.OrdinalIgnoreCase))
{
    return await LabelledFileCommand.RunAsync(args[1..]);
}
if (args.Length > 0 && string.Equals(args[0], DeliveryBenchmark.Command, StringComparison.OrdinalIgnoreCase))
{
    return await DeliveryBenchmark.RunAsync(args[1..]);
}
if (args.Length > 0 && string.Equals(args[0], LatencyBenchmark.Command, StringComparison.OrdinalIgnoreCase))
{
    return await LatencyBenchmark.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
