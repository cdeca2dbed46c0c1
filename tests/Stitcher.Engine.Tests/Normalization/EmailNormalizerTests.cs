using Stitcher.Engine.Normalization;

namespace Stitcher.Engine.Tests.Normalization;

public sealed class EmailNormalizerTests
{
    [Theory]
    [InlineData("john.smith@example.com", "john.smith@example.com")]
    [InlineData("  John.Smith@Example.COM \t", "john.smith@example.com")]
    [InlineData("MINJUN.KIM@NAVER.COM", "minjun.kim@naver.com")]
    [InlineData("kim+promo@daum.net", "kim+promo@daum.net")]
    [InlineData("o'brien@mail.co.uk", "o'brien@mail.co.uk")]
    public void TryNormalize_PlausibleAddress_TrimmedAndLowercased(string raw, string expected)
    {
        Assert.True(EmailNormalizer.TryNormalize(raw, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("john.smith")]
    [InlineData("@example.com")]
    [InlineData("john@")]
    [InlineData("john@@example.com")]
    [InlineData("john@smith@example.com")]
    [InlineData("john@localhost")]
    [InlineData("john@.example.com")]
    [InlineData("john@example.com.")]
    [InlineData("john@example..com")]
    [InlineData("john smith@example.com")]
    [InlineData("john@exam ple.com")]
    [InlineData("김민준@네이버")]
    public void TryNormalize_MalformedAddress_ReturnsFalse(string raw)
    {
        Assert.False(EmailNormalizer.TryNormalize(raw, out _));
    }

    [Fact]
    public void TryNormalize_LongerThanRfcLimit_ReturnsFalse()
    {
        var raw = new string('a', 250) + "@example.com";

        Assert.False(EmailNormalizer.TryNormalize(raw, out _));
    }

    [Theory]
    [InlineData("ahartoutlook.com", "ahart@outlook.com")]
    [InlineData(" AHartGmail.com ", "ahart@gmail.com")]
    [InlineData("kim.minjunnaver.com", "kim.minjun@naver.com")]
    [InlineData("leehotmail.com", "lee@hotmail.com")]
    public void TryRepairLostAt_AProviderDomainAfterAMailbox_PutsTheAtBack(string raw, string expected)
    {
        Assert.True(EmailNormalizer.TryRepairLostAt(raw, out var repaired));
        Assert.Equal(expected, repaired);
    }

    [Theory]
    [InlineData("gmail.com")]
    [InlineData("xgmail.com")]
    [InlineData("john.smith.gmail.com")]
    [InlineData("ahart@outlook.com")]
    [InlineData("ahartexample.com")]
    [InlineData("acme.com")]
    [InlineData("www.acme.com")]
    [InlineData("senate.com")]
    [InlineData("welcome.com")]
    [InlineData("jdoerocketmail.com")]
    [InlineData("www.yahoo.com")]
    [InlineData("not an email")]
    public void TryRepairLostAt_AnythingElse_IsNotRepaired(string raw) => Assert.False(EmailNormalizer.TryRepairLostAt(raw, out _));
}
