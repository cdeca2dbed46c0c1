using Stitcher.Engine.Normalization;

namespace Stitcher.Engine.Tests.Normalization;

public sealed class CountryNormalizerTests
{
    [Theory]
    [InlineData("US", "US")]
    [InlineData("usa", "US")]
    [InlineData("U.S.A.", "US")]
    [InlineData("United States", "US")]
    [InlineData("  united   STATES of America ", "US")]
    [InlineData("KR", "KR")]
    [InlineData("KOR", "KR")]
    [InlineData("South Korea", "KR")]
    [InlineData("Korea", "KR")]
    [InlineData("Republic of Korea", "KR")]
    [InlineData("Korea, Republic of", "KR")]
    [InlineData("대한민국", "KR")]
    [InlineData("한국", "KR")]
    [InlineData("AU", "AU")]
    [InlineData("Australia", "AU")]
    [InlineData("GB", "GB")]
    [InlineData("UK", "GB")]
    [InlineData("United Kingdom", "GB")]
    [InlineData("DE", "DE")]
    [InlineData("Germany", "DE")]
    [InlineData("FR", "FR")]
    [InlineData("France", "FR")]
    [InlineData("CA", "CA")]
    [InlineData("Canada", "CA")]
    [InlineData("JP", "JP")]
    [InlineData("Japan", "JP")]
    [InlineData("일본", "JP")]
    [InlineData("North Korea", "KP")]
    [InlineData("nz", "NZ")]
    [InlineData("pt", "PT")]
    public void TryGetRegion_KnownCountry_ReturnsAlpha2(string raw, string expected)
    {
        Assert.True(CountryNormalizer.TryGetRegion(raw, out var region));
        Assert.Equal(expected, region);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ZZ")]
    [InlineData("Atlantis")]
    [InlineData("XYZ")]
    public void TryGetRegion_UnknownCountry_ReturnsFalse(string raw)
    {
        Assert.False(CountryNormalizer.TryGetRegion(raw, out _));
    }
}
