using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stitcher.Engine.Configuration;
using Stitcher.Host.Commands;
using Stitcher.Host.Plugins;
using Stitcher.Plugins;

namespace Stitcher.Host.Hosting;

/// <summary>
/// Loads the plugin folders once and creates each configured sink from its plugin. Owns the plugin loaders:
/// disposing it unloads the plugins (the sinks are disposed first by the container, which created them later).
/// </summary>
internal sealed class ConfiguredSinks : IDisposable
{
    private readonly StitcherOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SinkPluginLoader _loader;
    private readonly Lazy<IReadOnlyDictionary<string, ISinkPlugin>> _catalog;
    private readonly List<string> _directories;

    public ConfiguredSinks(IOptions<StitcherOptions> options, ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _loggerFactory = loggerFactory;
        _loader = new SinkPluginLoader(loggerFactory.CreateLogger<SinkPluginLoader>());
        _directories = _options.PluginDirectories.Count == 0
            ? [Path.Combine(AppContext.BaseDirectory, "plugins")]
            : _options.PluginDirectories.ConvertAll(_options.ResolvePath);
        _catalog = new Lazy<IReadOnlyDictionary<string, ISinkPlugin>>(() => _loader.LoadPlugins(_directories));
    }

    public IProfileSink Create(string sinkName)
    {
        var key = $"{StitcherOptions.SectionName}:{nameof(StitcherOptions.Sinks)}:{sinkName}";
        if (!_options.Sinks.TryGetValue(sinkName, out var sink))
        {
            throw new ConfigurationKeyException(key, "the sink is not configured.");
        }
        if (!_catalog.Value.TryGetValue(sink.Plugin, out var plugin))
        {
            throw new ConfigurationKeyException($"{key}:{nameof(SinkOptions.Plugin)}",
                $"no plugin named '{sink.Plugin}' in {string.Join(", ", _directories)} (found: {string.Join(", ", _catalog.Value.Keys)}).");
        }
        var baseDirectory = string.IsNullOrEmpty(_options.BaseDirectory) ? Environment.CurrentDirectory : _options.BaseDirectory;
        try
        {
            return plugin.CreateSink(new SinkContext(sinkName, sink.Settings, baseDirectory, _loggerFactory)
            {
                Purpose = sink.Purpose,
                TraitNames = _options.MappedTraits(),
                StateDirectory = Path.Combine(new Stitcher.Engine.Delivery.OutboxFiles(_options.ResolvePath(_options.DataDirectory), sinkName).Directory, "state"),
            });
        }
        catch (ArgumentException ex)
        {
            throw new ConfigurationKeyException($"{key}:{nameof(SinkOptions.Settings)}", ex.Message);
        }
    }

    public void Dispose() => _loader.Dispose();
}
