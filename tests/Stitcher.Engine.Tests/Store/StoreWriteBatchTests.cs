using Microsoft.Extensions.Logging.Abstractions;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Tests.Store;

public sealed class StoreWriteBatchTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private KeyValueStore Open() => new(Path.Combine(_temp.Path, "store"), 1L << 16, 1L << 22, 1L << 20, NullLogger.Instance);

    [Theory]
    [InlineData(3)]
    [InlineData(5000)]
    public void WriteTo_ValuesOfSeveralTypes_EachIsStoredUnderItsKeyAndTheBatchIsEmptied(int count)
    {
        using var store = Open();
        var batch = new StoreWriteBatch();
        for (var i = 0; i < count; i++)
        {
            batch.Add($"P|{i}", new StoredProfile { Id = $"profile {i}", Version = i, Members = [new StoredMember { Channel = "crm", RecordId = new string('x', i % 300) }] });
            batch.Add($"I|{i}", new StoredIdentifier { ProfileId = $"profile {i}", FirstRecord = $"R|crm|{i}" });
        }
        batch.Add("P|0", new StoredProfile { Id = "written last", Version = -1 });

        batch.WriteTo(store);

        Assert.Equal(0, batch.Count);
        for (var i = 0; i < count; i++)
        {
            Assert.True(store.TryRead<StoredIdentifier>($"I|{i}", out var entry));
            Assert.Equal(($"profile {i}", $"R|crm|{i}"), (entry.ProfileId, entry.FirstRecord));
            if (i > 0)
            {
                Assert.True(store.TryRead<StoredProfile>($"P|{i}", out var profile));
                Assert.Equal(($"profile {i}", (long)i, new string('x', i % 300)), (profile.Id, profile.Version, profile.Members.Single().RecordId));
            }
        }
        Assert.True(store.TryRead<StoredProfile>("P|0", out var overwritten));
        Assert.Equal("written last", overwritten.Id);
    }

    [Fact]
    public void WriteTo_AValueThatCannotBeSerialized_ThrowsWritesNothingAndLeavesNothingQueued()
    {
        using var store = Open();
        var batch = new StoreWriteBatch();
        for (var i = 0; i < 100; i++)
        {
            batch.Add($"K|{i}", $"value {i}");
        }
        batch.Add("K|bad", new NotSerializable());

        Assert.ThrowsAny<Exception>(() => batch.WriteTo(store));
        Assert.Equal(0, batch.Count);
        // Everything is serialized before anything is written: the batch wrote none of its values.
        Assert.False(store.TryRead<string>("K|0", out _));

        batch.Add("K|next", "next value");
        batch.WriteTo(store);
        Assert.True(store.TryRead<string>("K|next", out var next));
        Assert.Equal("next value", next);
        Assert.False(store.TryRead<string>("K|bad", out _));
    }

    /// <summary>No MessagePack formatter resolves this type.</summary>
    private sealed class NotSerializable
    {
        public Action Callback { get; } = () => { };
    }
}
