using Stitcher.Engine.Configuration;
using Stitcher.Engine.Normalization;
using Stitcher.Engine.Profiles;
using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Tests.Profiles;

public sealed class AccountKeyTests
{
    private static readonly JourneyMap s_map = new(new JourneyOptions());

    [Theory]
    [InlineData("jane@gmail.com")]
    [InlineData("Jane.Doe@GMAIL.COM")]
    [InlineData("kim@naver.com")]
    [InlineData("lee@hanmail.net")]
    [InlineData("someone@mail.yahoo.com")]
    [InlineData("test@example.com")]
    public void Of_FreeMailAndNoCompany_NoAccount(string email)
    {
        Assert.Null(AccountKey.Of(Normalized(null, email), s_map));
        Assert.Empty(AccountKey.Keys(Normalized(null, email), s_map));
    }

    [Theory]
    [InlineData("jane@acme.com", "domain:acme.com")]
    [InlineData("Jane@Sales.ACME.com", "domain:sales.acme.com")]
    [InlineData("kim@samsung.com", "domain:samsung.com")]
    [InlineData("ops@gmail.com.evil.io", "domain:gmail.com.evil.io")]
    [InlineData("ops@notgmail.com", "domain:notgmail.com")]
    public void Of_BusinessEmailNoCompany_DomainAccount(string email, string expected)
    {
        Assert.Equal(expected, AccountKey.Of(Normalized(null, email), s_map));
    }

    [Fact]
    public void Of_ConfiguredFreeMailDomain_NoAccount()
    {
        var options = new JourneyOptions();
        options.FreeEmailDomains.Add("corp-mail.io");
        var map = new JourneyMap(options);

        Assert.Null(AccountKey.Of(Normalized(null, "x@corp-mail.io"), map));
        Assert.Equal("domain:corp-mail.io", AccountKey.Of(Normalized(null, "x@corp-mail.io"), s_map));
    }

    [Theory]
    [InlineData("Acme, Inc.")]
    [InlineData("ACME Corp")]
    [InlineData("Acme Corporation")]
    [InlineData("acme llc")]
    public void Of_CompanyLegalFormsFolded_SameAccount(string company)
    {
        Assert.Equal("company:acme", AccountKey.Of(Normalized(company, "jane@gmail.com"), s_map));
    }

    [Theory]
    [InlineData("삼성전자(주)")]
    [InlineData("삼성전자 주식회사")]
    [InlineData("(주)삼성전자")]
    [InlineData("㈜삼성전자")]
    [InlineData("삼성 전자")]
    public void Of_HangulCompanyLegalFormsFolded_SameAccount(string company)
    {
        Assert.Equal("company:삼성전자", AccountKey.Of(Normalized(company, null), s_map));
    }

    [Fact]
    public void Of_CompanyAndBusinessEmail_CompanyFirst()
    {
        Assert.Equal("company:acme", AccountKey.Of(Normalized("Acme, Inc.", "jane@acme.com"), s_map));
    }

    [Fact]
    public void Keys_CompanyAndBusinessEmail_BothSoTheyCanBeJoined()
    {
        Assert.Equal(["company:acme", "domain:acme.com"], AccountKey.Keys(Normalized("ACME Corp", "bob@acme.com"), s_map));
        Assert.Equal(["company:acme"], AccountKey.Keys(Normalized("Acme, Inc.", "bob@gmail.com"), s_map));
        Assert.Equal(["domain:acme.com"], AccountKey.Keys(Normalized(null, "bob@acme.com"), s_map));
    }

    [Theory]
    [InlineData("N/A")]
    [InlineData("none")]
    [InlineData("Self-Employed")]
    [InlineData("(주)")]
    [InlineData("없음")]
    public void Of_PlaceholderCompany_FallsBackToDomain(string company)
    {
        Assert.Equal("domain:acme.com", AccountKey.Of(Normalized(company, "bob@acme.com"), s_map));
        Assert.Null(AccountKey.Of(Normalized(company, "bob@gmail.com"), s_map));
    }

    [Fact]
    public void Of_ShortOrMissingValueArray_NoAccount()
    {
        Assert.Null(AccountKey.Of([], s_map));
        Assert.Empty(AccountKey.Keys(null, "not-an-email", s_map));
    }

    [Fact]
    public void OfProfile_EveryCompanyAndBusinessDomain_DistinctAndSorted()
    {
        var profile = new StoredProfile { Values = new List<StoredValue>?[CanonicalAttributes.Count] };
        profile.Values[(int)CanonicalAttribute.Company] =
        [
            Value("ACME Corp", CompanyNormalizer.NormalizeForMatch("ACME Corp")),
            Value("Acme, Inc.", CompanyNormalizer.NormalizeForMatch("Acme, Inc.")),
            Value("(주)", "(주)"),
            Value("삼성전자(주)", CompanyNormalizer.NormalizeForMatch("삼성전자(주)")),
        ];
        profile.Values[(int)CanonicalAttribute.Email] =
        [
            Value("Bob@ACME.com", "bob@acme.com"),
            Value("bob@gmail.com", "bob@gmail.com"),
            Value("robert@acme.com", "robert@acme.com"),
            Value("bob at acme", "bob at acme"),
        ];

        Assert.Equal(["company:acme", "company:삼성전자", "domain:acme.com"], AccountKey.OfProfile(profile, s_map));
    }

    [Fact]
    public void OfProfile_NoValues_Empty()
    {
        Assert.Empty(AccountKey.OfProfile(new StoredProfile(), s_map));
    }

    private static string?[] Normalized(string? company, string? email)
    {
        var normalized = new string?[CanonicalAttributes.Count];
        normalized[(int)CanonicalAttribute.Company] = CompanyNormalizer.NormalizeForMatch(company);
        if (email is not null && EmailNormalizer.TryNormalize(email, out var normalizedEmail))
        {
            normalized[(int)CanonicalAttribute.Email] = normalizedEmail;
        }
        return normalized;
    }

    private static StoredValue Value(string display, string? key) => new() { Value = display, Key = key ?? display, Count = 1 };
}
