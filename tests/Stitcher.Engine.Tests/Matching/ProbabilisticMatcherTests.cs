using Stitcher.Engine.Matching;
using Stitcher.Engine.Matching.Comparators;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Tests.Matching;

public sealed class ProbabilisticMatcherTests
{
    [Fact]
    public void PrepareForLink_SameKeyTwiceInABatchFirstSkipped_GetsTheVersionItWasGiven()
    {
        // A batch may hold two versions of one record; the first can be skipped as unchanged and never linked.
        // The second must be matched and indexed with its own values, not the first version's.
        var matcher = new ProbabilisticMatcher(SmallModel(), CandidateIndex.DefaultMaxBlockSize);
        var first = Values("ann", "lee", "1980-01-02");
        var second = Values("zed", "zulu", "1955-07-30");
        matcher.UsePrescored(matcher.Prescore([("R|crm|k", first), ("R|crm|k", second)]));

        var prepared = matcher.PrepareForLink("R|crm|k", second);

        Assert.Equal("zed", prepared.GivenName);
        Assert.Equal(19550730, prepared.DateOfBirth);
    }

    [Theory]
    [InlineData(MatchField.City, ComparisonLevel.Exact, false)]
    [InlineData(MatchField.State, ComparisonLevel.Exact, false)]
    [InlineData(MatchField.Postcode, ComparisonLevel.Exact, true)]
    [InlineData(MatchField.Street, ComparisonLevel.Loose, false)]
    [InlineData(MatchField.Street, ComparisonLevel.Close, true)]
    [InlineData(MatchField.DateOfBirth, ComparisonLevel.Loose, true)]
    [InlineData(MatchField.Email, ComparisonLevel.Loose, false)]
    [InlineData(MatchField.Email, ComparisonLevel.Close, true)]
    [InlineData(MatchField.Phone, ComparisonLevel.Loose, true)]
    public void HasPersonalEvidence_BothNamesExact_NeedSomethingThatPlacesThePerson(MatchField field, ComparisonLevel level, bool expected)
    {
        // Names alone, or with only a city or region, are what every namesake in town shares.
        Span<ComparisonLevel> levels = stackalloc ComparisonLevel[MatchRecord.FieldCount];
        levels[(int)MatchField.GivenName] = ComparisonLevel.Exact;
        levels[(int)MatchField.Surname] = ComparisonLevel.Exact;
        Assert.False(ProbabilisticMatcher.HasPersonalEvidence(levels));

        levels[(int)field] = level;

        Assert.Equal(expected, ProbabilisticMatcher.HasPersonalEvidence(levels));
    }

    private static string?[] Values(string given, string surname, string dob)
    {
        var values = new string?[CanonicalAttributes.Count];
        values[(int)CanonicalAttribute.GivenName] = given;
        values[(int)CanonicalAttribute.Surname] = surname;
        values[(int)CanonicalAttribute.DateOfBirth] = dob;
        return values;
    }

    private static MatchModel SmallModel()
    {
        string[] given = ["ann", "bob", "cara", "dan", "eve", "finn"];
        string[] family = ["lee", "kim", "park", "smith", "jones"];
        var records = new List<MatchRecord>();
        for (var i = 0; i < 300; i++)
        {
            var values = Values(given[i % given.Length], family[i % family.Length], $"19{50 + (i % 40)}-0{1 + (i % 9)}-1{i % 10}");
            records.Add(MatchRecord.From($"R|t|{i}", values));
            records.Add(MatchRecord.From($"R|t|{i}b", values));
        }
        return ModelTrainer.Train(records);
    }
}
