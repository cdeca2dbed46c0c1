using Stitcher.Engine.Matching.Comparators;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Matching;

/// <summary>
/// Just enough of a record to tell whether two records could be one person: given name, surname, birth date.
/// Two sketches are different people only when nothing says they could be one: given names clearly differ
/// (typos, nicknames and a given name written as the surname are one person) and so do their birth dates; or the
/// given name agrees but the surnames and the birth dates both clearly differ, or two Hangul surnames differ.
/// A sketch without a given name could be anyone.
/// </summary>
[MessagePack.MessagePackObject]
public sealed record PersonSketch(
    [property: MessagePack.Key(0)] string? Given,
    [property: MessagePack.Key(1)] string? Surname,
    [property: MessagePack.Key(2)] string? DateOfBirth)
{
    public static PersonSketch Of(string?[] normalized) => new(
        normalized[(int)CanonicalAttribute.GivenName],
        normalized[(int)CanonicalAttribute.Surname],
        normalized[(int)CanonicalAttribute.DateOfBirth]);

    [MessagePack.IgnoreMember]
    public bool IsKnown => !string.IsNullOrEmpty(Given);

    public bool CouldBe(PersonSketch other, NameComparator names)
    {
        if (!IsKnown || !other.IsKnown)
        {
            return true;
        }
        if (names.Compare(Given, other.Given) >= ComparisonLevel.Loose)
        {
            // One given name, but two surnames and two birth dates: two Michaels sharing a landline. Two Hangul surnames
            // that differ are two people even without birth dates: a Korean surname does not change at marriage.
            return !(Surname is not null && other.Surname is not null
                && (BornOnOtherDays(other) || (Normalization.MatchText.IsAllHangul(Surname) && Normalization.MatchText.IsAllHangul(other.Surname)))
                && names.CompareSurname(Surname, other.Surname) < ComparisonLevel.Loose);
        }
        return (other.Surname is not null && names.Compare(Given, other.Surname) >= ComparisonLevel.Loose)
            || (DateOfBirth is not null && DateOfBirth == other.DateOfBirth);
    }

    // Both birth dates known, and not one date up to a typo or a day–month swap.
    private bool BornOnOtherDays(PersonSketch other) =>
        DateOfBirth is not null && other.DateOfBirth is not null && !CouldBeOneBirthDate(DateOfBirth, other.DateOfBirth);

    /// <summary>Whether two normalized birth dates (yyyy-MM-dd) could be one, up to a typo, a swap or a slipped year.</summary>
    internal static bool CouldBeOneBirthDate(string a, string b) =>
        DateComparator.Compare(MatchRecord.ParseDate(a), MatchRecord.ParseDate(b)) >= ComparisonLevel.Close;

    /// <summary>Whether this could be any of <paramref name="people"/>.</summary>
    public bool CouldBeAny(IReadOnlyList<PersonSketch> people, NameComparator names)
    {
        for (var i = 0; i < people.Count; i++)
        {
            if (CouldBe(people[i], names))
            {
                return true;
            }
        }
        return false;
    }
}
