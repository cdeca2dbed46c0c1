using BenchmarkDotNet.Running;
using Stitcher.Benchmarks.Backfill;

// The end-to-end harness has its own command line; everything else goes to BenchmarkDotNet.
if (args.Length > 0 && string.Equals(args[0], BackfillBenchmark.Command, StringComparison.OrdinalIgnoreCase))
{
    return await BackfillBenchmark.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
