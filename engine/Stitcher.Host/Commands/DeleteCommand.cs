using Microsoft.Extensions.DependencyInjection;
using Stitcher.Engine;

namespace Stitcher.Host.Commands;

/// <summary><c>stitcher delete --record CHANNEL:ID</c>: the record leaves its profile, which splits or disappears.</summary>
internal static class DeleteCommand
{
    public static Task<int> ExecuteAsync(FileInfo? config, string record, CancellationToken cancellationToken) =>
        CommandHost.RunAsync(config, service: false, async (host, token) =>
        {
            var colon = record.IndexOf(':');
            if (colon <= 0 || colon == record.Length - 1)
            {
                throw new ConfigurationKeyException("--record", $"'{record}' is not CHANNEL:RECORD_ID.");
            }
            await host.StartAsync(token).ConfigureAwait(false);
            var engine = host.Services.GetRequiredService<StitcherEngine>();
            var deleted = await engine.DeleteRecordAsync(record[..colon], record[(colon + 1)..], token).ConfigureAwait(false);
            await engine.DrainSinksAsync(CancellationToken.None).ConfigureAwait(false);
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            Console.WriteLine(deleted ? $"deleted {record}" : $"no record {record}");
            return deleted ? ExitCodes.Success : ExitCodes.Failed;
        }, cancellationToken);
}
