using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Stitcher.Engine.Configuration;

namespace Stitcher.Engine.Tests.Configuration;

public sealed class StitcherOptionsTests
{
    [Fact]
    public void Constructor_UsesDocumentedDefaults()
    {
        var options = new StitcherOptions();

        Assert.Equal("data", options.DataDirectory);
        Assert.Equal("US", options.DefaultRegion);
        Assert.False(options.DayFirstDates);
        Assert.Equal(1000, options.BatchSize);
        Assert.Equal(60, options.CheckpointIntervalSeconds);
        Assert.Equal(2, options.PollIntervalSeconds);
        Assert.Empty(options.Channels);
        Assert.Empty(options.Rules);
        Assert.Empty(options.Sinks);
        Assert.Empty(options.PluginDirectories);
        Assert.Empty(options.FallbackPhoneRegions);
        Assert.Equal(1L << 24, options.Store.IndexSizeBytes);
        Assert.Equal(1L << 28, options.Store.MemorySizeBytes);
        Assert.Equal(1L << 22, options.Store.PageSizeBytes);
        Assert.Equal(600, options.Store.CheckpointTimeoutSeconds);
    }

    [Fact]
    public void Validate_ValidConfiguration_Succeeds()
    {
        var result = new StitcherOptionsValidator().Validate(null, Valid());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("region", "Stitcher:DefaultRegion")]
    [InlineData("mapping", "Stitcher:Channels:crm:Mapping:emial")]
    [InlineData("format", "Stitcher:Channels:crm:Format")]
    [InlineData("rule", "Stitcher:Rules:0:Attribute")]
    [InlineData("duplicate-rule", "Stitcher:Rules:1:Name")]
    [InlineData("sink", "Stitcher:Sinks:out:Plugin")]
    public void Validate_WrongValue_FailureNamesTheKey(string fault, string expectedKey)
    {
        var options = Valid();
        var crm = options.Channels["crm"];
        switch (fault)
        {
            case "region": options.DefaultRegion = "XX"; break;
            case "mapping": crm.Mapping["emial"] = "email"; break;
            case "format": crm.Format = "xml"; break;
            case "rule": options.Rules[0].Attribute = "shoe_size"; break;
            case "duplicate-rule": options.Rules.Add(new IdentifierRuleOptions { Name = "EMAIL", Attribute = "email" }); break;
            case "sink": options.Sinks["out"] = new SinkOptions(); break;
        }

        var result = new StitcherOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expectedKey, result.FailureMessage);
    }

    [Fact]
    public void AddStitcher_BoundFromConfiguration_ResolvesValidatedOptionsAndOneEngine()
    {
        using var temp = new TempDirectory();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Stitcher:BaseDirectory"] = temp.Path,
            ["Stitcher:Channels:crm:Path"] = "crm.csv",
            ["Stitcher:Channels:crm:Mapping:record_id"] = "id",
            ["Stitcher:Channels:crm:Mapping:timestamp"] = "at",
            ["Stitcher:Store:IndexSizeBytes"] = "65536",
            ["Stitcher:Store:MemorySizeBytes"] = "4194304",
            ["Stitcher:Store:PageSizeBytes"] = "65536",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();

        services.AddStitcher().AddStitcher();
        using var provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(StitcherEngine));
        var options = provider.GetRequiredService<IOptions<StitcherOptions>>().Value;
        Assert.Equal("id", options.Channels["crm"].Mapping["record_id"]);
        var engine = provider.GetRequiredService<StitcherEngine>();
        Assert.Same(engine, provider.GetRequiredService<StitcherEngine>());
        Assert.StartsWith(temp.Path, engine.DataDirectory);
    }

    [Fact]
    public void AddStitcher_UnknownKey_FailsNamingTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Stitcher:BatchSise"] = "10",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddStitcher();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<StitcherOptions>>().Value);

        Assert.Contains("BatchSise", error.Message);
    }

    private static StitcherOptions Valid() => new()
    {
        Channels =
        {
            ["crm"] = new ChannelOptions { Path = "crm.csv", Mapping = { ["record_id"] = "id", ["timestamp"] = "at", ["email"] = "email" } },
        },
        Rules = { new IdentifierRuleOptions { Name = "email", Attribute = "email" } },
        Sinks = { ["out"] = new SinkOptions { Plugin = "csv" } },
    };
}
