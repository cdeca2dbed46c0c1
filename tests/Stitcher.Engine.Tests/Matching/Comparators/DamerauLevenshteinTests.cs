using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Tests.Matching.Comparators;

public sealed class DamerauLevenshteinTests
{
    [Theory]
    [InlineData("ca", "abc", 3)]
    [InlineData("smith", "smtih", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("ab", "ba", 1)]
    [InlineData("abcdef", "abcfed", 2)]
    [InlineData("abc", "abc", 0)]
    [InlineData("a", "b", 1)]
    [InlineData("", "abc", 3)]
    [InlineData("abc", "", 3)]
    [InlineData("", "", 0)]
    [InlineData("flaw", "lawn", 2)]
    [InlineData("jonathan", "johnathan", 1)]
    [InlineData("94105", "94150", 1)]
    public void Distance_KnownPairs_OptimalStringAlignment(string a, string b, int expected)
    {
        Assert.Equal(expected, DamerauLevenshtein.Distance(a, b));
        Assert.Equal(expected, DamerauLevenshtein.Distance(b, a));
    }

    [Theory]
    [InlineData("kitten", "sitting", 0, 1)]
    [InlineData("kitten", "sitting", 1, 2)]
    [InlineData("kitten", "sitting", 2, 3)]
    [InlineData("kitten", "sitting", 3, 3)]
    [InlineData("abc", "abc", 0, 0)]
    [InlineData("abc", "abd", 0, 1)]
    [InlineData("a", "abcdefgh", 2, 3)]
    [InlineData("smith", "smtih", 1, 1)]
    public void Distance_MaxDistance_StopsAtMaxPlusOne(string a, string b, int maxDistance, int expected)
    {
        Assert.Equal(expected, DamerauLevenshtein.Distance(a, b, maxDistance));
    }

    [Fact]
    public void Distance_NegativeMaxDistance_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DamerauLevenshtein.Distance("a", "b", -1));
    }

    [Fact]
    public void Distance_RandomStrings_AgreeWithFullMatrix()
    {
        var random = new Random(4321);
        for (var n = 0; n < 3000; n++)
        {
            var longOnes = n % 10 == 0;
            var a = JaroWinklerTests.RandomText(random, random.Next(0, longOnes ? 150 : 10));
            var b = random.Next(3) == 0 ? JaroWinklerTests.RandomText(random, random.Next(0, longOnes ? 150 : 10)) : JaroWinklerTests.Mutate(random, a);
            var expected = Reference(a, b);
            Assert.Equal(expected, DamerauLevenshtein.Distance(a, b));
            var limit = random.Next(0, 4);
            Assert.Equal(Math.Min(expected, limit + 1), DamerauLevenshtein.Distance(a, b, limit));
        }
    }

    private static int Reference(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
