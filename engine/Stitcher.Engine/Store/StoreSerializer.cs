using MessagePack;
using MessagePack.Resolvers;

namespace Stitcher.Engine.Store;

internal static class StoreSerializer
{
    /// <summary>Attribute-keyed contracts only: stored bytes must not depend on reflection order.</summary>
    public static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(StandardResolver.Instance)
        .WithSecurity(MessagePackSecurity.UntrustedData);
}
