using Stitcher.Host.Commands;

namespace Stitcher.Host;

/// <summary>The <c>stitcher</c> executable: a service (<c>run</c>) and bulk commands.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => StitcherCommandLine.Build().Parse(args).InvokeAsync();
}
