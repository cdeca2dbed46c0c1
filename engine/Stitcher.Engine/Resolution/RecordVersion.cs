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

    /// <summary>
    /// As <see cref="Compare(string?[], string?[])"/> on the match-ready values, then on the custom attributes (name
    /// order, names then values): a record sent again with only its shoe size changed is a new version.
    /// </summary>
    public static int Compare(Store.StoredRecord a, Store.StoredRecord b)
    {
        var byValues = Compare(a.Normalized, b.Normalized);
        if (byValues != 0)
        {
            return byValues;
        }
        var length = Math.Min(a.Traits.Length, b.Traits.Length);
        for (var i = 0; i < length; i++)
        {
            var byName = string.CompareOrdinal(a.Traits[i].Name, b.Traits[i].Name);
            if (byName != 0)
            {
                return byName;
            }
            var byValue = string.CompareOrdinal(a.Traits[i].Value, b.Traits[i].Value);
            if (byValue != 0)
            {
                return byValue;
            }
        }
        return a.Traits.Length.CompareTo(b.Traits.Length);
    }
}
