using Stitcher.Plugins;

namespace Stitcher.Engine.Tests;

/// <summary>Keeps what a sink was given, at the process edge: the engine's own parts stay real.</summary>
internal sealed class ListSink : IProfileSink
{
    public Dictionary<string, StitchedProfile> Latest { get; } = [];
    public List<string> Retired { get; } = [];

    /// <summary>Profiles handed over, counting each delivery of the same profile.</summary>
    public int Deliveries { get; private set; }

    public string Name => "list";

    public ValueTask WriteAsync(ProfileBatch batch, CancellationToken cancellationToken)
    {
        Deliveries += batch.Profiles.Count;
        foreach (var profile in batch.Profiles)
        {
            Latest[profile.Id] = profile;
        }
        foreach (var id in batch.RetiredProfileIds)
        {
            Latest.Remove(id);
            Retired.Add(id);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
