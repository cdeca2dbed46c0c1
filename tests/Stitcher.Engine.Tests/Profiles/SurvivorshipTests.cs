using Stitcher.Engine.Profiles;
using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Tests.Profiles;

public sealed class SurvivorshipTests
{
    [Theory]
    [InlineData(SurvivorshipRule.MostRecent, "Johnny")]
    [InlineData(SurvivorshipRule.MostFrequent, "John")]
    [InlineData(SurvivorshipRule.MostComplete, "Jonathan")]
    [InlineData(SurvivorshipRule.SourcePriority, "Jonathan")]
    public void Apply_Rule_PicksTheGoldenValueWithItsLineage(SurvivorshipRule rule, string expected)
    {
        var survivorship = RulesFor(CanonicalAttribute.GivenName, rule);
        var profile = NewProfile();
        // crm (priority 30) says Jonathan once; pos (10) says John twice; web (5) says Johnny last.
        survivorship.Apply(profile, Record("crm", "c1", 1, "Jonathan"), 30);
        survivorship.Apply(profile, Record("pos", "p1", 2, "John"), 10);
        survivorship.Apply(profile, Record("pos", "p2", 3, "John"), 10);
        survivorship.Apply(profile, Record("web", "w1", 4, "Johnny"), 5);
        survivorship.RestoreBest(profile);

        var best = profile.Best[(int)CanonicalAttribute.GivenName]!;

        Assert.Equal(expected, best.Value);
        var source = expected switch { "Johnny" => ("web", "w1"), "John" => ("pos", "p2"), _ => ("crm", "c1") };
        Assert.Equal(source, (best.Channel, best.RecordId));
    }

    [Fact]
    public void Apply_FallbackRules_TieOnTheFirstGoesToTheNext()
    {
        var survivorship = RulesFor(CanonicalAttribute.GivenName, SurvivorshipRule.MostFrequent, SurvivorshipRule.SourcePriority);
        var profile = NewProfile();
        survivorship.Apply(profile, Record("pos", "p1", 1, "John"), 10);
        survivorship.Apply(profile, Record("crm", "c1", 2, "Jonathan"), 30);
        survivorship.RestoreBest(profile);

        Assert.Equal("Jonathan", profile.Best[(int)CanonicalAttribute.GivenName]!.Value);
    }

    [Fact]
    public void Apply_MultiValuedEmail_KeepsEveryValueWithCountsAndFirstLastSeen()
    {
        var profile = NewProfile();
        var survivorship = Survivorship.Default;
        survivorship.Apply(profile, Record("crm", "c1", 1, email: "ann@home.org"), 30);
        survivorship.Apply(profile, Record("web", "w1", 5, email: "ann@work.com"), 5);
        survivorship.Apply(profile, Record("web", "w2", 9, email: "ann@home.org"), 5);
        survivorship.RestoreBest(profile);

        var emails = profile.Values[(int)CanonicalAttribute.Email]!;

        Assert.Equal(2, emails.Count);
        var home = emails.Single(v => v.Key == "ann@home.org");
        Assert.Equal((2, Ticks(1), Ticks(9), "w2"), (home.Count, home.FirstSeenUtcTicks, home.LastSeenUtcTicks, home.RecordId));
        Assert.Equal("ann@home.org", profile.Best[(int)CanonicalAttribute.Email]!.Value);
    }

    [Fact]
    public void MergeAndRebuild_AnyOrder_GiveTheSameGoldenValues()
    {
        var records = new[]
        {
            (Record("crm", "c1", 1, "Jonathan", "j@x.org"), 30),
            (Record("pos", "p1", 2, "John", "j@x.org"), 10),
            (Record("web", "w1", 3, "Johnny", "johnny@y.org"), 5),
            (Record("pos", "p2", 3, "John"), 10),
        };
        var survivorship = Survivorship.Default;
        var whole = NewProfile();
        survivorship.Rebuild(whole, records);
        var left = NewProfile();
        var right = NewProfile();
        survivorship.Apply(left, records[3].Item1, 10);
        survivorship.Apply(left, records[0].Item1, 30);
        survivorship.Apply(right, records[2].Item1, 5);
        survivorship.Apply(right, records[1].Item1, 10);

        survivorship.Merge(right, left);
        survivorship.RestoreBest(whole);
        survivorship.RestoreBest(right);

        for (var i = 0; i < CanonicalAttributes.Count; i++)
        {
            Assert.Equal(whole.Best[i]?.Value, right.Best[i]?.Value);
            Assert.Equal(whole.Best[i]?.RecordId, right.Best[i]?.RecordId);
        }
        Assert.Equal((whole.FirstSeenUtcTicks, whole.LastSeenUtcTicks), (right.FirstSeenUtcTicks, right.LastSeenUtcTicks));
    }

    private static Survivorship RulesFor(CanonicalAttribute attribute, params SurvivorshipRule[] rules)
    {
        var byAttribute = new SurvivorshipRule[CanonicalAttributes.Count][];
        byAttribute[(int)attribute] = rules;
        return new Survivorship(byAttribute);
    }

    [Fact]
    public void RestoreBest_ValueGoneAfterRebuild_ClearsItsGoldenValue()
    {
        var survivorship = Survivorship.Default;
        var profile = NewProfile();
        survivorship.Apply(profile, Record("crm", "c1", 1, "Ann", "ann@x.org"), 30);
        survivorship.RestoreBest(profile);
        Assert.Equal("ann@x.org", profile.Best[(int)CanonicalAttribute.Email]!.Value);

        survivorship.Rebuild(profile, [(Record("crm", "c1", 2, "Ann"), 30)]);
        survivorship.RestoreBest(profile);

        Assert.Null(profile.Best[(int)CanonicalAttribute.Email]);
        Assert.Equal("Ann", profile.Best[(int)CanonicalAttribute.GivenName]!.Value);
    }

    private static StoredProfile NewProfile() => new();

    private static long Ticks(int day) => new DateTime(2026, 1, day, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private static StoredRecord Record(string channel, string id, int day, string? given = null, string? email = null)
    {
        var display = new string?[CanonicalAttributes.Count];
        var normalized = new string?[CanonicalAttributes.Count];
        display[(int)CanonicalAttribute.GivenName] = given;
        normalized[(int)CanonicalAttribute.GivenName] = given?.ToLowerInvariant();
        display[(int)CanonicalAttribute.Email] = email;
        normalized[(int)CanonicalAttribute.Email] = email;
        return new StoredRecord { Channel = channel, RecordId = id, TimestampUtcTicks = Ticks(day), Display = display, Normalized = normalized };
    }
}
