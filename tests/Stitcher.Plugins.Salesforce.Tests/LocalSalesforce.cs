using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Stitcher.Plugins.Salesforce.Tests;

/// <summary>
/// A stateful stand-in for a Salesforce org on loopback, speaking the endpoints the sink uses with Salesforce's
/// answers and error bodies: the OAuth token endpoint (client credentials, and JWT bearer checked against a public
/// key), sObject Collections upsert by external id and collection delete. It keeps records, validates fields and
/// required fields as an org would, and fails as told (503s, request limits, expired sessions, locked rows).
/// </summary>
internal sealed class LocalSalesforce : IAsyncDisposable
{
    public const string ClientId = "3MVG9.local.consumer.key";
    public const string ClientSecret = "local-secret";
    public const string Username = "integration@example.org";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _tokens = new();
    private readonly object _lock = new();
    private int _nextId;
    private long _apiRequests;

    private LocalSalesforce(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>The Contact fields the org has (others are INVALID_FIELD).</summary>
    public HashSet<string> Fields { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        "FirstName", "LastName", "Email", "Phone", "Birthdate", "MailingStreet", "MailingCity", "MailingState", "MailingPostalCode",
        "MailingCountry", "Stitcher_Id__c", "Stitcher_Inactive__c", "Stitcher_Survivor__c",
    };

    /// <summary>Records by Salesforce id: their fields.</summary>
    public Dictionary<string, Dictionary<string, string?>> Records { get; } = [];

    /// <summary>Data requests to answer 503 before serving.</summary>
    public int Unavailable { get; set; }

    /// <summary>Data requests to answer 403 REQUEST_LIMIT_EXCEEDED.</summary>
    public int LimitExceeded { get; set; }

    /// <summary>External ids whose next upsert fails with UNABLE_TO_LOCK_ROW (once each).</summary>
    public HashSet<string> LockOnce { get; } = [];

    /// <summary>Emails whose record's every upsert fails with UNABLE_TO_LOCK_ROW.</summary>
    public HashSet<string> LockAlways { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>For the JWT bearer flow: the key assertions must be signed with.</summary>
    public RSA? JwtKey { get; set; }

    public int TokensIssued { get; private set; }

    public int SessionsRefused { get; private set; }

    /// <summary>Anything the sink did that a real org would refuse outright (more than 200 records a call, …).</summary>
    public ConcurrentQueue<string> Violations { get; } = new();

    public static async Task<LocalSalesforce> StartAsync()
    {
        LocalSalesforce? org = null;
        var (app, url) = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/services/oauth2/token", (HttpContext context) => org!.TokenAsync(context));
            app.MapMethods("/services/data/{version}/composite/sobjects/{sobject}/{externalIdField}", ["PATCH"],
                (HttpContext context, string sobject, string externalIdField) => org!.UpsertAsync(context, sobject, externalIdField));
            app.MapDelete("/services/data/{version}/composite/sobjects", (HttpContext context) => org!.DeleteAsync(context));
        });
        org = new LocalSalesforce(app, url);
        return org;
    }

    /// <summary>Every session issued so far stops working, as when an admin revokes them or they time out.</summary>
    public void ExpireSessions() => _tokens.Clear();

    /// <summary>The record with this external id, or null.</summary>
    public Dictionary<string, string?>? ByExternalId(string externalId)
    {
        lock (_lock)
        {
            return Records.Values.FirstOrDefault(r => r.TryGetValue("Stitcher_Id__c", out var id) && id == externalId);
        }
    }

    private async Task TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var grant = form["grant_type"].ToString();
        var ok = grant switch
        {
            "client_credentials" => form["client_id"] == ClientId && form["client_secret"] == ClientSecret,
            "urn:ietf:params:oauth:grant-type:jwt-bearer" => VerifyAssertion(form["assertion"].ToString()),
            _ => false,
        };
        if (!ok)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new { error = grant.Length == 0 ? "unsupported_grant_type" : "invalid_client", error_description = "invalid client credentials" });
            return;
        }
        var token = "00Dlocal!" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _tokens[token] = true;
        TokensIssued++;
        await context.Response.WriteAsJsonAsync(new Dictionary<string, string>
        {
            ["access_token"] = token,
            ["instance_url"] = Url,
            ["id"] = Url + "/id/00Dlocal/005local",
            ["token_type"] = "Bearer",
            ["issued_at"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            ["signature"] = "local",
        });
    }

    private bool VerifyAssertion(string assertion)
    {
        var parts = assertion.Split('.');
        if (JwtKey is null || parts.Length != 3)
        {
            return false;
        }
        static byte[] FromBase64Url(string text) => Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight((text.Length + 3) / 4 * 4, '='));
        if (!JwtKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return false;
        }
        var claims = JsonNode.Parse(FromBase64Url(parts[1]))!;
        return (string?)claims["iss"] == ClientId && (string?)claims["sub"] == Username && (string?)claims["aud"] == Url
            && (long)claims["exp"]! > DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    /// <summary>Checks the session and the injected faults; writes the answer and returns false when the call stops here.</summary>
    private async Task<bool> AdmitAsync(HttpContext context)
    {
        var auth = context.Request.Headers.Authorization.ToString();
        if (!auth.StartsWith("Bearer ", StringComparison.Ordinal) || !_tokens.ContainsKey(auth["Bearer ".Length..]))
        {
            SessionsRefused++;
            context.Response.StatusCode = 401;
            await context.Response.WriteAsJsonAsync(new[] { new { message = "Session expired or invalid", errorCode = "INVALID_SESSION_ID" } });
            return false;
        }
        var used = Interlocked.Increment(ref _apiRequests);
        context.Response.Headers["Sforce-Limit-Info"] = $"api-usage={used}/15000";
        if (Unavailable > 0)
        {
            Unavailable--;
            context.Response.StatusCode = 503;
            await context.Response.WriteAsync("<html><body>Service Unavailable</body></html>");
            return false;
        }
        if (LimitExceeded > 0)
        {
            LimitExceeded--;
            context.Response.StatusCode = 403;
            await context.Response.WriteAsJsonAsync(new[] { new { message = "TotalRequests Limit exceeded.", errorCode = "REQUEST_LIMIT_EXCEEDED" } });
            return false;
        }
        return true;
    }

    private async Task UpsertAsync(HttpContext context, string sobject, string externalIdField)
    {
        if (!await AdmitAsync(context))
        {
            return;
        }
        var body = await JsonNode.ParseAsync(context.Request.Body);
        var records = body?["records"]?.AsArray();
        if (records is null || (bool?)body!["allOrNone"] != false)
        {
            Violations.Enqueue("upsert without records or with allOrNone other than false");
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new[] { new { message = "JSON_PARSER_ERROR", errorCode = "JSON_PARSER_ERROR" } });
            return;
        }
        if (records.Count > 200)
        {
            Violations.Enqueue($"upsert of {records.Count} records");
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new[] { new { message = "Record limit exceeded: 200", errorCode = "EXCEEDED_ID_LIMIT" } });
            return;
        }
        var results = new JsonArray();
        lock (_lock)
        {
            foreach (var node in records)
            {
                results.Add(UpsertOne(node!.AsObject(), sobject, externalIdField));
            }
        }
        await context.Response.WriteAsync(results.ToJsonString());
    }

    private JsonObject UpsertOne(JsonObject record, string sobject, string externalIdField)
    {
        static JsonObject Failure(string code, string message, params string[] fields) => new()
        {
            ["success"] = false,
            ["errors"] = new JsonArray(new JsonObject { ["statusCode"] = code, ["message"] = message, ["fields"] = new JsonArray([.. fields.Select(f => (JsonNode)f)]) }),
        };
        if ((string?)record["attributes"]?["type"] != sobject)
        {
            return Failure("INVALID_TYPE", $"Must specify a valid type: {sobject}");
        }
        var externalId = (string?)record[externalIdField];
        if (string.IsNullOrEmpty(externalId))
        {
            return Failure("MISSING_ARGUMENT", $"{externalIdField} not specified");
        }
        foreach (var (field, _) in record)
        {
            if (field != "attributes" && !Fields.Contains(field))
            {
                return Failure("INVALID_FIELD", $"No such column '{field}' on sobject of type {sobject}", field);
            }
        }
        if (LockOnce.Remove(externalId) || ((string?)record["Email"] is { } email && LockAlways.Contains(email)))
        {
            return Failure("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 records");
        }
        var existing = Records.FirstOrDefault(r => r.Value.TryGetValue(externalIdField, out var id) && id == externalId);
        var fields = existing.Value is null ? new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) : new Dictionary<string, string?>(existing.Value, StringComparer.OrdinalIgnoreCase);
        foreach (var (field, value) in record)
        {
            if (field != "attributes")
            {
                fields[field] = value?.GetValueKind() switch
                {
                    null or JsonValueKind.Null => null,
                    JsonValueKind.String => (string?)value,
                    _ => value.ToJsonString(),
                };
            }
        }
        if (string.IsNullOrEmpty(fields.GetValueOrDefault("LastName")))
        {
            return Failure("REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", "LastName");
        }
        var sfId = existing.Key ?? "003" + (++_nextId).ToString("D12", CultureInfo.InvariantCulture);
        Records[sfId] = fields;
        return new JsonObject { ["id"] = sfId, ["success"] = true, ["errors"] = new JsonArray(), ["created"] = existing.Key is null };
    }

    private async Task DeleteAsync(HttpContext context)
    {
        if (!await AdmitAsync(context))
        {
            return;
        }
        if (context.Request.Query["allOrNone"] != "false")
        {
            Violations.Enqueue("delete without allOrNone=false");
        }
        var ids = context.Request.Query["ids"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (ids.Length > 200)
        {
            Violations.Enqueue($"delete of {ids.Length} ids");
        }
        var results = new JsonArray();
        lock (_lock)
        {
            foreach (var id in ids)
            {
                results.Add(Records.Remove(id)
                    ? new JsonObject { ["id"] = id, ["success"] = true, ["errors"] = new JsonArray() }
                    : new JsonObject
                    {
                        ["success"] = false,
                        ["errors"] = new JsonArray(new JsonObject { ["statusCode"] = "ENTITY_IS_DELETED", ["message"] = "entity is deleted", ["fields"] = new JsonArray() }),
                    });
            }
        }
        await context.Response.WriteAsync(results.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        JwtKey?.Dispose();
    }
}
