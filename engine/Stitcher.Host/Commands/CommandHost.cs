using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using Stitcher.Host.Hosting;

namespace Stitcher.Host.Commands;

/// <summary>
/// Runs a command inside a built host with a bootstrap logger, turning the ways start-up fails into a clear
/// message and an exit code: configuration errors name the key that is wrong.
/// </summary>
internal static class CommandHost
{
    public static async Task<int> RunAsync(FileInfo? config, bool service, Func<IHost, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose)
            .CreateBootstrapLogger();
        try
        {
            using var host = StitcherHostBuilder.Build(config, service);
            return await body(host, cancellationToken).ConfigureAwait(false);
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                Log.Fatal("Invalid configuration: {Failure}", failure);
            }
            return ExitCodes.InvalidConfiguration;
        }
        catch (Exception ex) when (IsConfigurationError(ex))
        {
            Log.Fatal("Invalid configuration: {Message}", ex.Message);
            return ExitCodes.InvalidConfiguration;
        }
        catch (Stitcher.Engine.Store.DataDirectoryInUseException ex)
        {
            Log.Fatal("{Message}", ex.Message);
            return ExitCodes.DataDirectoryInUse;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.Warning("Cancelled; progress up to the last completed batch is saved");
            return ExitCodes.Cancelled;
        }
        catch (Exception ex)
        {
            Log.Fatal(ex, "Host terminated unexpectedly");
            return ExitCodes.Failed;
        }
        finally
        {
            await Log.CloseAndFlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A missing configuration file, a wrong sink or plugin setting, or a key the options do not have (the
    /// configuration binder names the key and the options class that lacks it).
    /// </summary>
    private static bool IsConfigurationError(Exception ex) =>
        ex is FileNotFoundException or ConfigurationKeyException
        || (ex is InvalidOperationException && ex.Message.Contains("ErrorOnUnknownConfiguration", StringComparison.Ordinal))
        // The binder's wrong-type message names the key path and the type: "… 'lots' at 'Stitcher:BatchSize' to type 'System.Int32'."
        || (ex is InvalidOperationException && ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal));
}

/// <summary>A configuration value that is wrong, with the key that holds it.</summary>
internal sealed class ConfigurationKeyException(string key, string message) : InvalidOperationException($"{key}: {message}")
{
    public string Key { get; } = key;
}
