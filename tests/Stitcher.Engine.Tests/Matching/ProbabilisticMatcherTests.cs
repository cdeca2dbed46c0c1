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

    [Fact]
    public void FindMatches_RandomRecordsPrescoredOrNot_FindExactlyThePairsScoringEveryFieldPutsInTheReviewBand()
    {
        // Scoring stops comparing a pair once its other fields leave it below the review band whatever its street and
        // email. This model makes that bound easy to get wrong: name term frequencies, and an email whose exact agreement
        // weighs less than a disagreement (so its best level is not exact).
        var model = new MatchModel { Prior = 0.05, LinkThreshold = 0.9, ReviewThreshold = 0.3 };
        foreach (var field in Enum.GetValues<MatchField>())
        {
            model.Fields[field.ToString()] = field == MatchField.Email
                ? new FieldParameters { M = [0, 0.5, 0.1, 0.1, 0.1], U = [0, 0.1, 0.3, 0.3, 0.3] }
                : new FieldParameters { M = [0, 0.05, 0.05, 0.1, 0.8], U = [0, 0.8, 0.1, 0.05, 0.05] };
        }
        foreach (var name in new[] { MatchField.GivenName, MatchField.Surname })
        {
            model.Fields[name.ToString()].RandomExactU = 0.05;
            model.Fields[name.ToString()].MinTermFrequency = 0.001;
            model.Fields[name.ToString()].TermFrequencies = new() { ["ann"] = 0.2, ["lee"] = 0.3, ["kim"] = 0.01 };
        }
        var random = new Random(17);
        string[] names = ["ann", "anne", "lee", "kim", "bob"];
        string?[] streets = [null, "12 high street", "12 hihg street", "21 high street"];
        string?[] emails = [null, "ann@example.com", "anne@example.com", "bob@example.org"];
        var records = new List<(string Key, string?[] Values)>();
        for (var i = 0; i < 400; i++)
        {
            var values = Values(names[random.Next(names.Length)], names[random.Next(names.Length)], $"1980-0{1 + random.Next(2)}-0{1 + random.Next(2)}");
            values[(int)CanonicalAttribute.Postcode] = random.Next(2) == 0 ? "04524" : "04525";
            values[(int)CanonicalAttribute.Street] = streets[random.Next(streets.Length)];
            values[(int)CanonicalAttribute.Email] = emails[random.Next(emails.Length)];
            records.Add(($"R|t|{i}", values));
        }
        // Every candidate pair scored on every field, in the order an online run meets them.
        var comparer = new RecordComparer();
        var levels = new ComparisonLevel[MatchRecord.FieldCount];
        var reviewWeight = Math.Log2(model.ReviewThreshold / (1 - model.ReviewThreshold));
        var expected = new HashSet<string>();
        CandidateIndex.ForEachCandidatePair([.. records.Select(r => MatchRecord.From(r.Key, r.Values))], (earlier, later) =>
        {
            comparer.Compare(earlier, later, levels);
            if (model.Score(levels, earlier, later) >= reviewWeight)
            {
                expected.Add($"{earlier.Key}>{later.Key}:{string.Concat(levels.Select(l => (int)l))}");
            }
        });

        foreach (var prescore in new[] { false, true })
        {
            var matcher = new ProbabilisticMatcher(model, CandidateIndex.DefaultMaxBlockSize);
            var found = new HashSet<string>();
            var matches = new List<MatchEvidence>();
            for (var at = 0; at < records.Count; at += 20)
            {
                var batch = records.Skip(at).Take(20).ToList();
                matcher.UsePrescored(prescore ? matcher.Prescore(batch) : null);
                foreach (var (key, values) in batch)
                {
                    var record = matcher.PrepareForLink(key, values);
                    matches.Clear();
                    matcher.FindMatches(record, matches);
                    found.UnionWith(matches.Select(match => $"{match.OtherRecord}>{key}:{match.Levels}"));
                    matcher.Add(record);
                }
            }

            Assert.True(expected.Count > 50, $"{expected.Count} pairs in the band");
            Assert.Equal(expected.Order(), found.Order());
        }
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
