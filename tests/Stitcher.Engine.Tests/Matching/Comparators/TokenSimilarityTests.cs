using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Tests.Matching.Comparators;

public sealed class TokenSimilarityTests
{
    [Theory]
    [InlineData("12 high street", "12 high street", 1.0)]
    [InlineData("12 high street", "12 high st", 0.9407)]
    [InlineData("high street 12", "12 high street", 1.0)]
    [InlineData("12  high   street", "12 high street", 1.0)]
    [InlineData("a b", "c d", 0.0)]
    public void MongeElkan_Addresses_ScoresTokenByToken(string a, string b, double expected)
    {
        Assert.Equal(expected, TokenSimilarity.MongeElkan(a, b), 4);
        Assert.Equal(expected, TokenSimilarity.MongeElkan(b, a), 4);
    }

    [Fact]
    public void MongeElkan_ExtraTokens_AverageBothDirections()
    {
        // Forward: every token of "12 high street" is found (1); backward: "flat" and "3" find little.
        var score = TokenSimilarity.MongeElkan("12 high street", "flat 3 12 high street");

        Assert.InRange(score, 0.7, 0.95);
        Assert.Equal(score, TokenSimilarity.MongeElkan("flat 3 12 high street", "12 high street"), 12);
    }

    [Theory]
    [InlineData("12 high street", "flat 3 12 high street", 1.0)]
    [InlineData("12 high street", "12 high st", 2.0 / 3)]
    [InlineData("12 high street", "high street 12", 1.0)]
    [InlineData("a a b", "a c", 0.5)]
    [InlineData("12 high street", "40 low road", 0.0)]
    [InlineData(" 12  high ", "12 high", 1.0)]
    public void TokenSetRatio_Addresses_ShareOfSmallerSet(string a, string b, double expected)
    {
        Assert.Equal(expected, TokenSimilarity.TokenSetRatio(a, b), 10);
        Assert.Equal(expected, TokenSimilarity.TokenSetRatio(b, a), 10);
    }

    [Theory]
    [InlineData("", "12 high street")]
    [InlineData("   ", "12 high street")]
    [InlineData("12 high street", "")]
    public void Both_NoTokens_AreZero(string a, string b)
    {
        Assert.Equal(0.0, TokenSimilarity.MongeElkan(a, b));
        Assert.Equal(0.0, TokenSimilarity.TokenSetRatio(a, b));
    }

    [Fact]
    public void Both_ManyTokens_UsePooledBuffers()
    {
        var a = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"t{i}"));
        var b = string.Join(' ', Enumerable.Range(20, 40).Select(i => $"t{i}"));

        Assert.Equal(0.5, TokenSimilarity.TokenSetRatio(a, b), 10);
        Assert.Equal(1.0, TokenSimilarity.MongeElkan(a, a), 10);
    }

    [Fact]
    public void MongeElkanWithFloor_ManyAddressPairs_ExactAtOrAboveTheFloorAndBelowOtherwise()
    {
        var random = new Random(7);
        string[] words = ["12", "21", "183", "18", "high", "hihg", "street", "st", "main", "flat", "3", "올림픽로", "올림픽료", "종로구", "종로", "road"];
        // Up to 40 tokens a side: past 32 in all, the floored version falls back to the full computation.
        string Address() => string.Join(' ', Enumerable.Range(0, random.Next(0, 10) == 0 ? random.Next(17, 40) : random.Next(1, 7))
            .Select(_ => words[random.Next(words.Length)]));
        var below = 0;
        var atOrAbove = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var (a, b) = (Address(), Address());
            foreach (var floor in new[] { 0.8, 0.95, 0.5 })
            {
                var full = TokenSimilarity.MongeElkan(a, b);
                var floored = TokenSimilarity.MongeElkan(a, b, floor);
                if (full >= floor)
                {
                    Assert.Equal(full, floored);
                    atOrAbove++;
                }
                else
                {
                    Assert.True(floored < floor, $"'{a}' / '{b}' at {floor}: {floored} (full {full})");
                    below++;
                }
            }
        }
        // Both branches were exercised many times.
        Assert.True(below > 1000 && atOrAbove > 1000, $"{below} below, {atOrAbove} at or above");
    }

    [Fact]
    public void TokenMask_SharedToken_MasksOverlap_NoneShared_UsuallyApart()
    {
        Assert.NotEqual(0UL, TokenSimilarity.TokenMask("12 high street") & TokenSimilarity.TokenMask("flat 3 high road"));
        Assert.Equal(TokenSimilarity.TokenMask("high  street "), TokenSimilarity.TokenMask(" street high"));
        Assert.Equal(0UL, TokenSimilarity.TokenMask("   "));
        var random = new Random(11);
        var apart = 0;
        for (var i = 0; i < 5_000; i++)
        {
            var a = $"{random.Next(1000)} w{random.Next(500)} r{random.Next(50)}";
            var b = $"{random.Next(1000)} w{random.Next(500)} s{random.Next(50)}";
            var overlap = (TokenSimilarity.TokenMask(a) & TokenSimilarity.TokenMask(b)) != 0;
            // Never apart when a token is shared: the mask may only say "maybe".
            Assert.True(overlap || TokenSimilarity.TokenSetRatio(a, b) == 0);
            apart += overlap ? 0 : 1;
        }
        Assert.True(apart > 3_000, $"{apart} of 5000 told apart by the mask");
    }
}
