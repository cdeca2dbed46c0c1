using Stitcher.Engine.Matching;
using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Tests.Matching;

public sealed class PersonSketchTests
{
    private static readonly NameComparator s_names = new();

    [Theory]
    // Two Michaels sharing a landline: other surnames, other birth dates.
    [InlineData("michael", "martin", "1994-05-22", "michael", "smith", "1962-07-05", false)]
    // A household: other given names, other birth dates.
    [InlineData("ann", "lee", "1980-01-02", "bob", "lee", "1978-03-04", false)]
    // Married and renamed: the birth date agrees.
    [InlineData("ann", "lee", "1980-01-02", "ann", "park", "1980-01-02", true)]
    // A typo in the birth date, surname changed.
    [InlineData("ann", "lee", "1980-01-02", "ann", "park", "1980-01-03", true)]
    // The same name, one birth date unknown.
    [InlineData("michael", "martin", "1994-05-22", "michael", "smith", null, true)]
    // The same given name and surname, birth dates apart: could still be one person with a wrong date on file.
    [InlineData("minjun", "kim", "1990-01-01", "minjun", "kim", "1975-06-30", true)]
    // Hangul and its romanized surname are one surname.
    [InlineData("minjun", "김", "1990-01-01", "minjun", "kim", "1975-06-30", true)]
    // Two Hangul surnames that differ are two people, birth dates known or not: a Korean surname does not change.
    [InlineData("민준", "한", "1994-12-09", "민준", "윤", null, false)]
    [InlineData("민준", "한", null, "민준", "한", null, true)]
    public void CouldBe_SharedIdentifier_DifferentPeopleOnlyWhenNamesAndDatesSaySo(
        string givenA, string surnameA, string? dobA, string givenB, string surnameB, string? dobB, bool expected)
    {
        var a = new PersonSketch(givenA, surnameA, dobA);
        var b = new PersonSketch(givenB, surnameB, dobB);

        Assert.Equal(expected, a.CouldBe(b, s_names));
        Assert.Equal(expected, b.CouldBe(a, s_names));
    }
}
