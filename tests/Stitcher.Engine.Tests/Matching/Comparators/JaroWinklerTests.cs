using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Tests.Matching.Comparators;

public sealed class JaroWinklerTests
{
    [Theory]
    [InlineData("martha", "marhta", 0.9611)]
    [InlineData("dixon", "dicksonx", 0.8133)]
    [InlineData("dwayne", "duane", 0.84)]
    [InlineData("jones", "johnson", 0.8324)]
    [InlineData("crate", "trace", 0.7333)]
    [InlineData("abc", "abc", 1.0)]
    [InlineData("a", "b", 0.0)]
    [InlineData("abc", "xyz", 0.0)]
    [InlineData("street", "st", 0.8222)]
    public void Similarity_KnownPairs_MatchPublishedValues(string a, string b, double expected)
    {
        Assert.Equal(expected, JaroWinkler.Similarity(a, b), 4);
        Assert.Equal(expected, JaroWinkler.Similarity(b, a), 4);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("", "abc")]
    [InlineData("abc", "")]
    public void Similarity_EitherEmpty_IsZero(string a, string b)
    {
        Assert.Equal(0.0, JaroWinkler.Similarity(a, b));
    }

    [Fact]
    public void Similarity_BelowBoostThreshold_GetsNoPrefixBonus()
    {
        // Jaro("abcdefgh", "abxyzuvw") = (2/8 + 2/8 + 1) / 3 = 0.5: a shared prefix must not lift it.
        Assert.Equal(0.5, JaroWinkler.Similarity("abcdefgh", "abxyzuvw"), 10);
    }

    [Fact]
    public void Similarity_LongStrings_AgreeWithReference()
    {
        var random = new Random(1234);
        for (var n = 0; n < 200; n++)
        {
            var a = RandomText(random, random.Next(100, 300));
            var b = Mutate(random, a);
            Assert.Equal(Reference(a, b), JaroWinkler.Similarity(a, b), 12);
        }
    }

    [Fact]
    public void Similarity_ShortRandomStrings_AgreeWithReference()
    {
        var random = new Random(99);
        for (var n = 0; n < 2000; n++)
        {
            var a = RandomText(random, random.Next(1, 12));
            var b = random.Next(3) == 0 ? RandomText(random, random.Next(1, 12)) : Mutate(random, a);
            Assert.Equal(Reference(a, b), JaroWinkler.Similarity(a, b), 12);
        }
    }

    internal static string RandomText(Random random, int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)('a' + random.Next(6));
        }
        return new string(chars);
    }

    internal static string Mutate(Random random, string text)
    {
        var chars = new List<char>(text);
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits && chars.Count > 1; e++)
        {
            var i = random.Next(chars.Count - 1);
            switch (random.Next(4))
            {
                case 0:
                    chars[i] = (char)('a' + random.Next(6));
                    break;
                case 1:
                    chars.RemoveAt(i);
                    break;
                case 2:
                    chars.Insert(i, (char)('a' + random.Next(6)));
                    break;
                default:
                    (chars[i], chars[i + 1]) = (chars[i + 1], chars[i]);
                    break;
            }
        }
        return new string([.. chars]);
    }

    // The textbook definition, written plainly with arrays.
    private static double Reference(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }
        var window = Math.Max(0, (Math.Max(a.Length, b.Length) / 2) - 1);
        var matchedA = new bool[a.Length];
        var matchedB = new bool[b.Length];
        var m = 0;
        for (var i = 0; i < a.Length; i++)
        {
            for (var j = Math.Max(0, i - window); j < Math.Min(b.Length, i + window + 1); j++)
            {
                if (!matchedB[j] && a[i] == b[j])
                {
                    matchedA[i] = matchedB[j] = true;
                    m++;
                    break;
                }
            }
        }
        if (m == 0)
        {
            return 0;
        }
        var sequenceA = new List<char>();
        var sequenceB = new List<char>();
        for (var i = 0; i < a.Length; i++)
        {
            if (matchedA[i])
            {
                sequenceA.Add(a[i]);
            }
        }
        for (var j = 0; j < b.Length; j++)
        {
            if (matchedB[j])
            {
                sequenceB.Add(b[j]);
            }
        }
        var half = 0;
        for (var k = 0; k < m; k++)
        {
            if (sequenceA[k] != sequenceB[k])
            {
                half++;
            }
        }
        var jaro = (((double)m / a.Length) + ((double)m / b.Length) + ((m - (half / 2)) / (double)m)) / 3;
        if (jaro <= 0.7)
        {
            return jaro;
        }
        var prefix = 0;
        while (prefix < Math.Min(4, Math.Min(a.Length, b.Length)) && a[prefix] == b[prefix])
        {
            prefix++;
        }
        return jaro + (prefix * 0.1 * (1 - jaro));
    }

    [Fact]
    public void IsAtLeast_RandomAndLookAlikeStrings_SameAnswerAsTheSimilarity()
    {
        // Email local parts of people with related names: the bound must never say no where the similarity says yes.
        string[] stems = ["john.smith", "jsmith", "smith.john", "jon.smyth", "mary.jones", "kim.minjun", "minjun.kim", "gunwoo.kwon", "gkwon", "aaaa", "김민준"];
        var random = new Random(3);
        var checkedPairs = 0;
        var boundedAway = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var a = stems[random.Next(stems.Length)] + random.Next(100_000);
            var b = random.Next(4) == 0 ? a[..^1] + (char)('0' + random.Next(10)) : stems[random.Next(stems.Length)] + random.Next(100_000);
            var similarity = JaroWinkler.Similarity(a, b);
            Assert.True(JaroWinkler.UpperBound(a, b) >= similarity - 1e-12, $"{a} / {b}");
            foreach (var threshold in (double[])[0.8, 0.9, 0.95])
            {
                Assert.Equal(similarity >= threshold, JaroWinkler.IsAtLeast(a, b, threshold));
                checkedPairs++;
                boundedAway += JaroWinkler.UpperBound(a, b) < threshold ? 1 : 0;
            }
        }
        // The bound does answer for some pairs without the full comparison.
        Assert.InRange(boundedAway, checkedPairs / 20, checkedPairs);
    }
}
