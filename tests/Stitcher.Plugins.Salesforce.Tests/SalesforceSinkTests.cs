using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Stitcher.Engine;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Delivery;

namespace Stitcher.Plugins.Salesforce.Tests;

/// <summary>The Salesforce sink behind a real engine and outbox, against a stateful org on loopback.</summary>
public sealed class SalesforceSinkTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly string[] s_rows =
    [
        "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z",
        "c2,Ann,Lee,,+14155550132,2026-01-02T00:00:00Z",
        "c4,Bob,Stone,bob@example.org,,2026-01-04T00:00:00Z",
        "c5,Cy,,cy@example.org,,2026-01-05T00:00:00Z",
        "c6,Di,Park,di@example.org,,2026-01-06T00:00:00Z",
    ];

    [Fact]
    public async Task Backfill_ThenAMerge_TheOrgHoldsEachLiveProfileOnce_RetiredOnesDeleted_RefusedOnesDeadLettered()
    {
        await using var org = await LocalSalesforce.StartAsync();
        org.Unavailable = 2;
        org.LimitExceeded = 1;
        WriteCrm(s_rows);
        await using (var engine = NewEngine(org))
        {
            await engine.RunOnceAsync();
            var first = engine.FindProfileIdByRecord("crm", "c1")!;
            var second = engine.FindProfileIdByRecord("crm", "c2")!;
            Assert.NotEqual(first, second);
            Assert.NotNull(org.ByExternalId(first));
            Assert.NotNull(org.ByExternalId(second));

            // The sessions expire; a record locked once; then c3 merges Ann's two profiles.
            org.ExpireSessions();
            org.LockOnce.Add(engine.FindProfileIdByRecord("crm", "c4")!);
            WriteCrm([.. s_rows, "c3,Ann,Lee,ann@example.org,+14155550132,2026-01-03T00:00:00Z", "c4,Bob,Stone,bob@example.org,+14155550199,2026-01-08T00:00:00Z"]);
            await engine.RunOnceAsync();

            var survivor = engine.FindProfileIdByRecord("crm", "c3")!;
            var retired = survivor == first ? second : first;
            Assert.Null(org.ByExternalId(retired));
            var ann = org.ByExternalId(survivor)!;
            Assert.Equal(("Ann", "Lee", "ann@example.org"), (ann["FirstName"], ann["LastName"], ann["Email"]));
            Assert.NotNull(ann["Phone"]);
            // Bob's update went through after the locked row was retried.
            Assert.NotNull(org.ByExternalId(engine.FindProfileIdByRecord("crm", "c4")!)!["Phone"]);

            // Every live profile with a surname is in the org once; Cy (no surname) is a dead letter with Salesforce's words.
            var live = engine.ReadChanges().Select(c => c.ProfileId).Distinct().Where(id => engine.GetProfile(id) is { } p && p.Id == id).ToList();
            var cy = engine.FindProfileIdByRecord("crm", "c5")!;
            Assert.Equal(live.Where(id => id != cy).Order(), org.Records.Values.Select(r => r["Stitcher_Id__c"]!).Order());
            var letters = OutboxFiles.ReadDeadLetters(new OutboxFiles(engine.DataDirectory, "crm-sync").DeadLettersPath);
            var letter = Assert.Single(letters);
            Assert.Equal((cy, "REQUIRED_FIELD_MISSING"), (letter.ProfileId, letter.Code));
            Assert.Contains("Required fields are missing: [LastName]", letter.Message, StringComparison.Ordinal);

            Assert.True(org.TokensIssued >= 2, $"{org.TokensIssued} tokens");
            Assert.True(org.SessionsRefused >= 1);
            Assert.Empty(org.Violations);
            var status = engine.SinkStatuses()[0];
            Assert.Equal(0, status.LagChanges);
            Assert.StartsWith("api-usage=", status.Usage, StringComparison.Ordinal);
            Assert.True(status.Retries >= 3, $"{status.Retries} retries");
        }

        // The Salesforce ids survive a restart: a delete after it still reaches the org.
        await using (var engine = NewEngine(org))
        {
            Assert.True(await engine.DeleteRecordAsync("crm", "c6"));
            await engine.DrainSinksAsync();
            Assert.Null(org.ByExternalId(engine.ReadChanges().Last().ProfileId));
            Assert.DoesNotContain(org.Records.Values, r => r["FirstName"] == "Di");
        }
    }

    [Fact]
    public async Task Deactivate_KeepsTheRetiredRecordMarkedInactiveWithItsSurvivor()
    {
        await using var org = await LocalSalesforce.StartAsync();
        WriteCrm(s_rows[..2]);
        await using var engine = NewEngine(org, new() { ["OnRemove"] = "deactivate", ["InactiveField"] = "Stitcher_Inactive__c", ["SurvivorField"] = "Stitcher_Survivor__c" });
        await engine.RunOnceAsync();
        WriteCrm([.. s_rows[..2], "c3,Ann,Lee,ann@example.org,+14155550132,2026-01-03T00:00:00Z"]);

        await engine.RunOnceAsync();

        var survivor = engine.FindProfileIdByRecord("crm", "c3")!;
        var retired = new[] { engine.ReadChanges().First().ProfileId, engine.ReadChanges().Skip(1).First().ProfileId }.Single(id => id != survivor);
        var record = org.ByExternalId(retired)!;
        Assert.Equal(("true", survivor), (record["Stitcher_Inactive__c"], record["Stitcher_Survivor__c"]));
        Assert.Equal("false", org.ByExternalId(survivor)!["Stitcher_Inactive__c"]);
    }

    [Fact]
    public async Task JwtBearerFlow_SignsAnAssertionTheOrgVerifies()
    {
        await using var org = await LocalSalesforce.StartAsync();
        var key = RSA.Create(2048);
        org.JwtKey = RSA.Create();
        org.JwtKey.ImportRSAPublicKey(key.ExportRSAPublicKey(), out _);
        var keyPath = Path.Combine(_temp.Path, "server.key");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        WriteCrm(s_rows[2]);
        await using var engine = NewEngine(org, new() { ["ClientSecret"] = "", ["Username"] = LocalSalesforce.Username, ["PrivateKeyPath"] = "server.key" });

        await engine.RunOnceAsync();

        Assert.NotNull(org.ByExternalId(engine.FindProfileIdByRecord("crm", "c4")!));
        Assert.Equal(1, org.TokensIssued);
    }

    [Fact]
    public async Task RowLockedForGood_BesideARecordRefused_EachIsDeadLetteredWithItsOwnCode()
    {
        // One batch: Bob's row stays locked (retryable, until the attempts run out), Cy has no LastName (permanent).
        // Given up, the batch's letters keep Salesforce's reason for Cy instead of the lock's.
        await using var org = await LocalSalesforce.StartAsync();
        WriteCrm(s_rows[2], s_rows[3]);
        await using var engine = NewEngine(org, configure: options => options.Sinks["crm-sync"].MaxAttempts = 2);
        org.LockAlways.Add("bob@example.org");

        await engine.RunOnceAsync();

        var letters = OutboxFiles.ReadDeadLetters(new OutboxFiles(engine.DataDirectory, "crm-sync").DeadLettersPath);
        var codes = letters.ToDictionary(l => l.ProfileId, l => l.Code);
        Assert.Equal("UNABLE_TO_LOCK_ROW", codes[engine.FindProfileIdByRecord("crm", "c4")!]);
        Assert.Equal("REQUIRED_FIELD_MISSING", codes[engine.FindProfileIdByRecord("crm", "c5")!]);
        Assert.All(letters, l => Assert.Equal(2, l.Attempts));
    }

    [Fact]
    public async Task CustomAttribute_MappedToACustomField_ReachesTheOrg()
    {
        await using var org = await LocalSalesforce.StartAsync();
        org.Fields.Add("Shoe_Size__c");
        File.WriteAllText(Path.Combine(_temp.Path, "crm.csv"), SinkTestEngine.CrmHeader + ",shoe\r\n"
            + "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z,38\r\n" + "c2,Ann,Lee,ann@example.org,,2026-01-02T00:00:00Z,39\r\n");
        await using var engine = NewEngine(org, new() { ["Fields"] = "surname=LastName, trait.shoe_size=Shoe_Size__c" },
            options => options.Channels["crm"].Mapping["trait.shoe_size"] = "shoe");

        await engine.RunOnceAsync();

        var ann = org.ByExternalId(engine.FindProfileIdByRecord("crm", "c1")!)!;
        Assert.Equal(("Lee", "39"), (ann["LastName"], ann["Shoe_Size__c"]));
    }

    [Fact]
    public async Task UnknownField_IsDeadLetteredWithInvalidField()
    {
        await using var org = await LocalSalesforce.StartAsync();
        WriteCrm(s_rows[2]);
        await using var engine = NewEngine(org, new() { ["Fields"] = "surname=LastName, email=Email__x" });

        await engine.RunOnceAsync();

        var letter = Assert.Single(OutboxFiles.ReadDeadLetters(new OutboxFiles(engine.DataDirectory, "crm-sync").DeadLettersPath));
        Assert.Equal("INVALID_FIELD", letter.Code);
        Assert.Contains("No such column 'Email__x'", letter.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ClientId", "", "'ClientId' is required")]
    [InlineData("ClientSecret", "", "give 'ClientSecret'")]
    [InlineData("ApiVersion", "v40.0", "v46.0 or later")]
    [InlineData("OnRemove", "deactivate", "needs 'InactiveField'")]
    [InlineData("Fields", "email", "is not attribute=SalesforceField")]
    [InlineData("Objekt", "Lead", "unknown setting 'Objekt'")]
    public void Settings_Wrong_NameTheSettingAndWhatIsExpected(string key, string value, string message)
    {
        var settings = Settings("https://login.salesforce.com");
        settings[key] = value;

        var error = Assert.Throws<ArgumentException>(() => new SalesforceSinkPlugin().CreateSink(new SinkContext("crm-sync", settings, _temp.Path, NullLoggerFactory.Instance)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Settings(string loginUrl) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["LoginUrl"] = loginUrl,
        ["ClientId"] = LocalSalesforce.ClientId,
        ["ClientSecret"] = LocalSalesforce.ClientSecret,
    };

    private void WriteCrm(params string[] rows) => SinkTestEngine.WriteCrm(_temp.Path, rows);

    private StitcherEngine NewEngine(LocalSalesforce org, Dictionary<string, string>? extra = null, Action<StitcherOptions>? configure = null)
    {
        var settings = Settings(org.Url);
        foreach (var (key, value) in extra ?? [])
        {
            if (value.Length == 0)
            {
                settings.Remove(key);
            }
            else
            {
                settings[key] = value;
            }
        }
        var options = SinkTestEngine.Options(_temp.Path, "crm-sync",
            new SinkOptions { Plugin = "salesforce", BatchSize = 3, MaxAttempts = 0, RetryDelayMilliseconds = 1, MaxRetryDelayMilliseconds = 10 });
        configure?.Invoke(options);
        var state = Path.Combine(new OutboxFiles(options.ResolvePath(options.DataDirectory), "crm-sync").Directory, "state");
        var sink = new SalesforceSinkPlugin().CreateSink(new SinkContext("crm-sync", settings, _temp.Path, NullLoggerFactory.Instance) { StateDirectory = state });
        return SinkTestEngine.Create(options, sink);
    }
}
