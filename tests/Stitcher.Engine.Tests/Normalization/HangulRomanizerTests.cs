using Stitcher.Engine.Normalization;

namespace Stitcher.Engine.Tests.Normalization;

public sealed class HangulRomanizerTests
{
    [Theory]
    [InlineData("김민준", "gimminjun")]
    [InlineData("민준", "minjun")]
    [InlineData("서연", "seoyeon")]
    [InlineData("서울", "seoul")]
    [InlineData("부산", "busan")]
    [InlineData("한국", "hanguk")]
    [InlineData("지훈", "jihun")]
    [InlineData("최", "choe")]
    [InlineData("쌍꺼풀", "ssangkkeopul")]
    [InlineData("설리", "seolli")]
    [InlineData("닭", "dak")]
    [InlineData("김 민준", "gim minjun")]
    [InlineData("김민준 (Kim)", "gimminjun (Kim)")]
    [InlineData("", "")]
    [InlineData("abc", "abc")]
    public void Romanize_Hangul_RevisedRomanization(string hangul, string expected)
    {
        Assert.Equal(expected, HangulRomanizer.Romanize(hangul));
    }

    [Fact]
    public void TryRomanize_DestinationLargeEnough_WritesWithoutAllocating()
    {
        Span<char> destination = stackalloc char[32];

        Assert.True(HangulRomanizer.TryRomanize("민준", destination, out var written));
        Assert.Equal("minjun", destination[..written].ToString());
    }

    [Fact]
    public void TryRomanize_DestinationTooSmall_ReturnsFalse()
    {
        Span<char> destination = stackalloc char[3];

        Assert.False(HangulRomanizer.TryRomanize("민준", destination, out _));
    }

    [Theory]
    [InlineData("김", "kim")]
    [InlineData("이", "lee")]
    [InlineData("박", "park")]
    [InlineData("최", "choi")]
    [InlineData("정", "jung")]
    [InlineData("강", "kang")]
    [InlineData("조", "cho")]
    [InlineData("윤", "yoon")]
    [InlineData("장", "jang")]
    [InlineData("임", "lim")]
    [InlineData("오", "oh")]
    [InlineData("신", "shin")]
    [InlineData("권", "kwon")]
    [InlineData("안", "ahn")]
    [InlineData("류", "yoo")]
    [InlineData("유", "yoo")]
    [InlineData("노", "noh")]
    [InlineData("엄", "um")]
    [InlineData("육", "yook")]
    [InlineData("남궁", "namgung")]
    [InlineData("선우", "sunwoo")]
    [InlineData(" 김 ", "kim")]
    [InlineData("빈", "bin")]
    public void RomanizeSurname_Surname_ConventionalSpelling(string surname, string expected)
    {
        Assert.Equal(expected, HangulRomanizer.RomanizeSurname(surname));
    }

    [Theory]
    [InlineData("이", new[] { "lee", "yi", "rhee", "i" })]
    [InlineData("박", new[] { "park", "bak", "pak" })]
    [InlineData("김", new[] { "kim", "gim" })]
    [InlineData("최", new[] { "choi", "choe", "chey" })]
    [InlineData("정", new[] { "jung", "jeong", "chung" })]
    [InlineData("조", new[] { "cho", "jo" })]
    [InlineData("윤", new[] { "yoon", "yun" })]
    public void SurnameVariants_CommonSurname_ContainsKnownSpellings(string surname, string[] expected)
    {
        var variants = HangulRomanizer.SurnameVariants(surname);

        Assert.Equal(expected[0], variants[0]);
        foreach (var spelling in expected)
        {
            Assert.Contains(spelling, variants);
        }
    }

    [Theory]
    [InlineData("김")]
    [InlineData("이")]
    [InlineData("류")]
    [InlineData("선우")]
    [InlineData("남궁")]
    [InlineData("엄")]
    [InlineData("어금")]
    public void SurnameVariants_TableSurname_IncludesRevisedRomanization(string surname)
    {
        Assert.Contains(HangulRomanizer.Romanize(surname), HangulRomanizer.SurnameVariants(surname));
    }

    [Fact]
    public void SurnameVariants_UnknownSurname_ReturnsRevisedRomanization()
    {
        Assert.Equal(["bin"], HangulRomanizer.SurnameVariants("빈"));
    }
}
