using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Tests.Matching.Comparators;

public sealed class DoubleMetaphoneTests
{
    [Theory]
    [InlineData("smith", "SM0", "XMT")]
    [InlineData("smyth", "SM0", "XMT")]
    [InlineData("schmidt", "XMT", "SMT")]
    [InlineData("thompson", "TMSN", "TMSN")]
    [InlineData("tomson", "TMSN", "TMSN")]
    [InlineData("catherine", "K0RN", "KTRN")]
    [InlineData("kathryn", "K0RN", "KTRN")]
    [InlineData("philip", "FLP", "FLP")]
    [InlineData("filip", "FLP", "FLP")]
    [InlineData("knight", "NT", "NT")]
    [InlineData("jon", "JN", "AN")]
    [InlineData("john", "JN", "AN")]
    [InlineData("stephen", "STFN", "STFN")]
    [InlineData("steven", "STFN", "STFN")]
    [InlineData("michael", "MKL", "MXL")]
    [InlineData("xavier", "SF", "SFR")]
    [InlineData("caesar", "SSR", "SSR")]
    [InlineData("jose", "HS", "HS")]
    [InlineData("wright", "RT", "RT")]
    [InlineData("church", "XRX", "XRK")]
    [InlineData("campbell", "KMPL", "KMPL")]
    [InlineData("laugh", "LF", "LF")]
    [InlineData("edge", "AJ", "AJ")]
    [InlineData("gnome", "NM", "NM")]
    [InlineData("bach", "PK", "PK")]
    [InlineData("arnow", "ARN", "ARNF")]
    [InlineData("zhao", "J", "J")]
    [InlineData("", "", "")]
    public void Encode_DocumentedExamples_GiveCodes(string word, string primary, string alternate)
    {
        Assert.Equal((primary, alternate), DoubleMetaphone.Encode(word));
    }

    [Theory]
    [InlineData("SMITH")]
    [InlineData("Smith")]
    public void Encode_AnyCase_SameCodes(string word)
    {
        Assert.Equal(("SM0", "XMT"), DoubleMetaphone.Encode(word));
    }

    [Fact]
    public void Encode_SpanOverload_HonoursMaxLength()
    {
        Span<char> primary = stackalloc char[8];
        Span<char> alternate = stackalloc char[8];

        DoubleMetaphone.Encode("washington", primary, out var primaryLength, alternate, out var alternateLength, maxLength: 8);

        Assert.Equal("AXNKTN", primary[..primaryLength].ToString());
        Assert.Equal("FXNKTN", alternate[..alternateLength].ToString());
    }

    [Fact]
    public void Encode_BufferShorterThanMaxLength_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            Span<char> primary = stackalloc char[2];
            Span<char> alternate = stackalloc char[4];
            DoubleMetaphone.Encode("smith", primary, out _, alternate, out _);
        });
    }

    [Fact]
    public void Encode_LongWord_UsesPooledBuffer()
    {
        var word = new string('a', 100) + "smith";

        Assert.Equal(("ASM0", "ASMT"), DoubleMetaphone.Encode(word));
    }

    [Fact]
    public void Key_SameSound_SameKey()
    {
        Assert.Equal(DoubleMetaphone.Key("thompson"), DoubleMetaphone.Key("tomson"));
        Assert.Equal(DoubleMetaphone.Key("philip"), DoubleMetaphone.Key("filip"));
        Assert.NotEqual(DoubleMetaphone.Key("smith"), DoubleMetaphone.Key("jones"));
    }

    [Fact]
    public void Key_PacksPrimaryCodeBytes()
    {
        Assert.Equal(((ulong)'F' << 16) | ((ulong)'L' << 8) | 'P', DoubleMetaphone.Key("philip"));
        Assert.Equal(0UL, DoubleMetaphone.Key(""));
        Assert.Equal(DoubleMetaphone.Pack("TMSN"), DoubleMetaphone.Key("thompson"));
    }
}
