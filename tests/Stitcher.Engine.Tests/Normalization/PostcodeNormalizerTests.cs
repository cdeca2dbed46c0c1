using Stitcher.Engine.Normalization;

namespace Stitcher.Engine.Tests.Normalization;

public sealed class PostcodeNormalizerTests
{
    [Theory]
    [InlineData("94105", "94105")]
    [InlineData("94105-1234", "94105")]
    [InlineData("941051234", "94105")]
    [InlineData("02134", "02134")]
    [InlineData("06236", "06236")]
    [InlineData(" 06236 ", "06236")]
    [InlineData("135-080", "135080")]
    [InlineData("sw1a 1aa", "SW1A1AA")]
    [InlineData("SW1A 1AA", "SW1A1AA")]
    [InlineData("K1A 0B1", "K1A0B1")]
    [InlineData("100-0001", "1000001")]
    [InlineData("〒100-0001", "1000001")]
    [InlineData("０６２３６", "06236")]
    public void Normalize_Postcode_UppercaseWithoutSeparators(string raw, string expected)
    {
        Assert.Equal(expected, PostcodeNormalizer.Normalize(raw));
    }

    [Fact]
    public void Normalize_AlreadyNormalized_ReturnsSameInstance()
    {
        var raw = "06236";

        Assert.Same(raw, PostcodeNormalizer.Normalize(raw));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" - ")]
    [InlineData("123456789012345678901234567890123")]
    public void Normalize_EmptyOrTooLong_ReturnsNull(string? raw)
    {
        Assert.Null(PostcodeNormalizer.Normalize(raw));
    }
}
