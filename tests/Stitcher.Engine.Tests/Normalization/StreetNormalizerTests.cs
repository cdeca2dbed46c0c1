using Stitcher.Engine.Normalization;

namespace Stitcher.Engine.Tests.Normalization;

public sealed class StreetNormalizerTests
{
    [Theory]
    [InlineData("123 Main St.", "123 main street")]
    [InlineData("123 Main Street", "123 main street")]
    [InlineData("123 MAIN STR", "123 main street")]
    [InlineData("  500  Oak   Ave ", "500 oak avenue")]
    [InlineData("500 Oak Av.", "500 oak avenue")]
    [InlineData("12 Elm Rd", "12 elm road")]
    [InlineData("9 Sunset Blvd", "9 sunset boulevard")]
    [InlineData("4 Park Ln", "4 park lane")]
    [InlineData("77 Mulholland Dr", "77 mulholland drive")]
    [InlineData("1 Kings Ct", "1 kings court")]
    [InlineData("3 Bay Pl", "3 bay place")]
    [InlineData("101 Pacific Hwy", "101 pacific highway")]
    [InlineData("5 Garden State Pkwy", "5 garden state parkway")]
    [InlineData("8 Royal Cres", "8 royal crescent")]
    [InlineData("2 Queens Tce", "2 queens terrace")]
    [InlineData("10 Union Sq", "10 union square")]
    [InlineData("100 N Main St Apt 5", "100 north main street unit 5")]
    [InlineData("100 N. Main St., Apt #5", "100 north main street unit 5")]
    [InlineData("100 North Main Street #5", "100 north main street unit 5")]
    [InlineData("100 N Main St Unit 5", "100 north main street unit 5")]
    [InlineData("1 W 42nd St", "1 west 42nd street")]
    [InlineData("1st Ave", "1st avenue")]
    [InlineData("Rue de l'Église 3", "rue de leglise 3")]
    [InlineData("서울특별시 강남구 테헤란로 152", "서울 강남구 테헤란로 152")]
    [InlineData("서울시 강남구 테헤란로 152", "서울 강남구 테헤란로 152")]
    [InlineData("부산광역시 해운대구 해운대로 570", "부산 해운대구 해운대로 570")]
    [InlineData("경기도 성남시 분당구 판교역로 166", "경기 성남 분당구 판교역로 166")]
    [InlineData("세종특별자치시 한누리대로 2130", "세종 한누리대로 2130")]
    [InlineData("제주특별자치도 제주시 문연로 6", "제주 제주 문연로 6")]
    [InlineData("충청북도 청주시 상당구 상당로 82", "충북 청주 상당구 상당로 82")]
    [InlineData("서울 종로구 세종대로 209 (세종로)", "서울 종로구 세종대로 209 세종로")]
    [InlineData("강남구 역삼동 123-45", "강남구 역삼동 123 45")]
    [InlineData("판교역로 235번길 10", "판교역로 235번길 10")]
    public void NormalizeForMatch_Street_CanonicalForm(string raw, string expected)
    {
        Assert.Equal(expected, StreetNormalizer.NormalizeForMatch(raw));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ,. ")]
    public void NormalizeForMatch_NothingLeft_ReturnsNull(string? raw)
    {
        Assert.Null(StreetNormalizer.NormalizeForMatch(raw));
    }
}
