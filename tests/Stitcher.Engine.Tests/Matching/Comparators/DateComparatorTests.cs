using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Tests.Matching.Comparators;

public sealed class DateComparatorTests
{
    [Theory]
    [InlineData(19850412, 19850412, ComparisonLevel.Exact)]
    [InlineData(0, 19850412, ComparisonLevel.Missing)]
    [InlineData(19850412, 0, ComparisonLevel.Missing)]
    [InlineData(0, 0, ComparisonLevel.Missing)]
    [InlineData(19850412, 19851204, ComparisonLevel.Close)]
    [InlineData(19850412, 19850413, ComparisonLevel.Close)]
    [InlineData(19850412, 19850712, ComparisonLevel.Close)]
    [InlineData(19850412, 19860412, ComparisonLevel.Close)]
    [InlineData(19891231, 19901231, ComparisonLevel.Close)]
    [InlineData(19850412, 19950412, ComparisonLevel.Close)]
    [InlineData(19991231, 20091231, ComparisonLevel.Close)]
    [InlineData(19850412, 19850428, ComparisonLevel.Loose)]
    [InlineData(19850412, 19700412, ComparisonLevel.Loose)]
    [InlineData(19850412, 19900101, ComparisonLevel.Different)]
    [InlineData(19850412, 19840413, ComparisonLevel.Different)]
    [InlineData(19850412, 19871204, ComparisonLevel.Different)]
    public void Compare_Dates_Level(int a, int b, ComparisonLevel expected)
    {
        Assert.Equal(expected, DateComparator.Compare(a, b));
        Assert.Equal(expected, DateComparator.Compare(b, a));
    }
}
