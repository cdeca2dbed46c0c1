using Stitcher.Engine.Matching;
using Stitcher.Engine.Matching.Comparators;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Tests.Matching;

public sealed class RecordComparerTests
{
    [Fact]
    public void Compare_SameValuePairsAgainAndAgain_RememberedLevelsEqualFreshComparisons()
    {
        // Names and cities repeat; the comparer remembers their levels. Every pair, in both orders, must come out as
        // a comparer that has never seen it would say, whatever it has seen before.
        string[] given = ["john", "jon", "johnny", "mary", "marie", "bob", "robert", "민준", "minjun", "min jun", "j"];
        string[] family = ["smith", "smyth", "lee", "이", "rhee", "yi", "kim", "김", "gim", "park"];
        string[] cities = ["seoul", "seul", "busan", "pusan", "boston", "bostn"];
        var records = new List<MatchRecord>();
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var values = new string?[CanonicalAttributes.Count];
            values[(int)CanonicalAttribute.GivenName] = given[random.Next(given.Length)];
            values[(int)CanonicalAttribute.Surname] = family[random.Next(family.Length)];
            values[(int)CanonicalAttribute.City] = cities[random.Next(cities.Length)];
            records.Add(MatchRecord.From("r" + i, values));
        }
        var warm = new RecordComparer();
        Span<ComparisonLevel> remembered = stackalloc ComparisonLevel[MatchRecord.FieldCount];
        Span<ComparisonLevel> fresh = stackalloc ComparisonLevel[MatchRecord.FieldCount];
        for (var round = 0; round < 2; round++)
        {
            foreach (var a in records.Take(60))
            {
                foreach (var b in records)
                {
                    warm.Compare(a, b, remembered);
                    new RecordComparer().Compare(a, b, fresh);
                    Assert.True(remembered.SequenceEqual(fresh), $"{a.GivenName} {a.Surname} {a.City} / {b.GivenName} {b.Surname} {b.City}");
                }
            }
        }
    }

    [Theory]
    [InlineData("종로구 올림픽로 183", "종로구 올림픽로 18", ComparisonLevel.Loose)]
    [InlineData("1200 main street", "1201 main street", ComparisonLevel.Loose)]
    [InlineData("12 main street apt 4", "12 main street apt 5", ComparisonLevel.Loose)]
    [InlineData("12 main street", "12 main stret", ComparisonLevel.Close)]
    [InlineData("종로구 올림픽로 183", "종로구 올림픽로 183", ComparisonLevel.Exact)]
    [InlineData("12 main street", "12 mian street", ComparisonLevel.Close)]
    public void Compare_StreetsWithHouseNumbers_DifferentNumbersAreNeighboursNotTypos(string a, string b, ComparisonLevel expected)
    {
        var levels = new ComparisonLevel[MatchRecord.FieldCount];

        new RecordComparer().Compare(Street(a), Street(b), levels);

        Assert.Equal(expected, levels[(int)MatchField.Street]);
    }

    [Fact]
    public void Compare_ManyStreetPairs_TokenMasksChangeNoLevel()
    {
        // The levels a street pair got before token masks: equal is exact, no common token is different, then
        // Monge–Elkan with the numbers check (0.95 close, 0.8 loose).
        static ComparisonLevel Reference(string a, string b)
        {
            if (a == b)
            {
                return ComparisonLevel.Exact;
            }
            if (TokenSimilarity.TokenSetRatio(a, b) == 0)
            {
                return ComparisonLevel.Different;
            }
            var similarity = TokenSimilarity.MongeElkan(a, b);
            return similarity >= 0.95 ? (RecordComparer.SameNumbers(a, b) ? ComparisonLevel.Close : ComparisonLevel.Loose)
                : similarity >= 0.8 ? ComparisonLevel.Loose
                : ComparisonLevel.Different;
        }
        var random = new Random(5);
        string[] words = ["12", "21", "183", "high", "hihg", "street", "stret", "main", "올림픽로", "올림픽료", "종로구", "apt", "4"];
        string Address() => string.Join(' ', Enumerable.Range(0, random.Next(1, 6)).Select(_ => words[random.Next(words.Length)]));
        var comparer = new RecordComparer();
        var levels = new ComparisonLevel[MatchRecord.FieldCount];
        var seen = new HashSet<ComparisonLevel>();
        for (var i = 0; i < 20_000; i++)
        {
            var a = Address();
            var b = random.Next(10) == 0 ? a : Address();

            comparer.Compare(Street(a), Street(b), levels);

            Assert.Equal(Reference(a, b), levels[(int)MatchField.Street]);
            seen.Add(levels[(int)MatchField.Street]);
        }
        Assert.Equal(4, seen.Count);
        // Values without a token have an empty mask: equal ones are still exact.
        comparer.Compare(Street("  "), Street("  "), levels);
        Assert.Equal(ComparisonLevel.Exact, levels[(int)MatchField.Street]);
        comparer.Compare(Street("  "), Street("12 high street"), levels);
        Assert.Equal(ComparisonLevel.Different, levels[(int)MatchField.Street]);
    }

    [Fact]
    public void CompareAndScore_EitherRecordFirst_TheSameLevelsAndWeight()
    {
        // A pair is scored when its later record arrives: which one that is must not change the outcome. Names in
        // Hangul and romanized, full names only, typo'd emails, phones in two formats, streets with other numbers.
        var records = new List<(string Key, string?[] Values)>();
        var random = new Random(5);
        string?[] given = [null, "민준", "minjun", "min jun", "서연", "seoyeon", "ann", "anne"];
        string?[] surnames = [null, "김", "kim", "gim", "lee", "이", "smith"];
        string?[] full = [null, "김민준", "minjun kim", "kim, minjun", "이서연"];
        string?[] emails = [null, "minjun.kim@naver.com", "minjunkim@naver.com", "minjun.kim@navre.com", "ann@example.com"];
        string?[] phones = [null, "+821012345678", "+821012345679", "+14155550123"];
        string?[] streets = [null, "12 high street", "21 high street", "종로구 올림픽로 183", "종로구 올림픽로 18"];
        for (var i = 0; i < 300; i++)
        {
            var values = new string?[CanonicalAttributes.Count];
            values[(int)CanonicalAttribute.GivenName] = given[random.Next(given.Length)];
            values[(int)CanonicalAttribute.Surname] = surnames[random.Next(surnames.Length)];
            values[(int)CanonicalAttribute.FullName] = full[random.Next(full.Length)];
            values[(int)CanonicalAttribute.Email] = emails[random.Next(emails.Length)];
            values[(int)CanonicalAttribute.Phone] = phones[random.Next(phones.Length)];
            values[(int)CanonicalAttribute.Street] = streets[random.Next(streets.Length)];
            values[(int)CanonicalAttribute.DateOfBirth] = random.Next(2) == 0 ? null : $"19{80 + random.Next(2)}-01-0{1 + random.Next(2)}";
            records.Add(("r" + i, values));
        }
        var prepared = records.Select(r => MatchRecord.From(r.Key, r.Values)).ToList();
        var model = ModelTrainer.Train(prepared);
        var comparer = new RecordComparer();
        var forward = new ComparisonLevel[MatchRecord.FieldCount];
        var backward = new ComparisonLevel[MatchRecord.FieldCount];

        for (var i = 0; i < prepared.Count; i++)
        {
            for (var j = i + 1; j < prepared.Count; j += 7)
            {
                var (a, b) = (prepared[i], prepared[j]);
                comparer.Compare(a, b, forward);
                comparer.Compare(b, a, backward);
                Assert.True(forward.AsSpan().SequenceEqual(backward), $"{a.Key} / {b.Key}");
                Assert.Equal(model.Score(forward, a, b), model.Score(backward, b, a));
            }
        }
    }

    [Fact]
    public void CompareCheap_ManyPairs_BoundNeverBelowTheScoreAndTheCostlyFieldsCompleteTheLevels()
    {
        // Scoring skips a pair's street and email when the bound (those two at their best weight) is below the review
        // band: that is only right if the bound is never below the score, and if the two halves give every level.
        var model = new MatchModel { Prior = 0.01 };
        foreach (var field in Enum.GetValues<MatchField>())
        {
            model.Fields[field.ToString()] = new FieldParameters { M = [0, 0.05, 0.05, 0.1, 0.8], U = [0, 0.8, 0.1, 0.05, 0.05] };
        }
        var random = new Random(11);
        string?[] streets = [null, "12 high street", "12 hihg street", "21 high street", "183 main street", "종로구 올림픽로 183", "종로구 올림픽로 18"];
        string?[] emails = [null, "ann.lee@example.com", "ann.le@example.com", "bob@example.org", "minjun.kim@example.kr"];
        string?[] names = [null, "ann", "anne", "bob", "민준", "minjun"];
        MatchRecord Record(int i)
        {
            var values = new string?[CanonicalAttributes.Count];
            values[(int)CanonicalAttribute.GivenName] = names[random.Next(names.Length)];
            values[(int)CanonicalAttribute.Surname] = names[random.Next(names.Length)];
            values[(int)CanonicalAttribute.DateOfBirth] = random.Next(3) == 0 ? null : $"19{80 + random.Next(3)}-01-0{1 + random.Next(2)}";
            values[(int)CanonicalAttribute.Street] = streets[random.Next(streets.Length)];
            values[(int)CanonicalAttribute.Email] = emails[random.Next(emails.Length)];
            return MatchRecord.From("r" + i, values);
        }
        var comparer = new RecordComparer();
        var full = new ComparisonLevel[MatchRecord.FieldCount];
        var cheap = new ComparisonLevel[MatchRecord.FieldCount];
        var (opened, tight) = (0, 0);
        for (var i = 0; i < 20_000; i++)
        {
            var (a, b) = (Record(i), Record(-i));
            comparer.Compare(a, b, full);
            var score = model.Score(full, a, b);

            var open = comparer.CompareCheap(a, b, cheap);
            var adjustments = model.NameAdjustments(cheap, a, b);
            var bound = model.Score(cheap, open, adjustments);
            // Scoring compares the street first, then bounds again with only the email open.
            RecordComparer.CompareCostly(a, b, cheap, open & (1 << (int)MatchField.Street));
            var emailBound = model.Score(cheap, open & (1 << (int)MatchField.Email), adjustments);
            RecordComparer.CompareCostly(a, b, cheap, open & (1 << (int)MatchField.Email));

            Assert.True(cheap.AsSpan().SequenceEqual(full), $"{a.Street} / {b.Street}, {a.Email} / {b.Email}");
            // The name adjustments taken once give the very same score.
            Assert.Equal(score, model.Score(cheap, open: 0, adjustments));
            Assert.Equal(0, open & ~RecordComparer.CostlyFields);
            if (open == 0)
            {
                Assert.Equal(score, bound);
                continue;
            }
            opened++;
            // Never below, not even by rounding: scoring compares the bound with the review weight as it is.
            Assert.True(bound >= score, $"bound {bound} below score {score}");
            Assert.True(emailBound >= score && emailBound <= bound, $"email bound {emailBound}, bound {bound}, score {score}");
            tight += Math.Abs(bound - score) < 1e-9 ? 1 : 0;
        }
        // Both kinds happen: pairs left open, and open pairs whose street and email came out at their best.
        Assert.InRange(opened, 5_000, 19_000);
        Assert.InRange(tight, 100, opened - 100);
    }

    private static MatchRecord Street(string street)
    {
        var values = new string?[CanonicalAttributes.Count];
        values[(int)CanonicalAttribute.Street] = street;
        return MatchRecord.From("r|" + street, values);
    }
}
