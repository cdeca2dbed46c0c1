using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Tests.Matching.Comparators;

public sealed class NameComparatorTests
{
    private readonly NameComparator _comparator = new();

    [Theory]
    [InlineData("john", "john", ComparisonLevel.Exact)]
    [InlineData("mary ann", "maryann", ComparisonLevel.Exact)]
    [InlineData("", "john", ComparisonLevel.Missing)]
    [InlineData("  ", "john", ComparisonLevel.Missing)]
    [InlineData("jon", "john", ComparisonLevel.Close)]
    [InlineData("jonathon", "jonathan", ComparisonLevel.Close)]
    [InlineData("bob", "robert", ComparisonLevel.Close)]
    [InlineData("peggy", "margaret", ComparisonLevel.Close)]
    [InlineData("bill", "william", ComparisonLevel.Close)]
    [InlineData("dick", "richard", ComparisonLevel.Close)]
    [InlineData("kate", "catherine", ComparisonLevel.Close)]
    [InlineData("john paul", "john", ComparisonLevel.Close)]
    [InlineData("bob james", "robert", ComparisonLevel.Close)]
    [InlineData("j", "john", ComparisonLevel.Loose)]
    [InlineData("philip", "filip", ComparisonLevel.Loose)]
    [InlineData("k", "john", ComparisonLevel.Different)]
    [InlineData("john", "mary", ComparisonLevel.Different)]
    [InlineData("bob", "william", ComparisonLevel.Different)]
    public void Compare_GivenNames_Level(string a, string b, ComparisonLevel expected)
    {
        Assert.Equal(expected, _comparator.Compare(a, b));
        Assert.Equal(expected, _comparator.Compare(b, a));
    }

    [Theory]
    [InlineData("민준", "minjun", ComparisonLevel.Exact)]
    [InlineData("민준", "min jun", ComparisonLevel.Exact)]
    [InlineData("민준", "min-jun", ComparisonLevel.Exact)]
    [InlineData("민준", "민 준", ComparisonLevel.Exact)]
    [InlineData("서연", "seoyeon", ComparisonLevel.Exact)]
    [InlineData("민준", "minjune", ComparisonLevel.Close)]
    [InlineData("민준", "minjoon", ComparisonLevel.Loose)]
    [InlineData("민준", "서연", ComparisonLevel.Different)]
    [InlineData("민준", "john", ComparisonLevel.Different)]
    public void Compare_HangulAndRomanized_Level(string a, string b, ComparisonLevel expected)
    {
        Assert.Equal(expected, _comparator.Compare(a, b));
        Assert.Equal(expected, _comparator.Compare(b, a));
    }

    [Theory]
    [InlineData("이", "lee", ComparisonLevel.Exact)]
    [InlineData("이", "yi", ComparisonLevel.Exact)]
    [InlineData("이", "rhee", ComparisonLevel.Exact)]
    [InlineData("김", "kim", ComparisonLevel.Exact)]
    [InlineData("박", "park", ComparisonLevel.Exact)]
    [InlineData("최", "choi", ComparisonLevel.Exact)]
    [InlineData("남궁", "namgung", ComparisonLevel.Exact)]
    [InlineData("한", "han", ComparisonLevel.Exact)]
    [InlineData("lee", "rhee", ComparisonLevel.Close)]
    [InlineData("lee", "yi", ComparisonLevel.Close)]
    [InlineData("smith", "smith", ComparisonLevel.Exact)]
    [InlineData("smith", "smyth", ComparisonLevel.Loose)]
    [InlineData("smith", "schmidt", ComparisonLevel.Loose)]
    [InlineData("thompson", "tomson", ComparisonLevel.Close)]
    [InlineData("김", "park", ComparisonLevel.Different)]
    [InlineData("lee", "park", ComparisonLevel.Different)]
    [InlineData("이", "", ComparisonLevel.Missing)]
    public void CompareSurname_KoreanSpellings_Level(string a, string b, ComparisonLevel expected)
    {
        Assert.Equal(expected, _comparator.CompareSurname(a, b));
        Assert.Equal(expected, _comparator.CompareSurname(b, a));
    }

    [Fact]
    public void CompareSurname_Nicknames_DoNotApply()
    {
        Assert.Equal(ComparisonLevel.Close, _comparator.Compare("bob", "robert"));
        Assert.Equal(ComparisonLevel.Different, _comparator.CompareSurname("bob", "robert"));
    }

    [Fact]
    public void Compare_OwnNicknameTable_IsUsed()
    {
        using var reader = new StringReader("alexander,sandy\n");
        var comparator = new NameComparator(NicknameTable.Load(reader));

        Assert.Equal(ComparisonLevel.Close, comparator.Compare("sandy", "alexander"));
        Assert.Equal(ComparisonLevel.Different, comparator.Compare("bob", "robert"));
    }

    [Fact]
    public void Compare_LongHangulName_UsesPooledBuffer()
    {
        var hangul = string.Concat(Enumerable.Repeat("민준", 30));
        var romanized = string.Concat(Enumerable.Repeat("minjun", 30));

        Assert.Equal(ComparisonLevel.Exact, _comparator.Compare(hangul, romanized));
    }
}
