using Microsoft.Extensions.Hosting;
using Stitcher.Engine;

namespace Stitcher.Host.Hosting;

/// <summary>Service mode: only delegates to the engine, which finishes its batch and checkpoints when stopped.</summary>
internal sealed class StitcherHostedService(StitcherEngine engine) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => engine.RunAsync(stoppingToken);
}
