using System.IO.Hashing;
using System.Text;

namespace Stitcher.Engine.Resolution;

/// <summary>
/// A profile id is derived from its smallest record key, so the same records give the same ids in any order, on every
/// run and after every restart.
/// </summary>
internal static class ProfileIds
{
    public static string For(string recordKey)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetMaxByteCount(recordKey.Length) <= buffer.Length ? buffer : new byte[Encoding.UTF8.GetMaxByteCount(recordKey.Length)];
        var length = Encoding.UTF8.GetBytes(recordKey, bytes);
        var hash = XxHash64.HashToUInt64(bytes[..length]);
        return string.Create(17, hash, static (span, value) =>
        {
            span[0] = 'P';
            value.TryFormat(span[1..], out _, "x16");
        });
    }
}
