using Microsoft.Extensions.Configuration;
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
            Log.Fatal("Invalid configuration: {Message}", ConfigurationMessage(ex, config));
            return ExitCodes.InvalidConfiguration;
        }
        catch (Stitcher.Engine.Store.DataDirectoryInUseException ex)
        {
            Log.Fatal("{Message}", ex.Message);
            return ExitCodes.DataDirectoryInUse;
        }
        catch (Exception ex) when (FindDamage(ex) is { } damage)
        {
            // A damaged store is refused whole, untouched: the message says what is wrong and what to do.
            Log.Fatal("{Message}", damage.Message);
            return ExitCodes.StoreDamaged;
        }
        catch (Exception ex) when (Stitcher.Engine.Store.DataDirectoryWriteException.FindWriteRefusal(ex) is { } refusal)
        {
            // A full disk or a read-only directory: the store keeps its last checkpoint, the next run resumes from it.
            Log.Fatal("{Message}", WriteRefusalMessage(refusal));
            return ExitCodes.DataDirectoryNotWritable;
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

    /// <summary>The message for a write the data directory refused: the engine's, or the operating system's (it names the file).</summary>
    public static string WriteRefusalMessage(Exception refusal) =>
        refusal is Stitcher.Engine.Store.DataDirectoryWriteException
            ? refusal.Message
            : $"A file could not be written ({refusal.Message}). The disk is full, or the directory is read-only; the store keeps what its last "
              + "checkpoint made durable. Free space or make the directory writable, then run again: it resumes from there.";

    private static Stitcher.Engine.Store.StoreDamagedException? FindDamage(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is Stitcher.Engine.Store.StoreDamagedException damage)
            {
                return damage;
            }
        }
        return null;
    }

    /// <summary>
    /// The message that says what is wrong: the binder wraps the one naming the key ("… 'Pathh' … on type
    /// ChannelOptions …") in a general one, so the inner messages are added.
    /// </summary>
    private static string ConfigurationMessage(Exception ex, FileInfo? config)
    {
        var message = ex.Message;
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!message.Contains(inner.Message, StringComparison.Ordinal))
            {
                message = string.Concat(message, " ", inner.Message);
            }
        }
        var paths = UnknownKeyPaths(message, config);
        return paths.Count == 0 ? message : $"unknown key {string.Join(", ", paths)} ({message})";
    }

    /// <summary>
    /// The full paths (<c>Stitcher:Channels:crm:Pathh</c>) of the properties the binder could not find, looked up in the
    /// configuration as the host reads it; empty when the message names none or they cannot be found.
    /// </summary>
    private static List<string> UnknownKeyPaths(string message, FileInfo? config)
    {
        var paths = new List<string>();
        const string Marker = "were not found on the instance of ";
        var at = message.IndexOf(Marker, StringComparison.Ordinal);
        var colon = at < 0 ? -1 : message.IndexOf(':', at + Marker.Length);
        if (colon < 0)
        {
            return paths;
        }
        var names = message[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(static n => n.Trim('\'', '.', ' ')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(StitcherHostBuilder.ResolveConfigPath(config), optional: true, reloadOnChange: false)
                .AddEnvironmentVariables(StitcherHostBuilder.EnvironmentPrefix)
                .Build();
            foreach (var (key, _) in configuration.AsEnumerable())
            {
                var last = key.LastIndexOf(':');
                if (last <= 0)
                {
                    continue;
                }
                var parent = key[..last];
                if (names.Contains(key[(last + 1)..]))
                {
                    paths.Add(key);
                }
                else if (names.Contains(parent[(parent.LastIndexOf(':') + 1)..]))
                {
                    // An unknown section: name it, not each key inside it.
                    paths.Add(parent);
                }
            }
        }
        catch (Exception error) when (error is IOException or FormatException or InvalidDataException)
        {
            return [];
        }
        return [.. paths.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
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
