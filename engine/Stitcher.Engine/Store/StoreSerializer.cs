using MessagePack;
using MessagePack.Resolvers;

namespace Stitcher.Engine.Store;

internal static class StoreSerializer
{
    /// <summary>
    /// Attribute-keyed contracts only: stored bytes must not depend on reflection order. The store holds only what
    /// the engine wrote, so it is read as trusted data: dictionaries come back with the default string comparer
    /// (which turns to randomized hashing by itself when keys collide) instead of a collision-resistant one, whose
    /// slower hashing every profile read paid for its timeline's dictionaries. Profile and record documents have
    /// formatters of their own (<see cref="StoredProfileFormatter"/>, <see cref="StoredRecordFormatter"/>) that leave
    /// out what the rest of the document already holds.
    /// </summary>
    public static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(CompositeResolver.Create([StoredProfileFormatter.Instance, StoredRecordFormatter.Instance], [StandardResolver.Instance]))
        .WithSecurity(MessagePackSecurity.TrustedData);
}
