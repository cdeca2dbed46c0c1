using MessagePack;
using MessagePack.Formatters;
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
        .WithResolver(StoreResolver.Instance)
        .WithSecurity(MessagePackSecurity.TrustedData);

    /// <summary>
    /// Our formatters, then the standard resolver. Each type's formatter is found once and kept in a static
    /// field, as the standard resolver keeps its own: a composite resolver would look every type up in a table on
    /// every call, and every document read and written asks several times (0.4 s of CPU per million records).
    /// </summary>
    private sealed class StoreResolver : IFormatterResolver
    {
        public static StoreResolver Instance { get; } = new();

        public IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

        private static class Cache<T>
        {
            public static readonly IMessagePackFormatter<T>? Formatter =
                typeof(T) == typeof(StoredProfile) ? (IMessagePackFormatter<T>)(object)StoredProfileFormatter.Instance
                : typeof(T) == typeof(StoredRecord) ? (IMessagePackFormatter<T>)(object)StoredRecordFormatter.Instance
                : typeof(T) == typeof(StoredProfileVersion) ? (IMessagePackFormatter<T>)(object)StoredProfileFormatter.VersionFormatter.Instance
                : StandardResolver.Instance.GetFormatter<T>();
        }
    }
}
