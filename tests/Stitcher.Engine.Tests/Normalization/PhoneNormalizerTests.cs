using Stitcher.Engine.Normalization;

namespace Stitcher.Engine.Tests.Normalization;

public sealed class PhoneNormalizerTests
{
    [Theory]
    [InlineData("010-1234-5678", "KR", "+821012345678")]
    [InlineData("01012345678", "KR", "+821012345678")]
    [InlineData("+82 10 1234 5678", "KR", "+821012345678")]
    [InlineData("+82 10 1234 5678", "US", "+821012345678")]
    [InlineData("02-123-4567", "KR", "+8221234567")]
    [InlineData("02-1234-5678", "KR", "+82212345678")]
    [InlineData("(415) 555-0132", "US", "+14155550132")]
    [InlineData("+1 415 555 0132", "US", "+14155550132")]
    [InlineData("+1 415 555 0132", "KR", "+14155550132")]
    [InlineData("415.555.0132", "US", "+14155550132")]
    [InlineData("+44 20 7946 0958", "US", "+442079460958")]
    public void TryNormalize_ValidNumber_ReturnsE164(string raw, string defaultRegion, string expected)
    {
        var normalizer = new PhoneNormalizer(defaultRegion);

        Assert.True(normalizer.TryNormalize(raw, regionHint: null, out var e164));
        Assert.Equal(expected, e164);
    }

    [Theory]
    [InlineData("010-1234-5678", "US", "KR", "+821012345678")]
    [InlineData("(415) 555-0132", "KR", "US", "+14155550132")]
    [InlineData("010-1234-5678", "KR", "ZZ", "+821012345678")]
    public void TryNormalize_RegionHint_OverridesDefaultRegion(string raw, string defaultRegion, string hint, string expected)
    {
        var normalizer = new PhoneNormalizer(defaultRegion);

        Assert.True(normalizer.TryNormalize(raw, hint, out var e164));
        Assert.Equal(expected, e164);
    }

    [Theory]
    [InlineData("", "US")]
    [InlineData("n/a", "US")]
    [InlineData("123", "US")]
    [InlineData("12345", "US")]
    [InlineData("555-0132", "US")]
    [InlineData("010-1234", "KR")]
    [InlineData("000-0000-0000", "KR")]
    [InlineData("+1 123 456 7890", "US")]
    public void TryNormalize_TooShortOrInvalid_ReturnsFalse(string raw, string defaultRegion)
    {
        var normalizer = new PhoneNormalizer(defaultRegion);

        Assert.False(normalizer.TryNormalize(raw, regionHint: null, out _));
    }

    [Theory]
    [InlineData("kr", "KR")]
    [InlineData(" US ", "US")]
    public void Constructor_RegionInAnyCase_UsesUppercaseRegion(string region, string expected)
    {
        Assert.Equal(expected, new PhoneNormalizer(region).DefaultRegion);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ZZ")]
    [InlineData("USA")]
    [InlineData("Korea")]
    public void Constructor_UnknownRegion_ThrowsArgumentException(string region)
    {
        var exception = Assert.Throws<ArgumentException>(() => new PhoneNormalizer(region));

        Assert.Equal("defaultRegion", exception.ParamName);
        Assert.Contains("ISO 3166 alpha-2", exception.Message);
    }

    [Theory]
    [InlineData("(498) 823-2993", "US", PhoneCheck.Possible, "+14988232993")]
    [InlineData("+1 498 823 2993", "KR", PhoneCheck.Possible, "+14988232993")]
    [InlineData("(415) 555-0132", "US", PhoneCheck.Valid, "+14155550132")]
    [InlineData("000-000-0000", "US", PhoneCheck.Invalid, "")]
    [InlineData("(211) 823-2993", "US", PhoneCheck.Invalid, "")]
    [InlineData("(498) 123-2993", "US", PhoneCheck.Invalid, "")]
    [InlineData("555-0132", "US", PhoneCheck.Invalid, "")]
    [InlineData("010-1234", "KR", PhoneCheck.Invalid, "")]
    [InlineData("12345", "US", PhoneCheck.Invalid, "")]
    public void Check_UnassignedButWellFormedNumbers_ArePossibleAndKeepTheirCountryCode(string raw, string region, PhoneCheck expected, string expectedE164)
    {
        var normalizer = new PhoneNormalizer(region);

        Assert.Equal(expected, normalizer.Check(raw, regionHint: null, out var e164));
        Assert.Equal(expectedE164, e164);
        Assert.Equal(expected == PhoneCheck.Valid, normalizer.TryNormalize(raw, regionHint: null, out _));
    }
}
