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

    /// <summary>Every change handed over, in order.</summary>
    public List<ProfileChange> Changes { get; } = [];

    public ValueTask<IReadOnlyList<ChangeRejection>> WriteAsync(ProfileBatch batch, CancellationToken cancellationToken)
    {
        foreach (var change in batch.Changes)
        {
            Changes.Add(change);
            if (change is { Kind: ProfileChangeKind.Upserted, Profile: { } profile })
            {
                Deliveries++;
                Latest[profile.Id] = profile;
            }
            else
            {
                Latest.Remove(change.ProfileId);
                Retired.Add(change.ProfileId);
            }
        }
        return ValueTask.FromResult<IReadOnlyList<ChangeRejection>>([]);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
