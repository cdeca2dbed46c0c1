using System.Reflection;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Logging;
using Stitcher.Plugins;

namespace Stitcher.Host.Plugins;

/// <summary>
/// Loads sink plugins from plugin directories: every subfolder <c>&lt;Name&gt;</c> holds <c>&lt;Name&gt;.dll</c>, loaded into
/// its own unloadable load context that shares the contracts and logging abstractions with the host.
/// Disposing the loader unloads every plugin it loaded.
/// </summary>
internal sealed partial class SinkPluginLoader : IDisposable
{
    // Every type that crosses the host/plugin boundary; their assemblies (and so the contract records) come from the host.
    private static readonly Type[] s_sharedTypes = [typeof(ISinkPlugin), typeof(ILoggerFactory), typeof(ILogger)];

    private readonly ILogger<SinkPluginLoader> _logger;
    private readonly List<PluginLoader> _loaders = [];
    private readonly Dictionary<string, LoadedPlugin> _plugins = new(StringComparer.OrdinalIgnoreCase);
    private bool _disposed;

    public SinkPluginLoader(ILogger<SinkPluginLoader> logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
    }

    /// <summary>
    /// Loads the plugins in every subfolder of <paramref name="pluginDirectories"/> and returns all sink plugins loaded so far,
    /// by <see cref="ISinkPlugin.Name"/> (case-insensitive). If any folder fails, nothing from this call stays loaded.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">A plugin directory does not exist.</exception>
    /// <exception cref="InvalidOperationException">A plugin folder cannot be loaded, or two plugins share a name.</exception>
    public IReadOnlyDictionary<string, ISinkPlugin> LoadPlugins(IEnumerable<string> pluginDirectories)
    {
        ArgumentNullException.ThrowIfNull(pluginDirectories);
        ObjectDisposedException.ThrowIf(_disposed, this);

        var loaders = new List<PluginLoader>();
        var plugins = new Dictionary<string, LoadedPlugin>(_plugins, StringComparer.OrdinalIgnoreCase);
        try
        {
            foreach (var directory in pluginDirectories)
            {
                var fullDirectory = Path.GetFullPath(directory);
                if (!Directory.Exists(fullDirectory))
                {
                    throw new DirectoryNotFoundException($"Plugin directory '{fullDirectory}' does not exist.");
                }

                var folders = Directory.GetDirectories(fullDirectory);
                Array.Sort(folders, StringComparer.Ordinal);
                foreach (var folder in folders)
                {
                    LoadFolder(folder, loaders, plugins);
                }
            }
        }
        catch
        {
            foreach (var loader in loaders)
            {
                loader.Dispose();
            }

            throw;
        }

        _loaders.AddRange(loaders);
        foreach (var (name, plugin) in plugins)
        {
            _plugins[name] = plugin;
        }

        return Catalog();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _plugins.Clear();
        foreach (var loader in _loaders)
        {
            loader.Dispose();
        }

        Log.PluginsUnloaded(_logger, _loaders.Count);
        _loaders.Clear();
    }

    private void LoadFolder(string folder, List<PluginLoader> loaders, Dictionary<string, LoadedPlugin> plugins)
    {
        var folderName = Path.GetFileName(folder);
        var assemblyPath = Path.Combine(folder, folderName + ".dll");
        if (!File.Exists(assemblyPath))
        {
            throw new InvalidOperationException(
                $"Plugin folder '{folder}' has no '{folderName}.dll': a plugin folder must be named after its main assembly.");
        }

        PluginLoader loader;
        Assembly assembly;
        Type[] types;
        try
        {
            loader = PluginLoader.CreateFromAssemblyFile(assemblyPath, isUnloadable: true, sharedTypes: s_sharedTypes);
            loaders.Add(loader);
            assembly = loader.LoadDefaultAssembly();
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            var reasons = string.Join("; ", ex.LoaderExceptions.Select(e => e?.Message).Distinct());
            throw new InvalidOperationException($"Could not load the plugin in '{folder}': {reasons}", ex);
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or TypeLoadException)
        {
            throw new InvalidOperationException($"Could not load the plugin in '{folder}': {ex.Message}", ex);
        }

        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "unknown";
        var found = 0;
        foreach (var type in types)
        {
            if (!type.IsClass || type.IsAbstract || type.ContainsGenericParameters || !typeof(ISinkPlugin).IsAssignableFrom(type))
            {
                continue;
            }

            var plugin = CreatePlugin(folder, type);
            var name = plugin.Name;
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new InvalidOperationException($"Sink plugin {type.FullName} in '{assemblyPath}' has no name.");
            }

            if (plugins.TryGetValue(name, out var existing))
            {
                throw new InvalidOperationException(
                    $"Two sink plugins are named '{name}': {existing.Type.FullName} in '{existing.AssemblyPath}' and {type.FullName} in '{assemblyPath}'.");
            }

            plugins.Add(name, new LoadedPlugin(plugin, type, assemblyPath));
            found++;
            Log.PluginLoaded(_logger, name, assemblyPath, version);
        }

        if (found == 0)
        {
            Log.NoSinkPlugins(_logger, assemblyPath);
            loaders.Remove(loader);
            loader.Dispose();
        }
    }

    private static ISinkPlugin CreatePlugin(string folder, Type type)
    {
        if (type.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes) is null)
        {
            throw new InvalidOperationException(
                $"Could not load the plugin in '{folder}': sink plugin {type.FullName} has no parameterless constructor.");
        }

        try
        {
            return (ISinkPlugin)Activator.CreateInstance(type, nonPublic: true)!;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new InvalidOperationException(
                $"Could not load the plugin in '{folder}': the constructor of {type.FullName} threw: {ex.InnerException.Message}", ex.InnerException);
        }
    }

    private IReadOnlyDictionary<string, ISinkPlugin> Catalog()
    {
        var catalog = new Dictionary<string, ISinkPlugin>(_plugins.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, plugin) in _plugins)
        {
            catalog.Add(name, plugin.Plugin);
        }

        return catalog.AsReadOnly();
    }

    private sealed record LoadedPlugin(ISinkPlugin Plugin, Type Type, string AssemblyPath);

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Information, "Loaded sink plugin {PluginName} {PluginVersion} from {PluginPath}")]
        public static partial void PluginLoaded(ILogger logger, string pluginName, string pluginPath, string pluginVersion);

        [LoggerMessage(101, LogLevel.Warning, "Plugin assembly {PluginPath} holds no sink plugin")]
        public static partial void NoSinkPlugins(ILogger logger, string pluginPath);

        [LoggerMessage(102, LogLevel.Debug, "Unloaded {PluginAssemblyCount} plugin assemblies")]
        public static partial void PluginsUnloaded(ILogger logger, int pluginAssemblyCount);
    }
}
