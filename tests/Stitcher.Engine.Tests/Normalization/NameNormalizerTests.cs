using Stitcher.Engine.Normalization;

namespace Stitcher.Engine.Tests.Normalization;

public sealed class NameNormalizerTests
{
    [Theory]
    [InlineData("John Smith", "john smith")]
    [InlineData("  JOHN   SMITH  ", "john smith")]
    [InlineData("O'Brien", "obrien")]
    [InlineData("O’Brien", "obrien")]
    [InlineData("O´Brien", "obrien")]
    [InlineData("Jean-Luc", "jean luc")]
    [InlineData("José Müller", "jose muller")]
    [InlineData("Zoë Ångström-Łukasz", "zoe angstrom łukasz")]
    [InlineData("Ｊｏｈｎ", "john")]
    [InlineData("Dr. John Smith Jr.", "john smith")]
    [InlineData("Mr John Smith III", "john smith")]
    [InlineData("Mrs. Jane Doe", "jane doe")]
    [InlineData("Smith, John", "smith john")]
    [InlineData("J.R.R. Tolkien", "j r r tolkien")]
    [InlineData("김민준", "김민준")]
    [InlineData("김 민준", "김민준")]
    [InlineData("남궁 민수", "남궁민수")]
    [InlineData("Kim Min-jun", "kim min jun")]
    [InlineData("김민준 (Kim)", "김민준 kim")]
    public void NormalizeForMatch_Name_Folded(string raw, string expected)
    {
        Assert.Equal(expected, NameNormalizer.NormalizeForMatch(raw));
    }

    [Fact]
    public void NormalizeForMatch_DecomposedHangul_ComesBackAsSyllables()
    {
        // 김민준 as conjoining jamo (NFD).
        var decomposed = "\u1100\u1175\u11B7\u1106\u1175\u11AB\u110C\u116E\u11AB";

        var normalized = NameNormalizer.NormalizeForMatch(decomposed);

        Assert.Equal("김민준", normalized);
    }

    [Fact]
    public void NormalizeForMatch_HangulWithAccentedLatin_KeepsSyllablesPrecomposed()
    {
        Assert.Equal("김민준 jose", NameNormalizer.NormalizeForMatch("김민준 José"));
    }

    [Fact]
    public void NormalizeForMatch_LatinExtendedChars_FastPathAgreesWithUnicodeNormalization()
    {
        for (var c = '\u00A0'; c <= '\u024F'; c++)
        {
            // "ﬁ" needs compatibility normalization, so the second name takes the ICU path for every char.
            var fast = NameNormalizer.NormalizeForMatch("x" + c + "y");
            var slow = NameNormalizer.NormalizeForMatch("\uFB01" + c + "y");

            Assert.Equal("fi" + fast![1..], slow);
        }
    }

    [Fact]
    public void NormalizeForMatch_LoneSurrogate_TreatedAsSeparatorWithoutThrowing()
    {
        // Built at run time: a lone surrogate in an attribute argument would be stored as U+FFFD.
        var raw = "José" + (char)0xD800 + "Müller" + (char)0xDC00;

        Assert.Equal("jose muller", NameNormalizer.NormalizeForMatch(raw));
    }

    [Theory]
    [InlineData("𠀀민준", "𠀀민준")]
    [InlineData("John😀Smith", "john smith")]
    public void NormalizeForMatch_SupplementaryCharacters_LettersKeptSymbolsSeparate(string raw, string expected)
    {
        Assert.Equal(expected, NameNormalizer.NormalizeForMatch(raw));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Mr.")]
    [InlineData("-- . --")]
    public void NormalizeForMatch_NothingLeft_ReturnsNull(string? raw)
    {
        Assert.Null(NameNormalizer.NormalizeForMatch(raw));
    }

    [Theory]
    [InlineData("Smith, John", "John", "Smith")]
    [InlineData("John Smith", "John", "Smith")]
    [InlineData("John Paul Smith", "John Paul", "Smith")]
    [InlineData("  Dr. John Smith Jr. ", "John", "Smith")]
    [InlineData("John Smith, Jr.", "John", "Smith")]
    [InlineData("Jean-Luc Picard", "Jean-Luc", "Picard")]
    [InlineData("Minjun Kim", "Minjun", "Kim")]
    [InlineData("Kim Min-jun", "Min-jun", "Kim")]
    [InlineData("LEE Jae-myung", "Jae-myung", "LEE")]
    [InlineData("김민준", "민준", "김")]
    [InlineData("이서연", "서연", "이")]
    [InlineData("김민", "민", "김")]
    [InlineData("남궁민수", "민수", "남궁")]
    [InlineData("제갈공명", "공명", "제갈")]
    [InlineData("선우재덕", "재덕", "선우")]
    [InlineData("황보관", "관", "황보")]
    [InlineData("김 민준", "민준", "김")]
    [InlineData("남궁 민수", "민수", "남궁")]
    [InlineData("김 민 준", "민준", "김")]
    [InlineData("김, 민준", "민준", "김")]
    public void TrySplitFullName_SplittableName_ReturnsGivenAndSurname(string fullName, string expectedGiven, string expectedSurname)
    {
        Assert.True(NameNormalizer.TrySplitFullName(fullName, out var given, out var surname));
        Assert.Equal(expectedGiven, given);
        Assert.Equal(expectedSurname, surname);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Madonna")]
    [InlineData("김")]
    [InlineData("Dr.")]
    public void TrySplitFullName_SingleToken_ReturnsFalse(string fullName)
    {
        Assert.False(NameNormalizer.TrySplitFullName(fullName, out _, out _));
    }
}
