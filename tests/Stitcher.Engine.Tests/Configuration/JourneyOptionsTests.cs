using Microsoft.Extensions.Configuration;
using Stitcher.Engine.Configuration;

namespace Stitcher.Engine.Tests.Configuration;

public sealed class JourneyOptionsTests
{
    private const string Prefix = "Stitcher:Journey";

    [Fact]
    public void Constructor_UsesDocumentedDefaults()
    {
        var options = new JourneyOptions();

        Assert.Empty(options.Stages);
        Assert.Equal(["Interest", "Search", "Check", "Action", "Maintenance", "Share"], options.EffectiveStages);
        Assert.Equal(20, options.EventStages.Count);
        Assert.Equal("Interest", options.EventStages["page_view"]);
        Assert.Equal("Interest", options.EventStages["ad_click"]);
        Assert.Equal("Interest", options.EventStages["email_open"]);
        Assert.Equal("Interest", options.EventStages["product_view"]);
        Assert.Equal("Search", options.EventStages["search"]);
        Assert.Equal("Check", options.EventStages["compare"]);
        Assert.Equal("Check", options.EventStages["review_read"]);
        Assert.Equal("Check", options.EventStages["add_to_cart"]);
        Assert.Equal("Check", options.EventStages["wishlist"]);
        Assert.Equal("Action", options.EventStages["checkout"]);
        Assert.Equal("Action", options.EventStages["purchase"]);
        Assert.Equal("Action", options.EventStages["order"]);
        Assert.Equal("Maintenance", options.EventStages["support_chat"]);
        Assert.Equal("Maintenance", options.EventStages["support_ticket"]);
        Assert.Equal("Maintenance", options.EventStages["return"]);
        Assert.Equal("Maintenance", options.EventStages["service"]);
        Assert.Equal("Share", options.EventStages["review"]);
        Assert.Equal("Share", options.EventStages["share"]);
        Assert.Equal("Share", options.EventStages["referral"]);
        Assert.Equal("Share", options.EventStages["social_post"]);
        Assert.Equal("Action", options.EventStages["PURCHASE"]);
        Assert.Empty(options.ChannelStages);
        Assert.Empty(options.ChannelContexts);
        Assert.Equal(
            [
                "gmail.com", "googlemail.com", "yahoo.com", "outlook.com", "hotmail.com", "live.com", "icloud.com", "aol.com",
                "proton.me", "protonmail.com", "gmx.de", "naver.com", "daum.net", "hanmail.net", "kakao.com", "nate.com",
                "example.org", "example.com", "qq.com", "163.com",
            ],
            options.FreeEmailDomains);
        Assert.Equal(["relationship & transactional", "personal & social", "situational / real-time"], JourneyOptions.ContextCategories);
    }

    [Fact]
    public void Validate_Defaults_NoFailures()
    {
        Assert.Empty(JourneyOptionsValidator.Validate(new JourneyOptions(), Prefix));
    }

    [Fact]
    public void Validate_ConfiguredChannelsAndContexts_NoFailures()
    {
        var options = new JourneyOptions
        {
            ChannelStages = { ["pos"] = "action" },
            ChannelContexts = { ["pos"] = "Relationship & Transactional", ["web"] = "situational / real-time" },
        };

        Assert.Empty(JourneyOptionsValidator.Validate(options, Prefix, ["pos", "web"]));
    }

    [Fact]
    public void Validate_MisspelledStage_FailureNamesKeyAndKnownStages()
    {
        var options = new JourneyOptions();
        options.EventStages["search"] = "Serch";

        var failure = Assert.Single(JourneyOptionsValidator.Validate(options, Prefix));

        Assert.Equal("Stitcher:Journey:EventStages:search: stage 'Serch' is not one of Interest, Search, Check, Action, Maintenance, Share.", failure);
    }

    [Theory]
    [InlineData("unknown-stage", "Stitcher:Journey:EventStages:search: stage 'Search' is not one of Aware, Buy")]
    [InlineData("duplicate-stage", "Stitcher:Journey:Stages:1: stage 'interest' is listed twice")]
    [InlineData("empty-stage", "Stitcher:Journey:Stages:1: a stage name may not be empty")]
    [InlineData("channel-stage", "Stitcher:Journey:ChannelStages:pos: stage 'Buy' is not one of")]
    [InlineData("unknown-channel-stage", "Stitcher:Journey:ChannelStages:kiosk: 'kiosk' is not a configured channel")]
    [InlineData("context", "Stitcher:Journey:ChannelContexts:web: context 'social' is not one of relationship & transactional, personal & social, situational / real-time")]
    [InlineData("unknown-channel-context", "Stitcher:Journey:ChannelContexts:kiosk: 'kiosk' is not a configured channel")]
    [InlineData("domain", "Stitcher:Journey:FreeEmailDomains:20: '@mail.com' is not a domain")]
    [InlineData("bare-domain", "Stitcher:Journey:FreeEmailDomains:20: 'localhost' is not a domain")]
    public void Validate_WrongValue_FailureNamesTheKey(string fault, string expected)
    {
        var options = new JourneyOptions();
        switch (fault)
        {
            case "unknown-stage": options.Stages.AddRange(["Aware", "Buy"]); break;
            case "duplicate-stage": options.Stages.AddRange(["Interest", "interest"]); break;
            case "empty-stage": options.Stages.AddRange(["Interest", " "]); break;
            case "channel-stage": options.ChannelStages["pos"] = "Buy"; break;
            case "unknown-channel-stage": options.ChannelStages["kiosk"] = "Action"; break;
            case "context": options.ChannelContexts["web"] = "social"; break;
            case "unknown-channel-context": options.ChannelContexts["kiosk"] = "personal & social"; break;
            case "domain": options.FreeEmailDomains.Add("@mail.com"); break;
            case "bare-domain": options.FreeEmailDomains.Add("localhost"); break;
        }

        var failures = JourneyOptionsValidator.Validate(options, Prefix, ["pos", "web"]).ToList();

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Bind_FromConfiguration_MapsAddToDefaultsAndListsAppend()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Stitcher:Journey:EventStages:Search"] = "Check",
            ["Stitcher:Journey:EventStages:store_visit"] = "Action",
            ["Stitcher:Journey:ChannelStages:pos"] = "Action",
            ["Stitcher:Journey:ChannelContexts:crm"] = "relationship & transactional",
            ["Stitcher:Journey:FreeEmailDomains:0"] = "corp-mail.io",
        }).Build();

        var options = configuration.GetSection(Prefix).Get<JourneyOptions>()!;

        Assert.Equal("Check", options.EventStages["search"]);
        Assert.Equal("Action", options.EventStages["STORE_VISIT"]);
        Assert.Equal(21, options.EventStages.Count);
        Assert.Equal("Action", options.ChannelStages["POS"]);
        Assert.Equal("relationship & transactional", options.ChannelContexts["crm"]);
        Assert.Equal(21, options.FreeEmailDomains.Count);
        Assert.Equal("corp-mail.io", options.FreeEmailDomains[^1]);
        Assert.Empty(JourneyOptionsValidator.Validate(options, Prefix));
    }

    [Fact]
    public void Bind_StagesFromConfiguration_ReplaceTheDefaultsAndDuplicatesAreReported()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Stitcher:Journey:Stages:0"] = "Aware",
            ["Stitcher:Journey:Stages:1"] = "Buy",
            ["Stitcher:Journey:Stages:2"] = "aware",
        }).Build();

        var options = configuration.GetSection(Prefix).Get<JourneyOptions>()!;

        Assert.Equal(["Aware", "Buy", "aware"], options.EffectiveStages);
        Assert.Contains(JourneyOptionsValidator.Validate(options, Prefix), f => f.StartsWith("Stitcher:Journey:Stages:2:", StringComparison.Ordinal));
    }
}
