using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Stitcher.Engine;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Delivery;

namespace Stitcher.Plugins.Webhook.Tests;

/// <summary>The webhook sink behind a real engine and outbox, posting to a real receiver on loopback.</summary>
public sealed class WebhookSinkTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly string[] s_rows =
    [
        "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z",
        "c2,Ann,Lee,,+14155550132,2026-01-02T00:00:00Z",
        "c3,Ann,Lee,ann@example.org,+14155550132,2026-01-03T00:00:00Z",
        "c4,Bob,Stone,bob@example.org,,2026-01-04T00:00:00Z",
        "c5,Cy,Moss,cy@example.org,,2026-01-05T00:00:00Z",
        "c6,Di,Park,di@example.org,,2026-01-06T00:00:00Z",
        "c7,Eve,Hale,eve@example.org,,2026-01-07T00:00:00Z",
    ];

    [Fact]
    public async Task ReceiverDownForAWhile_GetsEveryChangeOnceItRecovers_SignedAndWithStableIds()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 4);
        WriteCrm(s_rows[..2]);
        await using var engine = NewEngine(receiver.Url);
        await engine.RunOnceAsync();
        // A merge in a second run: the retired profile is told with its survivor.
        WriteCrm(s_rows);
        await engine.RunOnceAsync();

        Assert.True(receiver.Requests > 4);
        Assert.All(receiver.Received, r => Assert.True(r.SignatureValid, r.Id));
        // A retried body keeps its id, and an id always stands for the same body.
        foreach (var byId in receiver.Received.GroupBy(r => r.Id))
        {
            Assert.Single(byId.Select(r => r.Body).Distinct());
        }
        Assert.Contains(receiver.Received.GroupBy(r => r.Id), g => g.Count() > 1);

        var state = new Dictionary<string, string[]>();
        var retired = new List<(string Id, string Survivor)>();
        foreach (var body in receiver.Accepted)
        {
            using var json = JsonDocument.Parse(body);
            foreach (var e in json.RootElement.GetProperty("events").EnumerateArray())
            {
                var id = e.GetProperty("profile_id").GetString()!;
                Assert.Equal($"{id}:{e.GetProperty("version").GetInt64()}", e.GetProperty("idempotency_key").GetString());
                switch (e.GetProperty("type").GetString())
                {
                    case "profile.upserted":
                        state[id] = [.. e.GetProperty("profile").GetProperty("records").EnumerateArray().Select(r => r.GetProperty("record_id").GetString()!).Order()];
                        break;
                    case "profile.retired":
                        retired.Add((id, e.GetProperty("survivor_id").GetString()!));
                        state.Remove(id);
                        break;
                    default:
                        state.Remove(id);
                        break;
                }
            }
        }
        var expected = new Dictionary<string, string[]>();
        foreach (var id in engine.ReadChanges().Select(c => c.ProfileId).Distinct())
        {
            if (engine.GetProfile(id) is { } profile && profile.Id == id)
            {
                expected[id] = [.. profile.Records.Select(r => r.RecordId).Order()];
            }
        }
        Assert.Equal(expected.Keys.Order(), state.Keys.Order());
        Assert.All(expected, pair => Assert.Equal(pair.Value, state[pair.Key]));
        var ann = engine.FindProfileIdByRecord("crm", "c3")!;
        Assert.Contains(retired, r => r.Survivor == ann);
        Assert.Equal(0, engine.SinkStatuses()[0].LagChanges);
    }

    [Fact]
    public async Task HangulAndQuotes_AreWrittenAsUtf8AndEscapedOnlyWhereJsonMustBe()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        WriteCrm("c1,민준,\"Kim \"\"the\"\" <b>\",minjun@example.org,,2026-01-01T00:00:00Z");
        await using var engine = NewEngine(receiver.Url);

        await engine.RunOnceAsync();

        var body = Assert.Single(receiver.Accepted);
        Assert.True(Assert.Single(receiver.Received).SignatureValid);
        // UTF-8 as it is, not \uXXXX; a quote still escaped; HTML characters as they are.
        Assert.Contains("\"민준\"", body, StringComparison.Ordinal);
        Assert.Contains("Kim \\\"the\\\" <b>", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        var surname = json.RootElement.GetProperty("events")[0].GetProperty("profile").GetProperty("attributes").GetProperty("surname").GetProperty("value").GetString();
        Assert.Equal("Kim \"the\" <b>", surname);
    }

    [Fact]
    public async Task CustomAttributes_ArriveInTheProfileWithTheirSource()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        File.WriteAllText(Path.Combine(_temp.Path, "crm.csv"), SinkTestEngine.CrmHeader + ",diet\r\n" + "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z,Vegan\r\n");
        await using var engine = NewEngine(receiver.Url, options => options.Channels["crm"].Mapping["trait.diet"] = "diet");

        await engine.RunOnceAsync();

        using var json = JsonDocument.Parse(Assert.Single(receiver.Accepted));
        var profile = json.RootElement.GetProperty("events")[0].GetProperty("profile");
        var diet = profile.GetProperty("attributes").GetProperty("trait.diet");
        Assert.Equal(("Vegan", "crm", "c1"), (diet.GetProperty("value").GetString(), diet.GetProperty("channel").GetString(), diet.GetProperty("record_id").GetString()));
    }

    [Fact]
    public async Task ReceiverRefusingTheBody_DeadLettersItsChangesWithTheStatusAndMessage()
    {
        await using var receiver = await WebhookReceiver.StartAsync(refuse: (422, "{\"error\":\"unknown field loyalty_id\"}"));
        WriteCrm(s_rows[3..]);
        await using var engine = NewEngine(receiver.Url);

        await engine.RunOnceAsync();

        var letters = OutboxFiles.ReadDeadLetters(new OutboxFiles(engine.DataDirectory, "hook").DeadLettersPath);
        Assert.Equal(4, letters.Count);
        Assert.All(letters, l => Assert.Equal("422", l.Code));
        Assert.All(letters, l => Assert.Contains("unknown field loyalty_id", l.Message, StringComparison.Ordinal));
        // Permanent: one try per batch, no retries.
        Assert.Equal(2, receiver.Requests);
        Assert.Equal(0, engine.SinkStatuses()[0].LagChanges);
    }

    [Fact]
    public async Task ReceiverAnsweringARedirect_IsNotFollowed_AndTheBatchIsADeadLetter()
    {
        // Followed, a 302 turns the POST into a GET without its body that a 2xx would count as delivered.
        await using var receiver = await WebhookReceiver.StartAsync(refuse: (302, ""));
        WriteCrm(s_rows[3]);
        await using var engine = NewEngine(receiver.Url);

        await engine.RunOnceAsync();

        var letter = Assert.Single(OutboxFiles.ReadDeadLetters(new OutboxFiles(engine.DataDirectory, "hook").DeadLettersPath));
        Assert.Equal("302", letter.Code);
        Assert.Equal(1, receiver.Requests);
    }

    [Theory]
    [InlineData("Secret", "", "is required")]
    [InlineData("Secret", "whsec_not*base64", "not whsec_ followed by base64")]
    [InlineData("Url", "ftp://example.org/x", "absolute http or https URL")]
    [InlineData("TimeoutSeconds", "soon", "number of seconds")]
    [InlineData("Retries", "3", "unknown setting 'Retries'")]
    public void Settings_Wrong_NameTheSettingAndWhatIsExpected(string key, string value, string message)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Url"] = "http://127.0.0.1:1/x", ["Secret"] = WebhookReceiver.Secret };
        settings[key] = value;

        var error = Assert.Throws<ArgumentException>(() => new WebhookSinkPlugin().CreateSink(new SinkContext("hook", settings, _temp.Path, NullLoggerFactory.Instance)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("'hook'", error.Message, StringComparison.Ordinal);
    }

    private void WriteCrm(params string[] rows) => SinkTestEngine.WriteCrm(_temp.Path, rows);

    private StitcherEngine NewEngine(string url, Action<StitcherOptions>? configure = null)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Url"] = url, ["Secret"] = WebhookReceiver.Secret, ["TimeoutSeconds"] = "10" };
        var sink = new WebhookSinkPlugin().CreateSink(new SinkContext("hook", settings, _temp.Path, NullLoggerFactory.Instance));
        var options = SinkTestEngine.Options(_temp.Path, "hook",
            new SinkOptions { Plugin = "webhook", BatchSize = 2, MaxAttempts = 0, RetryDelayMilliseconds = 1, MaxRetryDelayMilliseconds = 10 });
        configure?.Invoke(options);
        return SinkTestEngine.Create(options, sink);
    }
}
