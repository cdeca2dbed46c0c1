using Stitcher.Engine.Normalization;

namespace Stitcher.Engine.Tests.Normalization;

public sealed class CompanyNormalizerTests
{
    [Theory]
    [InlineData("Acme, Inc.", "acme")]
    [InlineData("ACME INC", "acme")]
    [InlineData("Samsung Electronics Co., Ltd.", "samsung electronics")]
    [InlineData("Widgets LLC", "widgets")]
    [InlineData("Siemens GmbH", "siemens")]
    [InlineData("Contoso Corp.", "contoso")]
    [InlineData("Co-op Bank", "co op bank")]
    [InlineData("Nestlé S.A.", "nestle s a")]
    [InlineData("삼성전자 주식회사", "삼성전자")]
    [InlineData("주식회사 카카오", "카카오")]
    [InlineData("(주)카카오", "카카오")]
    [InlineData("㈜카카오", "카카오")]
    [InlineData("카카오 뱅크", "카카오뱅크")]
    [InlineData("Inc.", "inc")]
    public void NormalizeForMatch_Company_LegalFormDropped(string raw, string expected)
    {
        Assert.Equal(expected, CompanyNormalizer.NormalizeForMatch(raw));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    [InlineData("(주)")]
    public void NormalizeForMatch_NothingLeft_ReturnsNull(string? raw)
    {
        Assert.Null(CompanyNormalizer.NormalizeForMatch(raw));
    }
}
