using Stitcher.Engine.Configuration;
using Stitcher.Plugins;

namespace Stitcher.Engine.Tests.Profiles;

/// <summary>
/// Custom attributes (<c>trait.&lt;name&gt;</c>) from CSV and NDJSON channels: kept per record, picked by survivorship
/// with their lineage, shown by explain, delivered to sinks, and kept through restarts, updates and deletes.
/// </summary>
public sealed class CustomAttributeTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Traits_FromTwoChannels_SurviveWithLineage_ReachTheSink_AndAreExplained()
    {
        WriteShop("c1,Ann,Lee,ann@example.org,38,Vegan,2026-01-01T00:00:00Z", "c2,Bob,Kim,bob@example.org,44,,2026-01-01T00:00:00Z");
        WriteWeb("""{"id":"w1","email":"ANN@example.org","at":"2026-02-01T00:00:00Z","prefs":{"diet":"vegan ","size":39},"notes":"Plans a store in Busan"}""");
        var sink = new ListSink();
        await using (var engine = NewEngine(sink))
        {
            var summary = await engine.RunOnceAsync();
            Assert.Equal((3L, 0L), (summary.RecordsRead, summary.RecordsRejected));

            var ann = engine.FindProfileByRecord("shop", "c1")!;
            Assert.Equal(ann.Id, engine.FindProfileIdByRecord("web", "w1"));
            // Most recent first: the web's later shoe size wins, and says where it came from.
            Assert.Equal(("39", "web", "w1"), Golden(ann, "trait.shoe_size"));
            Assert.Equal(("Plans a store in Busan", "web", "w1"), Golden(ann, "trait.account_notes"));
            // "Vegan" and "vegan " are one value, seen twice; every shoe size is kept in the value list.
            var diet = Assert.Single(ann.Values["trait.diet"]);
            Assert.Equal(("vegan", 2), (diet.Value, diet.Count));
            Assert.Equal(["39", "38"], ann.Values["trait.shoe_size"].Select(v => v.Value));
            // Bob's blank diet is no value at all.
            var bob = engine.FindProfileByRecord("shop", "c2")!;
            Assert.False(bob.Attributes.ContainsKey("trait.diet"));
            Assert.Equal("44", bob.Attributes["trait.shoe_size"].Value);

            Assert.Equal("39", sink.Latest[ann.Id].Attributes["trait.shoe_size"].Value);
            Assert.Equal("vegan", sink.Latest[ann.Id].Attributes["trait.diet"].Value);
            var explained = engine.Explain(ann.Id)!;
            Assert.Equal(("39", "web", "w1"), Golden(explained.Profile, "trait.shoe_size"));
        }

        // Kept in the store: the same after a restart.
        await using (var reopened = NewEngine(new ListSink()))
        {
            var ann = reopened.FindProfileByRecord("shop", "c1")!;
            Assert.Equal(("39", "web", "w1"), Golden(ann, "trait.shoe_size"));
            Assert.Equal(2, ann.Values["trait.diet"].Single().Count);

            // The web record leaves: its values go with it.
            Assert.True(await reopened.DeleteRecordAsync("web", "w1"));
            ann = reopened.FindProfileByRecord("shop", "c1")!;
            Assert.Equal(["c1"], ann.Records.Select(r => r.RecordId));
            Assert.Equal(("38", "shop", "c1"), Golden(ann, "trait.shoe_size"));
            Assert.False(ann.Attributes.ContainsKey("trait.account_notes"));
            Assert.Equal(("Vegan", 1), (ann.Values["trait.diet"].Single().Value, ann.Values["trait.diet"].Single().Count));
        }
    }

    [Fact]
    public async Task RecordSentAgain_WithOnlyATraitChanged_IsANewVersion()
    {
        WriteShop("c1,Ann,Lee,ann@example.org,38,,2026-01-01T00:00:00Z");
        WriteWeb();
        var sink = new ListSink();
        await using var engine = NewEngine(sink);
        await engine.RunOnceAsync();

        // The same timestamp and the same canonical values, a new shoe size: not "unchanged".
        var result = await engine.IngestRecordAsync("shop", new Dictionary<string, string?>
        {
            ["id"] = "c1", ["first"] = "Ann", ["last"] = "Lee", ["email"] = "ann@example.org", ["shoe"] = "39", ["updated"] = "2026-01-01T00:00:00Z",
        });
        await engine.DrainSinksAsync();

        Assert.False(result.Unchanged);
        Assert.Equal("39", engine.FindProfileByRecord("shop", "c1")!.Attributes["trait.shoe_size"].Value);
        Assert.Equal("39", sink.Latest[result.ProfileId!].Attributes["trait.shoe_size"].Value);
        Assert.Equal(["39"], engine.FindProfileByRecord("shop", "c1")!.Values["trait.shoe_size"].Select(v => v.Value));
    }

    [Fact]
    public async Task SurvivorshipRulesForATrait_AreItsOwn_AndItsSpellingInConfigurationDoesNotMatter()
    {
        WriteShop(
            "c1,Ann,Lee,ann@example.org,38,,2026-01-01T00:00:00Z",
            "c2,Ann,Lee,ann@example.org,38,,2026-01-02T00:00:00Z",
            "c3,Ann,Lee,ann@example.org,41,,2026-01-03T00:00:00Z");
        WriteWeb();
        await using var engine = NewEngine(new ListSink(), o => o.Survivorship.Attributes["Trait.Shoe_Size"] = ["most_frequent"]);

        await engine.RunOnceAsync();

        var ann = engine.FindProfileByRecord("shop", "c3")!;
        // Most frequent for the shoe size; the default (most recent) for everything else.
        Assert.Equal(("38", "shop", "c2"), Golden(ann, "trait.shoe_size"));
        Assert.Equal("c3", ann.Attributes["email"].RecordId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OneValueInTwoSpellingsAtOneInstant_ShowsTheSameSpellingInEitherOrder(bool webFirst)
    {
        // shop:c1 "Vegan" and web:c1 "vegan", one email, one timestamp: one value, and which spelling names it must not
        // depend on which record came last.
        WriteShop();
        WriteWeb();
        await using var engine = NewEngine(new ListSink());
        var shop = new Dictionary<string, string?> { ["id"] = "c1", ["email"] = "ann@example.org", ["diet"] = "Vegan", ["updated"] = "2026-01-01T00:00:00Z" };
        var web = new Dictionary<string, string?> { ["id"] = "c1", ["email"] = "ann@example.org", ["prefs.diet"] = "vegan", ["at"] = "2026-01-01T00:00:00Z" };
        foreach (var (channel, fields) in webFirst ? new[] { ("web", web), ("shop", shop) } : [("shop", shop), ("web", web)])
        {
            Assert.True((await engine.IngestRecordAsync(channel, fields)).Accepted);
        }

        var diet = Assert.Single(engine.FindProfileByRecord("shop", "c1")!.Values["trait.diet"]);

        Assert.Equal(("Vegan", 2, "shop"), (diet.Value, diet.Count, diet.Channel));
    }

    [Theory]
    [InlineData("trait.shoe size", "Stitcher:Channels:shop:Mapping:trait.shoe size", "only letters a-z, digits and '_'")]
    [InlineData("trait.", "Stitcher:Channels:shop:Mapping:trait.", "1 to 64 characters")]
    [InlineData("shoe_size", "Stitcher:Channels:shop:Mapping:shoe_size", "nor a custom one (trait.<name>)")]
    public void Validate_BadCustomAttributeName_NamesTheKeyAndWhy(string attribute, string key, string why)
    {
        var options = Options();
        options.Channels["shop"].Mapping[attribute] = "shoe";

        var result = new StitcherOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith(key + ":", failure, StringComparison.Ordinal);
        Assert.Contains(why, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_IdentifierRuleOnATrait_SaysTraitsAreNotMatchedOn()
    {
        var options = Options();
        options.Rules.Add(new IdentifierRuleOptions { Name = "shoe", Attribute = "trait.shoe_size" });

        var result = new StitcherOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f.StartsWith("Stitcher:Rules:1:Attribute", StringComparison.Ordinal) && f.Contains("never matched on", StringComparison.Ordinal));
        Assert.Equal(["trait.account_notes", "trait.diet", "trait.shoe_size"], Options().MappedTraits());
    }

    private static (string Value, string Channel, string RecordId) Golden(StitchedProfile profile, string attribute)
    {
        var value = profile.Attributes[attribute];
        return (value.Value, value.Channel, value.RecordId);
    }

    private void WriteShop(params string[] rows) =>
        File.WriteAllText(Path.Combine(_temp.Path, "shop.csv"), "id,first,last,email,shoe,diet,updated\n" + string.Concat(rows.Select(r => r + "\n")));

    private void WriteWeb(params string[] lines) =>
        File.WriteAllText(Path.Combine(_temp.Path, "web.ndjson"), string.Concat(lines.Select(l => l + "\n")));

    private StitcherEngine NewEngine(IProfileSink sink, Action<StitcherOptions>? configure = null)
    {
        var options = Options();
        configure?.Invoke(options);
        var validation = new StitcherOptionsValidator().Validate(null, options);
        Assert.True(validation.Succeeded, validation.FailureMessage);
        return new StitcherEngine(options, [sink]);
    }

    private StitcherOptions Options() => new()
    {
        BaseDirectory = _temp.Path,
        DataDirectory = "data",
        DefaultRegion = "US",
        Store = new StoreOptions { IndexSizeBytes = 1 << 16, MemorySizeBytes = 1 << 22, PageSizeBytes = 1 << 16 },
        Channels =
        {
            ["shop"] = new ChannelOptions
            {
                Path = "shop.csv",
                Priority = 30,
                Mapping =
                {
                    ["record_id"] = "id", ["given_name"] = "first", ["surname"] = "last", ["email"] = "email", ["timestamp"] = "updated",
                    ["trait.shoe_size"] = "shoe", ["trait.diet"] = "diet",
                },
            },
            ["web"] = new ChannelOptions
            {
                Path = "web.ndjson",
                Format = "ndjson",
                Priority = 10,
                Mapping =
                {
                    ["record_id"] = "id", ["email"] = "email", ["timestamp"] = "at",
                    ["trait.diet"] = "prefs.diet", ["trait.shoe_size"] = "prefs.size", ["trait.account_notes"] = "notes",
                },
            },
        },
        Rules = { new IdentifierRuleOptions { Name = "email", Attribute = "email" } },
    };
}
