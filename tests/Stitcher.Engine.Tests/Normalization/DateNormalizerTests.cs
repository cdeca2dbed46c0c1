using Stitcher.Engine.Normalization;

namespace Stitcher.Engine.Tests.Normalization;

public sealed class DateNormalizerTests
{
    [Theory]
    [InlineData("1985-03-12")]
    [InlineData("19850312")]
    [InlineData("1985/03/12")]
    [InlineData("1985.03.12")]
    [InlineData("1985.03.12.")]
    [InlineData("1985. 3. 12.")]
    [InlineData("1985-3-12")]
    [InlineData("1985년 3월 12일")]
    [InlineData("1985년3월12일")]
    [InlineData("12 Mar 1985")]
    [InlineData("12 march 1985")]
    [InlineData("12th March 1985")]
    [InlineData("March 12, 1985")]
    [InlineData("Mar 12 1985")]
    [InlineData("12-Mar-1985")]
    [InlineData("12-MAR-1985")]
    [InlineData("1985-03-12T00:00:00")]
    [InlineData("  1985-03-12  ")]
    public void TryParseDate_UnambiguousFormat_ParsesDate(string raw)
    {
        Assert.True(DateNormalizer.TryParseDate(raw, dayFirst: false, out var date));
        Assert.Equal(new DateOnly(1985, 3, 12), date);
        Assert.True(DateNormalizer.TryParseDate(raw, dayFirst: true, out date));
        Assert.Equal(new DateOnly(1985, 3, 12), date);
    }

    [Theory]
    [InlineData("03/04/1985", true, 1985, 4, 3)]
    [InlineData("03/04/1985", false, 1985, 3, 4)]
    [InlineData("03-04-1985", true, 1985, 4, 3)]
    [InlineData("3/4/1985", false, 1985, 3, 4)]
    [InlineData("25/12/1990", false, 1990, 12, 25)]
    [InlineData("25/12/1990", true, 1990, 12, 25)]
    [InlineData("12/25/1990", true, 1990, 12, 25)]
    [InlineData("12/25/1990", false, 1990, 12, 25)]
    [InlineData("31-01-2000", false, 2000, 1, 31)]
    public void TryParseDate_NumericYearLast_ResolvesOrder(string raw, bool dayFirst, int year, int month, int day)
    {
        Assert.True(DateNormalizer.TryParseDate(raw, dayFirst, out var date));
        Assert.Equal(new DateOnly(year, month, day), date);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a date")]
    [InlineData("1985-02-30")]
    [InlineData("1985-13-01")]
    [InlineData("1985-00-10")]
    [InlineData("1900-02-29")]
    [InlineData("1899-12-31")]
    [InlineData("2101-01-01")]
    [InlineData("31/31/1990")]
    [InlineData("12/03/85")]
    [InlineData("12 Foo 1985")]
    [InlineData("1985-03")]
    [InlineData("1985-03-12-01")]
    [InlineData("198503120")]
    [InlineData("1985-03-12 garbage")]
    public void TryParseDate_ImpossibleOrUnknown_ReturnsFalse(string raw)
    {
        Assert.False(DateNormalizer.TryParseDate(raw, dayFirst: false, out _));
    }

    [Fact]
    public void TryParseDate_LeapDay_Parses()
    {
        Assert.True(DateNormalizer.TryParseDate("2000-02-29", dayFirst: false, out var date));
        Assert.Equal(new DateOnly(2000, 2, 29), date);
    }

    [Theory]
    [InlineData("2024-03-01T12:30:00+09:00", "2024-03-01T03:30:00.0000000+00:00")]
    [InlineData("2024-03-01T03:30:00Z", "2024-03-01T03:30:00.0000000+00:00")]
    [InlineData("2024-03-01T03:30:00.123Z", "2024-03-01T03:30:00.1230000+00:00")]
    [InlineData("2024-03-01T03:30:00.12345678Z", "2024-03-01T03:30:00.1234567+00:00")]
    [InlineData("2024-03-01T03:30:00", "2024-03-01T03:30:00.0000000+00:00")]
    [InlineData("2024-03-01T03:30", "2024-03-01T03:30:00.0000000+00:00")]
    [InlineData("2024-03-01 03:30:00", "2024-03-01T03:30:00.0000000+00:00")]
    [InlineData("2024-02-29T20:30:00-0700", "2024-03-01T03:30:00.0000000+00:00")]
    [InlineData("2024-03-01T12:30:00+09", "2024-03-01T03:30:00.0000000+00:00")]
    [InlineData("2024-03-01 03:30:00 UTC", "2024-03-01T03:30:00.0000000+00:00")]
    [InlineData("2024/03/01 12:30:00", "2024-03-01T12:30:00.0000000+00:00")]
    [InlineData("2024-03-01", "2024-03-01T00:00:00.0000000+00:00")]
    [InlineData("20240301", "2024-03-01T00:00:00.0000000+00:00")]
    [InlineData("2024.03.01.", "2024-03-01T00:00:00.0000000+00:00")]
    [InlineData("1709263800", "2024-03-01T03:30:00.0000000+00:00")]
    [InlineData("1709263800123", "2024-03-01T03:30:00.1230000+00:00")]
    public void TryParseTimestamp_SupportedFormat_ParsesInstant(string raw, string expectedUtc)
    {
        Assert.True(DateNormalizer.TryParseTimestamp(raw, out var timestamp));
        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), timestamp);
    }

    [Fact]
    public void TryParseTimestamp_WithOffset_KeepsOffset()
    {
        Assert.True(DateNormalizer.TryParseTimestamp("2024-03-01T12:30:00+09:00", out var timestamp));
        Assert.Equal(TimeSpan.FromHours(9), timestamp.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2024-03-01T25:00:00Z")]
    [InlineData("2024-03-01T12:60:00Z")]
    [InlineData("2024-03-01T12:30:00+15:00")]
    [InlineData("2024-03-01T12:30:00+09:00 extra")]
    [InlineData("2024-02-30T12:30:00Z")]
    [InlineData("2024-03-01T12")]
    [InlineData("12345678901")]
    [InlineData("123456789")]
    [InlineData("9999999999999")]
    public void TryParseTimestamp_Invalid_ReturnsFalse(string raw)
    {
        Assert.False(DateNormalizer.TryParseTimestamp(raw, out _));
    }
}
