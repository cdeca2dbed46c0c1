using Stitcher.Engine.Normalization;

namespace Stitcher.Engine.Tests.Normalization;

public sealed class DisplayTextTests
{
    [Theory]
    [InlineData("LINDA", "Linda")]
    [InlineData("o'brien", "O'Brien")]
    [InlineData("MARY-JANE", "Mary-Jane")]
    [InlineData("MCDONALD", "McDonald")]
    [InlineData("  ann   lee ", "Ann Lee")]
    [InlineData("LUDWIG VAN BEETHOVEN", "Ludwig van Beethoven")]
    [InlineData("DeShawn", "DeShawn")]
    [InlineData("McKenzie", "McKenzie")]
    [InlineData("김민준", "김민준")]
    [InlineData("ÉLODIE", "Élodie")]
    public void Name_AllOneCase_IsCasedForPeopleAndMixedCaseIsLeft(string value, string expected) => Assert.Equal(expected, DisplayText.Name(value));

    [Theory]
    [InlineData("Martin, Sarah", "Sarah Martin")]
    [InlineData("MARTIN, SARAH", "Sarah Martin")]
    [InlineData("John Smith, Jr.", "John Smith, Jr.")]
    [InlineData("sarah martin", "Sarah Martin")]
    public void FullName_InvertedOrOneCase_ReadsInOrder(string value, string expected) => Assert.Equal(expected, DisplayText.FullName(value));

    [Theory]
    [InlineData("+14155550132", "US", "(415) 555-0132")]
    [InlineData("+821012345678", "KR", "010-1234-5678")]
    [InlineData("+821012345678", "US", "+82 10-1234-5678")]
    [InlineData("+14988232993", "US", "(498) 823-2993")]
    [InlineData("not a phone", "US", "not a phone")]
    public void Phone_NationalInItsOwnRegionInternationalElsewhere(string e164, string region, string expected) =>
        Assert.Equal(expected, DisplayText.Phone(e164, region));
}
