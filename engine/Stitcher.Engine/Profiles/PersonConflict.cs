using Stitcher.Engine.Matching;
using Stitcher.Engine.Matching.Comparators;
using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Profiles;

/// <summary>
/// Strong attributes that cannot belong to one person: every given name of one side clearly differs from every
/// given name of the other (not a typo, nickname or initial), and every birth date of one side differs from every
/// birth date of the other (not a swap or typo). Both must be known on both sides; anything missing is no conflict.
/// </summary>
internal static class PersonConflict
{
    public static bool Between(StoredRecord record, StoredProfile profile, NameComparator names)
    {
        var given = record.Normalized[(int)CanonicalAttribute.GivenName];
        var dob = record.Normalized[(int)CanonicalAttribute.DateOfBirth];
        if (string.IsNullOrEmpty(given) || string.IsNullOrEmpty(dob))
        {
            return false;
        }
        var givens = Values(profile, CanonicalAttribute.GivenName);
        var dobs = Values(profile, CanonicalAttribute.DateOfBirth);
        if (givens is not { Count: > 0 } || dobs is not { Count: > 0 })
        {
            return false;
        }
        foreach (var other in givens)
        {
            if (names.Compare(given, other.Key) >= ComparisonLevel.Loose)
            {
                return false;
            }
        }
        foreach (var other in dobs)
        {
            if (PersonSketch.CouldBeOneBirthDate(dob, other.Key))
            {
                return false;
            }
        }
        return true;
    }

    public static bool Between(StoredProfile a, StoredProfile b, NameComparator names)
    {
        var givensA = Values(a, CanonicalAttribute.GivenName);
        var givensB = Values(b, CanonicalAttribute.GivenName);
        var dobsA = Values(a, CanonicalAttribute.DateOfBirth);
        var dobsB = Values(b, CanonicalAttribute.DateOfBirth);
        if (givensA is not { Count: > 0 } || givensB is not { Count: > 0 } || dobsA is not { Count: > 0 } || dobsB is not { Count: > 0 })
        {
            return false;
        }
        foreach (var x in givensA)
        {
            foreach (var y in givensB)
            {
                if (names.Compare(x.Key, y.Key) >= ComparisonLevel.Loose)
                {
                    return false;
                }
            }
        }
        foreach (var x in dobsA)
        {
            foreach (var y in dobsB)
            {
                if (PersonSketch.CouldBeOneBirthDate(x.Key, y.Key))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<StoredValue>? Values(StoredProfile profile, CanonicalAttribute attribute) =>
        profile.Values.Length > (int)attribute ? profile.Values[(int)attribute] : null;
}
