using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stitcher.Host.Plugins;
using Stitcher.Plugins;

namespace Stitcher.Host.Tests.Plugins;

public sealed class SinkPluginLoaderTests : IDisposable
{
    private const string RecordingPluginName = "Stitcher.TestPlugins.Recording";

    private static readonly DateTimeOffset s_seen = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // Copied here by the CopyPluginsForLoaderTests target of the test project.
    private static string TestPluginsDirectory => Path.Combine(AppContext.BaseDirectory, "testplugins");

    private static string HostPluginsDirectory => Path.Combine(AppContext.BaseDirectory, "plugins");

    [Fact]
    public async Task LoadPlugins_RecordingPlugin_RunsInItsOwnLoadContextAndUnloadsOnDispose()
    {
        var loader = new SinkPluginLoader(NullLogger<SinkPluginLoader>.Instance);
        var context = await LoadAndWriteThroughRecordingPluginAsync(loader);

        loader.Dispose();

        AssertUnloads(context);
        GC.KeepAlive(loader);
    }

    [Fact]
    public async Task LoadPlugins_BundledCsvPlugin_WritesProfileAndUnloadsOnDispose()
    {
        Assert.True(File.Exists(Path.Combine(HostPluginsDirectory, "Stitcher.Plugins.Csv", "Stitcher.Plugins.Csv.dll")));
        Assert.False(File.Exists(Path.Combine(HostPluginsDirectory, "Stitcher.Plugins.Csv", "Stitcher.Plugins.Abstractions.dll")));
        using var loggerFactory = LoggerFactory.Create(_ => { });
        var loader = new SinkPluginLoader(loggerFactory.CreateLogger<SinkPluginLoader>());
        var context = await LoadAndWriteThroughCsvPluginAsync(loader, loggerFactory);

        loader.Dispose();

        AssertUnloads(context);
        GC.KeepAlive(loader);
        var lines = File.ReadAllLines(Path.Combine(_temp.Path, "out", "profiles.csv"));
        Assert.Equal(["profile_id,email,full_name,record_count,records,first_seen,last_seen,current_stage,accounts", "p-1,a@example.com,홍길동,1,web:w-1,2024-05-01T12:00:00.0000000Z,2024-05-01T12:00:00.0000000Z,,"], lines);
    }

    [Fact]
    public void LoadPlugins_SameNameInTwoDirectories_ThrowsNamingBothFilesAndUnloads()
    {
        var first = CopyRecordingPlugin("first");
        var second = CopyRecordingPlugin("second");

        using var loader = new SinkPluginLoader(NullLogger<SinkPluginLoader>.Instance);

        var ex = LoadExpectingFailure<InvalidOperationException>(loader, first, second);

        Assert.Contains("'recording'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(first, RecordingPluginName, RecordingPluginName + ".dll"), ex.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(second, RecordingPluginName, RecordingPluginName + ".dll"), ex.Message, StringComparison.Ordinal);
        // Nothing from the failed call stays loaded, while the loader itself lives on.
        AssertNoContextLoadedFrom(_temp.Path);
    }

    [Fact]
    public void LoadPlugins_FolderWithoutItsMainAssembly_ThrowsNamingTheFolder()
    {
        var directory = Path.Combine(_temp.Path, "plugins");
        var folder = Path.Combine(directory, "Broken");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "Other.dll"), "");

        var ex = LoadExpectingFailure<InvalidOperationException>(directory);

        Assert.Contains($"'{folder}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Broken.dll", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadPlugins_AssemblyThatIsNotDotNet_ThrowsNamingTheFolderAndUnloadsTheOthers()
    {
        var directory = CopyRecordingPlugin("plugins");
        var folder = Path.Combine(directory, "ZBroken");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "ZBroken.dll"), [0x4D, 0x5A, 0x00, 0x01, 0x02]);

        using var loader = new SinkPluginLoader(NullLogger<SinkPluginLoader>.Instance);

        var ex = LoadExpectingFailure<InvalidOperationException>(loader, directory);

        Assert.Contains($"'{folder}'", ex.Message, StringComparison.Ordinal);
        Assert.IsType<BadImageFormatException>(ex.InnerException);
        AssertNoContextLoadedFrom(_temp.Path);
        Assert.Empty(loader.LoadPlugins([]));
    }

    [Fact]
    public void LoadPlugins_MissingDirectory_ThrowsNamingIt()
    {
        var missing = Path.Combine(_temp.Path, "missing");

        var ex = LoadExpectingFailure<DirectoryNotFoundException>(missing);

        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<WeakReference> LoadAndWriteThroughRecordingPluginAsync(SinkPluginLoader loader)
    {
        var catalog = loader.LoadPlugins([TestPluginsDirectory]);

        var plugin = Assert.Single(catalog).Value;
        Assert.Same(plugin, catalog["RECORDING"]);
        Assert.Equal("recording", plugin.Name);

        // The plugin implements the host's contract type, not a copy loaded next to the plugin.
        var pluginType = plugin.GetType();
        Assert.Same(typeof(ISinkPlugin), pluginType.GetInterface(typeof(ISinkPlugin).FullName!));
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(typeof(ISinkPlugin).Assembly));
        var context = AssemblyLoadContext.GetLoadContext(pluginType.Assembly)!;
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.True(context.IsCollectible);
        Assert.Equal(Path.Combine(TestPluginsDirectory, RecordingPluginName, RecordingPluginName + ".dll"), pluginType.Assembly.Location);

        var settings = new Dictionary<string, string> { ["path"] = "recorded.txt" };
        await using (var sink = plugin.CreateSink(new SinkContext("audit", settings, _temp.Path, NullLoggerFactory.Instance)))
        {
            Assert.Equal("audit", sink.Name);
            await sink.WriteAsync(Batches.Of([Profile("p-1"), Profile("p-2")], ["p-0"]), CancellationToken.None);
            await sink.WriteAsync(Batches.Of([Profile("p-3")], []), CancellationToken.None);
            await sink.FlushAsync(CancellationToken.None);
        }

        var lines = await File.ReadAllLinesAsync(Path.Combine(_temp.Path, "recorded.txt"));
        Assert.Equal([$"{context.Name}|p-1,p-2|p-0", $"{context.Name}|p-3|"], lines);
        return new WeakReference(context);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<WeakReference> LoadAndWriteThroughCsvPluginAsync(SinkPluginLoader loader, ILoggerFactory loggerFactory)
    {
        var catalog = loader.LoadPlugins([HostPluginsDirectory]);

        var plugin = catalog["csv"];
        var settings = new Dictionary<string, string> { ["path"] = "out/profiles.csv", ["attributes"] = "email,full_name" };
        await using (var sink = plugin.CreateSink(new SinkContext("golden", settings, _temp.Path, loggerFactory)))
        {
            var profile = Profile("p-1") with
            {
                Attributes = new Dictionary<string, ProfileAttribute>
                {
                    ["email"] = new("a@example.com", "web", "w-1", s_seen),
                    ["full_name"] = new("홍길동", "web", "w-1", s_seen),
                },
            };
            await sink.WriteAsync(Batches.Of([profile], []), CancellationToken.None);
            await sink.FlushAsync(CancellationToken.None);
        }

        return new WeakReference(AssemblyLoadContext.GetLoadContext(plugin.GetType().Assembly));
    }

    private static TException LoadExpectingFailure<TException>(params string[] directories)
        where TException : Exception
    {
        using var loader = new SinkPluginLoader(NullLogger<SinkPluginLoader>.Instance);
        return Assert.Throws<TException>(() => loader.LoadPlugins(directories));
    }

    private static TException LoadExpectingFailure<TException>(SinkPluginLoader loader, params string[] directories)
        where TException : Exception =>
        Assert.Throws<TException>(() => loader.LoadPlugins(directories));

    private string CopyRecordingPlugin(string directoryName)
    {
        var source = Path.Combine(TestPluginsDirectory, RecordingPluginName);
        var target = Path.Combine(_temp.Path, directoryName, RecordingPluginName);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return Path.GetDirectoryName(target)!;
    }

    private static void AssertUnloads(WeakReference context)
    {
        for (var i = 0; context.IsAlive && i < 20; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(context.IsAlive, "The plugin's load context is still alive after its loader was disposed.");
    }

    private static void AssertNoContextLoadedFrom(string directory)
    {
        for (var i = 0; AnyContextLoadedFrom(directory) && i < 20; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(AnyContextLoadedFrom(directory), $"A plugin loaded from '{directory}' is still alive after its loader was disposed.");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool AnyContextLoadedFrom(string directory)
    {
        foreach (var context in AssemblyLoadContext.All)
        {
            foreach (var assembly in context.Assemblies)
            {
                if (assembly.Location.StartsWith(directory, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static StitchedProfile Profile(string id) =>
        new(id, new Dictionary<string, ProfileAttribute>(), [new SourceRecordRef("web", "w-1", s_seen)], s_seen, s_seen);
}
