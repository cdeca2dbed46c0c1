using Stitcher.Engine.Normalization;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Tests.Normalization;

public sealed class RecordNormalizerTests
{
    private static string?[] Record(params (CanonicalAttribute Field, string? Value)[] values)
    {
        var record = new string?[CanonicalAttributes.Count];
        foreach (var (field, value) in values)
        {
            record[(int)field] = value;
        }
        return record;
    }

    private static string?[] Normalized() => new string?[CanonicalAttributes.Count];

    [Fact]
    public void TryNormalize_OneNormalizerOnAllCores_SameResultsAsOneAtATime()
    {
        // The engine normalizes a batch in parallel with one normalizer (libphonenumber's util is shared).
        string[] phones = ["010-1234-5678", "(415) 555-0132", "+82 10 9876 5432", "415.555.0199 x12", "02-312-3456", "12", "+1 212 555 0100"];
        string[] names = ["김민준", "Min-jun KIM", "José Álvarez", "  mary  ", "O'Brien"];
        string[] dates = ["1985-03-12", "12/03/1985", "1985년 3월 12일", "1985-02-30"];
        var rows = Enumerable.Range(0, 4000).Select(i => Record(
            (CanonicalAttribute.RecordId, "r" + i),
            (CanonicalAttribute.Timestamp, "2024-03-01T12:30:00Z"),
            (CanonicalAttribute.Phone, phones[i % phones.Length]),
            (CanonicalAttribute.GivenName, names[i % names.Length]),
            (CanonicalAttribute.Email, i % 3 == 0 ? "Bad@@x" : $" User{i}@Example.COM "),
            (CanonicalAttribute.DateOfBirth, dates[i % dates.Length]))).ToArray();
        var normalizer = new RecordNormalizer("US", dayFirst: false, ["KR"]);
        string Run(string?[] raw)
        {
            var normalized = Normalized();
            var issues = new List<FieldIssue>();
            var accepted = normalizer.TryNormalize(raw, normalized, issues);
            return $"{accepted}|{string.Join(",", normalized)}|{string.Join(",", issues.Select(x => x.Field + ":" + x.Reason))}";
        }

        var sequential = rows.Select(Run).ToArray();
        var parallel = new string[rows.Length];
        Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = Run(rows[i]));

        Assert.Equal(sequential, parallel);
    }

    [Theory]
    [InlineData(null, "010-1234-5678", "+821012345678")]
    [InlineData(null, "(415) 555-0132", "+14155550132")]
    [InlineData("US", "010-1234-5678", null)]
    public void TryNormalize_NumberInvalidForDefaultRegion_FallbackRegionTriedOnlyWithoutCountry(string? country, string phone, string? expected)
    {
        var raw = Record(
            (CanonicalAttribute.RecordId, "r1"),
            (CanonicalAttribute.Timestamp, "2024-03-01T12:30:00Z"),
            (CanonicalAttribute.Phone, phone),
            (CanonicalAttribute.Country, country));
        var normalized = Normalized();
        var issues = new List<FieldIssue>();

        Assert.True(new RecordNormalizer("US", dayFirst: false, ["KR"]).TryNormalize(raw, normalized, issues));

        Assert.Equal(expected, normalized[(int)CanonicalAttribute.Phone]);
        Assert.Equal(expected is null ? 1 : 0, issues.Count);
    }

    [Fact]
    public void TryNormalize_EnglishRecord_AllFieldsMatchReady()
    {
        var raw = Record(
            (CanonicalAttribute.RecordId, " web-001 "),
            (CanonicalAttribute.Timestamp, "2024-03-01T12:30:00+09:00"),
            (CanonicalAttribute.EventType, "signup"),
            (CanonicalAttribute.GivenName, "José"),
            (CanonicalAttribute.Surname, "O'Brien"),
            (CanonicalAttribute.Email, " Jose.OBrien@Example.COM "),
            (CanonicalAttribute.Phone, "(415) 555-0132"),
            (CanonicalAttribute.DateOfBirth, "03/04/1985"),
            (CanonicalAttribute.Street, "100 N. Main St., Apt #5"),
            (CanonicalAttribute.City, "San Francisco"),
            (CanonicalAttribute.State, "CA"),
            (CanonicalAttribute.Postcode, "94105-1234"),
            (CanonicalAttribute.Country, "United States"),
            (CanonicalAttribute.Company, "Acme, Inc."),
            (CanonicalAttribute.CustomerId, " C-42 "),
            (CanonicalAttribute.LoyaltyId, "L-7"),
            (CanonicalAttribute.DeviceId, "dev-9"),
            (CanonicalAttribute.AccountId, "acct-1"));
        var normalized = Normalized();
        var issues = new List<FieldIssue>();

        var accepted = new RecordNormalizer("KR", dayFirst: false).TryNormalize(raw, normalized, issues);

        Assert.True(accepted);
        Assert.Empty(issues);
        Assert.Equal("web-001", normalized[(int)CanonicalAttribute.RecordId]);
        Assert.Equal("2024-03-01T03:30:00.0000000Z", normalized[(int)CanonicalAttribute.Timestamp]);
        Assert.Equal("signup", normalized[(int)CanonicalAttribute.EventType]);
        Assert.Equal("jose", normalized[(int)CanonicalAttribute.GivenName]);
        Assert.Equal("obrien", normalized[(int)CanonicalAttribute.Surname]);
        Assert.Equal("jose obrien", normalized[(int)CanonicalAttribute.FullName]);
        Assert.Equal("jose.obrien@example.com", normalized[(int)CanonicalAttribute.Email]);
        Assert.Equal("+14155550132", normalized[(int)CanonicalAttribute.Phone]);
        Assert.Equal("1985-03-04", normalized[(int)CanonicalAttribute.DateOfBirth]);
        Assert.Equal("100 north main street unit 5", normalized[(int)CanonicalAttribute.Street]);
        Assert.Equal("san francisco", normalized[(int)CanonicalAttribute.City]);
        Assert.Equal("ca", normalized[(int)CanonicalAttribute.State]);
        Assert.Equal("94105", normalized[(int)CanonicalAttribute.Postcode]);
        Assert.Equal("US", normalized[(int)CanonicalAttribute.Country]);
        Assert.Equal("acme", normalized[(int)CanonicalAttribute.Company]);
        Assert.Equal("C-42", normalized[(int)CanonicalAttribute.CustomerId]);
        Assert.Equal("L-7", normalized[(int)CanonicalAttribute.LoyaltyId]);
        Assert.Equal("dev-9", normalized[(int)CanonicalAttribute.DeviceId]);
        Assert.Equal("acct-1", normalized[(int)CanonicalAttribute.AccountId]);
    }

    [Fact]
    public void TryNormalize_KoreanRecord_AllFieldsMatchReady()
    {
        var raw = Record(
            (CanonicalAttribute.RecordId, "app-77"),
            (CanonicalAttribute.Timestamp, "2024-03-01 12:30:00"),
            (CanonicalAttribute.FullName, "남궁민수"),
            (CanonicalAttribute.Email, "MINSU@NAVER.COM"),
            (CanonicalAttribute.Phone, "010-1234-5678"),
            (CanonicalAttribute.DateOfBirth, "1985년 3월 12일"),
            (CanonicalAttribute.Street, "서울특별시 강남구 테헤란로 152"),
            (CanonicalAttribute.City, "서울특별시"),
            (CanonicalAttribute.State, "경기도"),
            (CanonicalAttribute.Postcode, "06236"),
            (CanonicalAttribute.Country, "대한민국"),
            (CanonicalAttribute.Company, "(주)카카오"));
        var normalized = Normalized();
        var issues = new List<FieldIssue>();

        var accepted = new RecordNormalizer("US", dayFirst: false).TryNormalize(raw, normalized, issues);

        Assert.True(accepted);
        Assert.Empty(issues);
        Assert.Equal("2024-03-01T12:30:00.0000000Z", normalized[(int)CanonicalAttribute.Timestamp]);
        Assert.Equal("민수", normalized[(int)CanonicalAttribute.GivenName]);
        Assert.Equal("남궁", normalized[(int)CanonicalAttribute.Surname]);
        Assert.Equal("남궁민수", normalized[(int)CanonicalAttribute.FullName]);
        Assert.Equal("minsu@naver.com", normalized[(int)CanonicalAttribute.Email]);
        Assert.Equal("+821012345678", normalized[(int)CanonicalAttribute.Phone]);
        Assert.Equal("1985-03-12", normalized[(int)CanonicalAttribute.DateOfBirth]);
        Assert.Equal("서울 강남구 테헤란로 152", normalized[(int)CanonicalAttribute.Street]);
        Assert.Equal("서울", normalized[(int)CanonicalAttribute.City]);
        Assert.Equal("경기", normalized[(int)CanonicalAttribute.State]);
        Assert.Equal("06236", normalized[(int)CanonicalAttribute.Postcode]);
        Assert.Equal("KR", normalized[(int)CanonicalAttribute.Country]);
        Assert.Equal("카카오", normalized[(int)CanonicalAttribute.Company]);
    }

    [Theory]
    [InlineData("Smith, John", "john", "smith")]
    [InlineData("Dr. John Paul Smith", "john paul", "smith")]
    [InlineData("김 민준", "민준", "김")]
    [InlineData("Kim Min-jun", "min jun", "kim")]
    public void TryNormalize_OnlyFullName_SplitsIntoGivenAndSurname(string fullName, string expectedGiven, string expectedSurname)
    {
        var raw = Record((CanonicalAttribute.RecordId, "r1"), (CanonicalAttribute.Timestamp, "2024-03-01"), (CanonicalAttribute.FullName, fullName));
        var normalized = Normalized();

        Assert.True(new RecordNormalizer("US", dayFirst: false).TryNormalize(raw, normalized, []));
        Assert.Equal(expectedGiven, normalized[(int)CanonicalAttribute.GivenName]);
        Assert.Equal(expectedSurname, normalized[(int)CanonicalAttribute.Surname]);
    }

    [Theory]
    [InlineData("John", "Smith", "john smith")]
    [InlineData("민준", "김", "김민준")]
    [InlineData("John", null, "john")]
    [InlineData(null, "김", "김")]
    public void TryNormalize_NoFullName_ComposesFullName(string? given, string? surname, string expected)
    {
        var raw = Record(
            (CanonicalAttribute.RecordId, "r1"),
            (CanonicalAttribute.Timestamp, "1709263800"),
            (CanonicalAttribute.GivenName, given),
            (CanonicalAttribute.Surname, surname));
        var normalized = Normalized();

        Assert.True(new RecordNormalizer("US", dayFirst: false).TryNormalize(raw, normalized, []));
        Assert.Equal(expected, normalized[(int)CanonicalAttribute.FullName]);
    }

    [Theory]
    [InlineData(null, "2024-03-01", CanonicalAttribute.RecordId)]
    [InlineData("   ", "2024-03-01", CanonicalAttribute.RecordId)]
    [InlineData("r1", null, CanonicalAttribute.Timestamp)]
    [InlineData("r1", "", CanonicalAttribute.Timestamp)]
    [InlineData("r1", "last tuesday", CanonicalAttribute.Timestamp)]
    [InlineData("r1", "2024-02-30T10:00:00Z", CanonicalAttribute.Timestamp)]
    public void TryNormalize_MissingRecordIdOrBadTimestamp_RejectsRecord(string? recordId, string? timestamp, CanonicalAttribute expectedField)
    {
        var raw = Record(
            (CanonicalAttribute.RecordId, recordId),
            (CanonicalAttribute.Timestamp, timestamp),
            (CanonicalAttribute.Email, "a@example.com"));
        var normalized = Normalized();
        var issues = new List<FieldIssue>();

        var accepted = new RecordNormalizer("US", dayFirst: false).TryNormalize(raw, normalized, issues);

        Assert.False(accepted);
        var issue = Assert.Single(issues);
        Assert.Equal(expectedField, issue.Field);
        Assert.True(issue.Rejects);
        Assert.All(normalized, Assert.Null);
    }

    [Fact]
    public void TryNormalize_MissingRecordIdAndTimestamp_ReportsBoth()
    {
        var issues = new List<FieldIssue>();

        Assert.False(new RecordNormalizer("US", dayFirst: false).TryNormalize(Record(), Normalized(), issues));
        Assert.Equal([CanonicalAttribute.RecordId, CanonicalAttribute.Timestamp], issues.ConvertAll(static i => i.Field));
    }

    [Theory]
    [InlineData(CanonicalAttribute.Email, "kim.minjun(at)naver.com", "not a valid email address")]
    [InlineData(CanonicalAttribute.Phone, "010-1234", "not a valid phone number for region KR")]
    [InlineData(CanonicalAttribute.DateOfBirth, "1985-02-30", "not a valid date of birth")]
    [InlineData(CanonicalAttribute.DateOfBirth, "1850-01-01", "not a valid date of birth")]
    public void TryNormalize_InvalidOptionalField_DropsFieldAndKeepsRecord(CanonicalAttribute field, string value, string expectedReason)
    {
        var raw = Record(
            (CanonicalAttribute.RecordId, "r1"),
            (CanonicalAttribute.Timestamp, "2024-03-01T00:00:00Z"),
            (CanonicalAttribute.GivenName, "민준"),
            (field, value));
        var normalized = Normalized();
        var issues = new List<FieldIssue>();

        var accepted = new RecordNormalizer("KR", dayFirst: false).TryNormalize(raw, normalized, issues);

        Assert.True(accepted);
        Assert.Null(normalized[(int)field]);
        Assert.Equal("민준", normalized[(int)CanonicalAttribute.GivenName]);
        var issue = Assert.Single(issues);
        Assert.Equal(field, issue.Field);
        Assert.False(issue.Rejects);
        Assert.StartsWith(expectedReason, issue.Reason);
        Assert.DoesNotContain(value, issue.Reason);
    }

    [Theory]
    [InlineData("South Korea", "KR", "010-1234-5678", "+821012345678")]
    [InlineData("KOR", "KR", "02-123-4567", "+8221234567")]
    [InlineData("USA", "US", "415.555.0132", "+14155550132")]
    [InlineData(null, null, "(415) 555-0132", "+14155550132")]
    [InlineData("Atlantis", "atlantis", "(415) 555-0132", "+14155550132")]
    public void TryNormalize_Country_GivesPhoneRegion(string? country, string? expectedCountry, string phone, string expectedPhone)
    {
        var raw = Record(
            (CanonicalAttribute.RecordId, "r1"),
            (CanonicalAttribute.Timestamp, "2024-03-01"),
            (CanonicalAttribute.Country, country),
            (CanonicalAttribute.Phone, phone));
        var normalized = Normalized();

        Assert.True(new RecordNormalizer("US", dayFirst: false).TryNormalize(raw, normalized, []));
        Assert.Equal(expectedCountry, normalized[(int)CanonicalAttribute.Country]);
        Assert.Equal(expectedPhone, normalized[(int)CanonicalAttribute.Phone]);
    }

    [Fact]
    public void TryNormalize_InvalidPhoneWithCountryHint_ReasonNamesHintRegion()
    {
        var raw = Record(
            (CanonicalAttribute.RecordId, "r1"),
            (CanonicalAttribute.Timestamp, "2024-03-01"),
            (CanonicalAttribute.Country, "Korea"),
            (CanonicalAttribute.Phone, "12345"));
        var issues = new List<FieldIssue>();

        Assert.True(new RecordNormalizer("US", dayFirst: false).TryNormalize(raw, Normalized(), issues));
        Assert.Equal("not a valid phone number for region KR", Assert.Single(issues).Reason);
    }

    [Theory]
    [InlineData(true, "1985-04-03")]
    [InlineData(false, "1985-03-04")]
    public void TryNormalize_AmbiguousDateOfBirth_FollowsDayFirst(bool dayFirst, string expected)
    {
        var raw = Record((CanonicalAttribute.RecordId, "r1"), (CanonicalAttribute.Timestamp, "2024-03-01"), (CanonicalAttribute.DateOfBirth, "03/04/1985"));
        var normalized = Normalized();

        Assert.True(new RecordNormalizer("GB", dayFirst).TryNormalize(raw, normalized, []));
        Assert.Equal(expected, normalized[(int)CanonicalAttribute.DateOfBirth]);
    }

    [Fact]
    public void TryNormalize_ReusedOutputArray_ClearsPreviousValues()
    {
        var normalizer = new RecordNormalizer("US", dayFirst: false);
        var normalized = Normalized();
        normalizer.TryNormalize(Record((CanonicalAttribute.RecordId, "r1"), (CanonicalAttribute.Timestamp, "2024-03-01"), (CanonicalAttribute.Email, "a@example.com")), normalized, []);

        normalizer.TryNormalize(Record((CanonicalAttribute.RecordId, "r2"), (CanonicalAttribute.Timestamp, "2024-03-01")), normalized, []);

        Assert.Equal("r2", normalized[(int)CanonicalAttribute.RecordId]);
        Assert.Null(normalized[(int)CanonicalAttribute.Email]);
    }

    [Fact]
    public void TryNormalize_ShortArray_ThrowsArgumentException()
    {
        var normalizer = new RecordNormalizer("US", dayFirst: false);

        Assert.Throws<ArgumentException>(() => normalizer.TryNormalize(new string?[3], Normalized(), []));
    }

    [Fact]
    public void TryNormalize_SameArrayForRawAndNormalized_ThrowsArgumentException()
    {
        var record = Record((CanonicalAttribute.RecordId, "r1"), (CanonicalAttribute.Timestamp, "2024-03-01"));

        Assert.Throws<ArgumentException>(() => new RecordNormalizer("US", dayFirst: false).TryNormalize(record, record, []));
    }

    [Fact]
    public void Constructor_UnknownRegion_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new RecordNormalizer("XX", dayFirst: false));
    }
}
