using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;
using Stitcher.Engine.Configuration;
using Stitcher.Plugins;

namespace Stitcher.Host.Hosting;

/// <summary>The composition root: configuration, Serilog, the engine, plugins and (in service mode) the hosted service.</summary>
internal static class StitcherHostBuilder
{
    public const string DefaultConfigFileName = "stitcher.json";
    public const string EnvironmentPrefix = "STITCHER_";

    public static IHost Build(FileInfo? configFile, bool service)
    {
        var configPath = ResolveConfigPath(configFile);
        var configDirectory = Path.GetDirectoryName(configPath)!;
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = configDirectory,
            ApplicationName = "stitcher",
        });
        builder.Configuration
            .AddJsonFile(configPath, optional: false, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix);

        builder.Services.AddSerilog((services, logger) => logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            // A failed start is reported once, by the command, with the configuration key at fault.
            .MinimumLevel.Override("Microsoft.Extensions.Hosting.Internal.Host", LogEventLevel.Fatal)
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .WriteTo.Console(
                outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}",
                standardErrorFromLevel: LogEventLevel.Verbose));

        builder.Services.AddStitcher(options =>
        {
            if (string.IsNullOrEmpty(options.BaseDirectory))
            {
                options.BaseDirectory = configDirectory;
            }
        });
        AddSinks(builder);

        if (service)
        {
            builder.Services.AddSystemd();
            builder.Services.AddWindowsService(static o => o.ServiceName = "Stitcher");
            builder.Services.Configure<HostOptions>(static o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
            builder.Services.AddHostedService<StitcherHostedService>();
        }
        return builder.Build();
    }

    /// <summary>
    /// Each configured sink is one <see cref="IProfileSink"/> service, created from its plugin when the engine
    /// is first resolved (at start), so a missing plugin stops start-up with the sink's configuration key.
    /// </summary>
    private static void AddSinks(HostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ConfiguredSinks>();
        var sinks = builder.Configuration.GetSection(StitcherOptions.SectionName).GetSection(nameof(StitcherOptions.Sinks));
        foreach (var sink in sinks.GetChildren())
        {
            var name = sink.Key;
            builder.Services.AddSingleton<IProfileSink>(sp => sp.GetRequiredService<ConfiguredSinks>().Create(name));
        }
    }

    internal static string ResolveConfigPath(FileInfo? configFile)
    {
        if (configFile is not null)
        {
            if (!configFile.Exists)
            {
                throw new FileNotFoundException($"Configuration file '{configFile.FullName}' does not exist.", configFile.FullName);
            }
            return configFile.FullName;
        }
        var candidates = new[]
        {
            Path.Combine(Environment.CurrentDirectory, DefaultConfigFileName),
            Path.Combine(AppContext.BaseDirectory, DefaultConfigFileName),
        };
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException(
            $"No {DefaultConfigFileName} in the current directory ({Environment.CurrentDirectory}) or beside the executable; pass --config PATH.");
    }
}
