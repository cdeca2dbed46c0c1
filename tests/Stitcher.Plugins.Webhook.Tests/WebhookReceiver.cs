using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Stitcher.Plugins.Webhook.Tests;

/// <summary>
/// A webhook receiver on loopback, as a customer would run one: it checks each request's Standard Webhooks signature
/// and timestamp on its own (not with the sink's code), answers as scripted (fail for a while, refuse), and keeps what
/// it accepted.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private readonly WebApplication _app;
    private int _requests;

    private WebhookReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url + "/hooks/stitcher";
    }

    /// <summary>Requests to answer 503 (with <c>Retry-After: 0</c>) before accepting.</summary>
    public int FailFirst { get; init; }

    /// <summary>When set, every request is answered with this status and body.</summary>
    public (int Status, string Body)? Refuse { get; init; }

    public string Url { get; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Every request that reached the receiver: its webhook-id, body and whether its signature held.</summary>
    public ConcurrentQueue<(string Id, string Body, bool SignatureValid)> Received { get; } = new();

    /// <summary>The bodies accepted (answered 2xx), in order.</summary>
    public ConcurrentQueue<string> Accepted { get; } = new();

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0, (int, string)? refuse = null)
    {
        WebhookReceiver? receiver = null;
        var (app, url) = await LoopbackServer.StartAsync(app => app.MapPost("/hooks/stitcher", (HttpContext context) => receiver!.HandleAsync(context)));
        receiver = new WebhookReceiver(app, url) { FailFirst = failFirst, Refuse = refuse };
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var id = context.Request.Headers["webhook-id"].ToString();
        var timestamp = context.Request.Headers["webhook-timestamp"].ToString();
        var signature = context.Request.Headers["webhook-signature"].ToString();
        var valid = Verify(id, timestamp, body, signature);
        Received.Enqueue((id, body, valid));
        var n = Interlocked.Increment(ref _requests);
        if (!valid)
        {
            context.Response.StatusCode = 401;
            return;
        }
        if (Refuse is { } refuse)
        {
            context.Response.StatusCode = refuse.Status;
            await context.Response.WriteAsync(refuse.Body);
            return;
        }
        if (n <= FailFirst)
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "0";
            await context.Response.WriteAsync("down for maintenance");
            return;
        }
        Accepted.Enqueue(body);
        context.Response.StatusCode = 204;
    }

    /// <summary>The spec's check: HMAC-SHA256 of "id.timestamp.body" with the secret's base64 key, timestamp within 5 minutes.</summary>
    private static bool Verify(string id, string timestamp, string body, string signature)
    {
        if (id.Length == 0 || id.Contains('.', StringComparison.Ordinal) || !long.TryParse(timestamp, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }
        var key = Convert.FromBase64String(Secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        foreach (var part in signature.Split(' '))
        {
            if (part == "v1," + expected)
            {
                return true;
            }
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
