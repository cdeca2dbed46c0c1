using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Stitcher.Plugins.Webhook;

/// <summary>
/// Posts each batch as <c>{"events": [...]}</c>, signed per Standard Webhooks: <c>webhook-id</c> (a hash of the batch's
/// idempotency keys: a key always comes with the same content, so the same id always stands for the same body, and a
/// retry of a body has its id; a receiver can drop the repeat), <c>webhook-timestamp</c> (seconds, per try) and <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of "id.timestamp.body"&gt;</c>. A 2xx answer delivers the
/// batch; 408, 425, 429 and 5xx (and a connection that fails) are retried, honouring <c>Retry-After</c>; any other
/// answer is permanent and dead-letters the batch with its status and the first part of its body.
/// </summary>
internal sealed partial class WebhookSink : IProfileSink
{
    private const int ErrorBodyChars = 500;

    private static readonly MediaTypeHeaderValue s_jsonType = new("application/json") { CharSet = "utf-8" };

    private readonly WebhookSettings _settings;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly ArrayBufferWriter<byte> _body = new(64 * 1024);

    // Text as UTF-8, not \uXXXX escapes: a Hangul name is a third of the bytes, and the body is JSON for a program, never
    // embedded in HTML (quotes, backslashes and control characters are still escaped). What the sink writes is valid, so
    // the writer does not check it again.
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private readonly Utf8JsonWriter _writer;

    public WebhookSink(SinkContext context, WebhookSettings settings, HttpMessageHandler? handler = null)
    {
        Name = context.SinkName;
        _settings = settings;
        _logger = context.LoggerFactory.CreateLogger<WebhookSink>();
        // No redirects: a 301/302 would turn the POST into a GET without its body, answered 2xx as if delivered.
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false }) { Timeout = settings.Timeout };
        _writer = new Utf8JsonWriter(_body, s_writerOptions);
    }

    public string Name { get; }

    public async ValueTask<IReadOnlyList<ChangeRejection>> WriteAsync(ProfileBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        // The body is written into a buffer the sink reuses: calls never overlap, and the request is done with it
        // when this returns.
        var body = Serialize(batch);
        var id = MessageId(batch);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, _settings.Url) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = s_jsonType;
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp);
        request.Headers.Add("webhook-signature", Sign(_settings.Key, id, timestamp, body.Span));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new SinkException($"POST {_settings.Url.GetLeftPart(UriPartial.Path)} failed: {ex.Message}", retryable: true, code: ex.HttpRequestError.ToString(), innerException: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SinkException($"POST {_settings.Url.GetLeftPart(UriPartial.Path)} timed out after {_settings.Timeout.TotalSeconds:0.#} s", retryable: true, code: "timeout", innerException: ex);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                Log.Posted(_logger, Name, batch.Changes.Count, (int)response.StatusCode, id);
                return [];
            }
            var status = (int)response.StatusCode;
            var text = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            var retryable = status is 408 or 425 or 429 or >= 500;
            throw new SinkException($"HTTP {status} {response.ReasonPhrase}: {text}", retryable, status.ToString(CultureInfo.InvariantCulture), RetryAfter(response));
        }
    }

    /// <summary>Each request is delivered when its answer came back: nothing is held to flush.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        _writer.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The body: <c>{"events":[{type, profile_id, version, idempotency_key, changed_at, profile | survivor_id}]}</c>.</summary>
    internal ReadOnlyMemory<byte> Serialize(ProfileBatch batch)
    {
        _body.ResetWrittenCount();
        var writer = _writer;
        writer.Reset(_body);
        writer.WriteStartObject();
        writer.WriteStartArray("events");
        foreach (var change in batch.Changes)
        {
            writer.WriteStartObject();
            writer.WriteString("type", change.Kind switch
            {
                ProfileChangeKind.Upserted => "profile.upserted",
                ProfileChangeKind.Retired => "profile.retired",
                _ => "profile.deleted",
            });
            writer.WriteString("profile_id", change.ProfileId);
            writer.WriteNumber("version", change.Version);
            writer.WriteString("idempotency_key", change.IdempotencyKey);
            writer.WriteString("changed_at", change.ChangedAt);
            if (change.SurvivorId is { } survivor)
            {
                writer.WriteString("survivor_id", survivor);
            }
            if (change.Profile is { } profile)
            {
                writer.WritePropertyName("profile");
                JsonSerializer.Serialize(writer, profile, WebhookJsonContext.Default.StitchedProfile);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        return _body.WrittenMemory;
    }

    /// <summary>Standard Webhooks' id, no dots: a hash of the batch's idempotency keys, in order.</summary>
    internal static string MessageId(ProfileBatch batch)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> key = stackalloc byte[256];
        foreach (var change in batch.Changes)
        {
            var text = change.IdempotencyKey;
            var length = Encoding.UTF8.GetMaxByteCount(text.Length) <= key.Length ? Encoding.UTF8.GetBytes(text, key) : -1;
            hash.AppendData(length >= 0 ? key[..length] : Encoding.UTF8.GetBytes(text));
            hash.AppendData("\n"u8);
        }
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return "msg_" + Convert.ToHexStringLower(digest[..16]);
    }

    /// <summary><c>v1,</c> and the base64 HMAC-SHA256, keyed by the secret, of <c>id.timestamp.body</c>.</summary>
    internal static string Sign(byte[] key, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(id + "." + timestamp + "."));
        hmac.AppendData(body);
        return "v1," + Convert.ToBase64String(hmac.GetHashAndReset());
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } after)
        {
            return null;
        }
        if (after.Delta is { } delta)
        {
            return delta;
        }
        return after.Date is { } date ? (date - DateTimeOffset.UtcNow) is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero : null;
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            text = text.ReplaceLineEndings(" ").Trim();
            return text.Length <= ErrorBodyChars ? text : text[..ErrorBodyChars] + "…";
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Webhook sink {Sink}: posted {Changes} changes, HTTP {Status}, {MessageId}")]
        public static partial void Posted(ILogger logger, string sink, int changes, int status, string messageId);
    }
}
