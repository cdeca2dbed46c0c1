using System.Buffers;

namespace Stitcher.Engine.Ingest;

/// <summary>Scratch arrays rented from <see cref="ArrayPool{T}.Shared"/> that grow on demand.</summary>
internal static class PooledArray
{
    private const int MinimumLength = 256;

    /// <summary>Makes <paramref name="array"/> at least <paramref name="length"/> long. Contents are not kept.</summary>
    public static void EnsureCapacity<T>(ref T[] array, int length)
    {
        if (array.Length >= length)
        {
            return;
        }
        var grown = ArrayPool<T>.Shared.Rent(Math.Max(length, MinimumLength));
        Return(ref array);
        array = grown;
    }

    /// <summary>Gives a rented array back and leaves an empty one in its place.</summary>
    public static void Return<T>(ref T[] array)
    {
        if (array.Length > 0)
        {
            ArrayPool<T>.Shared.Return(array);
        }
        array = [];
    }
}
