using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stitcher.Engine;
using Stitcher.Engine.Configuration;
using Stitcher.Plugins;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Stitcher engine and its options with a service collection.</summary>
public static class StitcherServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine as a singleton, with <see cref="StitcherOptions"/> bound from the <c>Stitcher</c> section
    /// (unknown keys are errors) and validated at start. Sinks registered as <see cref="IProfileSink"/> receive profiles.
    /// Calling it twice adds nothing the second time.
    /// </summary>
    public static IServiceCollection AddStitcher(this IServiceCollection services, Action<StitcherOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(StitcherMarker)))
        {
            return services;
        }
        services.AddSingleton<StitcherMarker>();
        var builder = services.AddOptions<StitcherOptions>()
            .BindConfiguration(StitcherOptions.SectionName, static binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StitcherOptions>, StitcherOptionsValidator>());
        services.TryAddSingleton(static sp => new StitcherEngine(
            sp.GetRequiredService<IOptions<StitcherOptions>>().Value,
            sp.GetServices<IProfileSink>(),
            sp.GetRequiredService<ILoggerFactory>()));
        return services;
    }

    /// <summary>Adds the engine to a host builder, binding options from the builder's configuration.</summary>
    public static IHostApplicationBuilder AddStitcher(this IHostApplicationBuilder builder, Action<StitcherOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddStitcher(configure);
        return builder;
    }

    private sealed class StitcherMarker;
}
