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
}
