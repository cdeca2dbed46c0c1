using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Tests.Matching.Comparators;

public sealed class NumericComparatorTests
{
    [Theory]
    [InlineData("94105", "94105", ComparisonLevel.Exact)]
    [InlineData("94105", "94106", ComparisonLevel.Close)]
    [InlineData("94105", "94150", ComparisonLevel.Close)]
    [InlineData("94105", "49105", ComparisonLevel.Close)]
    [InlineData("SW1A1AA", "SW1A1AB", ComparisonLevel.Close)]
    [InlineData("06236", "06263", ComparisonLevel.Close)]
    [InlineData("94105", "94199", ComparisonLevel.Loose)]
    [InlineData("94105", "9410", ComparisonLevel.Loose)]
    [InlineData("94105", "94501", ComparisonLevel.Different)]
    [InlineData("94105", "10001", ComparisonLevel.Different)]
    [InlineData("94", "95", ComparisonLevel.Close)]
    [InlineData("94", "59", ComparisonLevel.Different)]
    [InlineData("", "94105", ComparisonLevel.Missing)]
    [InlineData("94105", "", ComparisonLevel.Missing)]
    public void Postcode_Pairs_Level(string a, string b, ComparisonLevel expected)
    {
        Assert.Equal(expected, NumericComparator.Postcode(a, b));
        Assert.Equal(expected, NumericComparator.Postcode(b, a));
    }
}
