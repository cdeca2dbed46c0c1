using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Tests.Matching.Comparators;

public sealed class EmailComparatorTests
{
    [Theory]
    [InlineData("john.smith@example.com", "john.smith@example.com", ComparisonLevel.Exact)]
    [InlineData("john.smith@example.com", "john.smith@gmail.com", ComparisonLevel.Close)]
    [InlineData("john.smith@example.com", "jonh.smith@example.com", ComparisonLevel.Close)]
    [InlineData("john.smith@example.com", "john.smit@example.com", ComparisonLevel.Close)]
    [InlineData("j.o.h.n.smith@gmail.com", "johnsmith@gmail.com", ComparisonLevel.Close)]
    [InlineData("j.ohn.smith+shop@googlemail.com", "johnsmith@gmail.com", ComparisonLevel.Close)]
    [InlineData("john+newsletter@example.com", "john@example.com", ComparisonLevel.Close)]
    [InlineData("j.o.h.n.smith@example.com", "johnsmith@example.com", ComparisonLevel.Loose)]
    [InlineData("john.smith@example.com", "john.smyth@other.com", ComparisonLevel.Loose)]
    [InlineData("john@example.com", "mary@example.com", ComparisonLevel.Different)]
    [InlineData("john.smith@example.com", "sjohn@other.org", ComparisonLevel.Different)]
    [InlineData("", "john@example.com", ComparisonLevel.Missing)]
    [InlineData("john@example.com", "", ComparisonLevel.Missing)]
    public void Compare_Addresses_Level(string a, string b, ComparisonLevel expected)
    {
        Assert.Equal(expected, EmailComparator.Compare(a, b));
        Assert.Equal(expected, EmailComparator.Compare(b, a));
    }
}
