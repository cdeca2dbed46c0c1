using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Resolution;

/// <summary>
/// Which of two versions of one record (same channel and id) wins, whatever order they arrive in: the later
/// timestamp, then, for the same timestamp, the greater values compared attribute by attribute. Normalized timestamps
/// are UTC in round-trip format, so comparing their text compares the instants.
/// </summary>
internal static class RecordVersion
{
    /// <summary>Positive when <paramref name="a"/> wins over <paramref name="b"/>, 0 when they are the same version.</summary>
    public static int Compare(string?[] a, string?[] b)
    {
        var byTime = string.CompareOrdinal(a[(int)CanonicalAttribute.Timestamp], b[(int)CanonicalAttribute.Timestamp]);
        if (byTime != 0)
        {
            return byTime;
        }
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            var byValue = string.CompareOrdinal(a[i], b[i]);
            if (byValue != 0)
            {
                return byValue;
            }
        }
        return a.Length.CompareTo(b.Length);
    }
}
