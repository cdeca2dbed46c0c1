using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Stitcher.Plugins.Salesforce;

/// <summary>
/// Upserts profiles by external id through sObject Collections (<c>PATCH …/composite/sobjects/{Object}/{ExternalIdField}</c>,
/// <c>allOrNone</c> false, at most 200 records a call) and keeps the Salesforce ids it returns; removes retired and
/// deleted profiles by collection delete of those ids, or marks them inactive. A new token on
/// <c>401 INVALID_SESSION_ID</c>; 5xx, 429, <c>REQUEST_LIMIT_EXCEEDED</c> and a record's <c>UNABLE_TO_LOCK_ROW</c> are
/// retried (the outbox sends the batch again; upserts are idempotent); any other error of a record
/// (<c>REQUIRED_FIELD_MISSING</c>, <c>INVALID_FIELD</c>, <c>DUPLICATE_VALUE</c>, …) is a rejection that goes to the
/// dead letters with Salesforce's code and message. <c>Sforce-Limit-Info</c> is shown by <c>stitcher sinks status</c>.
/// </summary>
internal sealed partial class SalesforceSink : IProfileSink, ISinkUsage
{
    private const int MaxRecordsPerCall = 200;

    private static readonly HashSet<string> s_retryableRecordErrors = new(StringComparer.Ordinal)
    {
        "UNABLE_TO_LOCK_ROW", "REQUEST_LIMIT_EXCEEDED", "SERVER_UNAVAILABLE",
    };

    // A record already gone is what a delete wants.
    private static readonly HashSet<string> s_alreadyDeleted = new(StringComparer.Ordinal) { "ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY" };

    private readonly SalesforceSettings _settings;
    private readonly HttpClient _http;
    private readonly SalesforceAuth _auth;
    private readonly SalesforceIdMap _ids;
    private readonly ILogger _logger;
    private readonly ArrayBufferWriter<byte> _body = new(64 * 1024);
    private SalesforceSession? _session;
    private string? _usage;

    public SalesforceSink(SinkContext context, SalesforceSettings settings, HttpMessageHandler? handler = null)
    {
        Name = context.SinkName;
        _settings = settings;
        _logger = context.LoggerFactory.CreateLogger<SalesforceSink>();
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false }) { Timeout = settings.Timeout };
        _auth = new SalesforceAuth(settings, _http);
        _ids = new SalesforceIdMap(context.StateDirectory);
    }

    public string Name { get; }

    public string? Usage => Volatile.Read(ref _usage);

    /// <summary>How many profiles the sink knows a Salesforce id for.</summary>
    internal int KnownIds => _ids.Count;

    public async ValueTask<IReadOnlyList<ChangeRejection>> WriteAsync(ProfileBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var rejections = new List<ChangeRejection>();
        string? retry = null;
        var changes = batch.Changes;
        var start = 0;
        // In order, in runs of upserts and of removals, at most 200 records a call.
        while (start < changes.Count)
        {
            var upsert = IsUpsert(changes[start]);
            var end = start + 1;
            while (end < changes.Count && end - start < MaxRecordsPerCall && IsUpsert(changes[end]) == upsert)
            {
                end++;
            }
            var failed = upsert
                ? await UpsertAsync(changes, start, end, rejections, cancellationToken).ConfigureAwait(false)
                : await DeleteAsync(changes, start, end, rejections, cancellationToken).ConfigureAwait(false);
            retry ??= failed;
            start = end;
        }
        if (retry is not null)
        {
            // Records Salesforce could not take now: the batch comes again, and what was upserted is upserted once more.
            throw new SinkException($"Salesforce asked to retry: {retry}", retryable: true, code: retry.Split(':')[0]) { Rejections = rejections };
        }
        return rejections;
    }

    /// <summary>The ids learnt since the last flush are written to the state directory.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        _ids.Flush();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _ids.Flush();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private bool IsUpsert(ProfileChange change) => change.Kind == ProfileChangeKind.Upserted || _settings.OnRemove == RemovalMode.Deactivate;

    /// <returns>A retryable record error seen (code: message), or null.</returns>
    private async Task<string?> UpsertAsync(IReadOnlyList<ProfileChange> changes, int start, int end, List<ChangeRejection> rejections, CancellationToken cancellationToken)
    {
        var path = $"/services/data/{_settings.ApiVersion}/composite/sobjects/{_settings.ObjectName}/{_settings.ExternalIdField}";
        using var results = await SendAsync(HttpMethod.Patch, path, () => UpsertBody(changes, start, end), cancellationToken).ConfigureAwait(false);
        string? retry = null;
        var index = start;
        foreach (var result in results.RootElement.EnumerateArray())
        {
            if (index >= end)
            {
                break;
            }
            var change = changes[index];
            if (result.TryGetProperty("success", out var success) && success.GetBoolean())
            {
                if (result.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } salesforceId)
                {
                    _ids.Set(change.ProfileId, salesforceId);
                }
            }
            else
            {
                var (code, message) = FirstError(result);
                if (s_retryableRecordErrors.Contains(code))
                {
                    retry ??= $"{code}: {message}";
                }
                else
                {
                    rejections.Add(new ChangeRejection(index, code, message));
                }
            }
            index++;
        }
        if (index < end)
        {
            throw new SinkException($"Salesforce answered {index - start} results for {end - start} records", retryable: true, code: "RESULT_COUNT");
        }
        return retry;
    }

    private async Task<string?> DeleteAsync(IReadOnlyList<ProfileChange> changes, int start, int end, List<ChangeRejection> rejections, CancellationToken cancellationToken)
    {
        var known = new List<(int Index, string Id)>(end - start);
        for (var i = start; i < end; i++)
        {
            // A profile never upserted here has nothing to delete.
            if (_ids.TryGet(changes[i].ProfileId, out var id))
            {
                known.Add((i, id));
            }
        }
        if (known.Count == 0)
        {
            return null;
        }
        var path = $"/services/data/{_settings.ApiVersion}/composite/sobjects?allOrNone=false&ids={string.Join(',', known.Select(k => k.Id))}";
        using var results = await SendAsync(HttpMethod.Delete, path, null, cancellationToken).ConfigureAwait(false);
        string? retry = null;
        var at = 0;
        foreach (var result in results.RootElement.EnumerateArray())
        {
            if (at >= known.Count)
            {
                break;
            }
            var (index, _) = known[at++];
            var (code, message) = result.TryGetProperty("success", out var success) && success.GetBoolean() ? ("", "") : FirstError(result);
            if (code.Length == 0 || s_alreadyDeleted.Contains(code))
            {
                _ids.Forget(changes[index].ProfileId);
            }
            else if (s_retryableRecordErrors.Contains(code))
            {
                retry ??= $"{code}: {message}";
            }
            else
            {
                rejections.Add(new ChangeRejection(index, code, message));
            }
        }
        return retry;
    }

    private ReadOnlyMemory<byte> UpsertBody(IReadOnlyList<ProfileChange> changes, int start, int end)
    {
        _body.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_body);
        writer.WriteStartObject();
        writer.WriteBoolean("allOrNone", false);
        writer.WriteStartArray("records");
        for (var i = start; i < end; i++)
        {
            var change = changes[i];
            writer.WriteStartObject();
            writer.WriteStartObject("attributes");
            writer.WriteString("type", _settings.ObjectName);
            writer.WriteEndObject();
            writer.WriteString(_settings.ExternalIdField, change.ProfileId);
            if (change is { Kind: ProfileChangeKind.Upserted, Profile: { } profile })
            {
                foreach (var (attribute, field) in _settings.Fields)
                {
                    // An attribute the profile no longer has clears the field.
                    if (profile.Attributes.TryGetValue(attribute, out var value) && !string.IsNullOrEmpty(value.Value))
                    {
                        writer.WriteString(field, value.Value);
                    }
                    else
                    {
                        writer.WriteNull(field);
                    }
                }
                if (_settings.InactiveField is { } active)
                {
                    writer.WriteBoolean(active, false);
                }
            }
            else
            {
                writer.WriteBoolean(_settings.InactiveField!, true);
                if (_settings.SurvivorField is { } survivor)
                {
                    if (change.SurvivorId is { } id)
                    {
                        writer.WriteString(survivor, id);
                    }
                    else
                    {
                        writer.WriteNull(survivor);
                    }
                }
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        return _body.WrittenMemory;
    }

    /// <summary>
    /// One REST call with the session's token; a <c>401</c> gets a new token and the call once more. Returns the JSON
    /// answer of a 2xx; throws <see cref="SinkException"/> otherwise, retryable for 5xx, 429 and request limits.
    /// </summary>
    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, Func<ReadOnlyMemory<byte>>? body, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            _session ??= await _auth.GetSessionAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(method, new Uri(_session.InstanceUrl, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _session.AccessToken);
            if (body is not null)
            {
                request.Content = new ReadOnlyMemoryContent(body());
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new SinkException($"{method} {_session.InstanceUrl.Host} failed: {ex.Message}", retryable: true, code: ex.HttpRequestError.ToString(), innerException: ex);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SinkException($"{method} {_session.InstanceUrl.Host} timed out", retryable: true, code: "timeout", innerException: ex);
            }
            using (response)
            {
                ReadUsage(response);
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return JsonDocument.Parse(text.Length == 0 ? "[]" : text);
                }
                var (code, message) = RequestError(text, response.StatusCode);
                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
                {
                    Log.NewToken(_logger, Name, code);
                    _session = null;
                    continue;
                }
                var retryable = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests
                    || response.StatusCode == HttpStatusCode.Unauthorized || code == "REQUEST_LIMIT_EXCEEDED";
                throw new SinkException($"HTTP {(int)response.StatusCode} {code}: {message}", retryable, code, response.Headers.RetryAfter?.Delta);
            }
        }
    }

    private void ReadUsage(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("Sforce-Limit-Info", out var values))
        {
            var usage = string.Join(' ', values);
            Volatile.Write(ref _usage, usage);
            Log.Usage(_logger, Name, usage);
        }
    }

    /// <summary>A record result's first error: <c>errors[0].statusCode</c> and its message.</summary>
    private static (string Code, string Message) FirstError(JsonElement result)
    {
        if (result.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
        {
            var error = errors[0];
            var code = error.TryGetProperty("statusCode", out var status) ? status.GetString() ?? "UNKNOWN" : "UNKNOWN";
            var message = error.TryGetProperty("message", out var text) ? text.GetString() ?? "" : "";
            if (error.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Array && fields.GetArrayLength() > 0)
            {
                message += $" (fields: {string.Join(", ", fields.EnumerateArray().Select(f => f.GetString()))})";
            }
            return (code, message);
        }
        return ("UNKNOWN", "no error given");
    }

    /// <summary>A request's error body: <c>[{"errorCode": …, "message": …}]</c>, or whatever came.</summary>
    private static (string Code, string Message) RequestError(string body, HttpStatusCode status)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var first = json.RootElement.ValueKind == JsonValueKind.Array && json.RootElement.GetArrayLength() > 0 ? json.RootElement[0] : json.RootElement;
            if (first.ValueKind == JsonValueKind.Object)
            {
                return (first.TryGetProperty("errorCode", out var code) ? code.GetString() ?? "" : ((int)status).ToString(CultureInfo.InvariantCulture),
                    first.TryGetProperty("message", out var message) ? message.GetString() ?? "" : "");
            }
        }
        catch (JsonException)
        {
        }
        var text = body.ReplaceLineEndings(" ").Trim();
        return (((int)status).ToString(CultureInfo.InvariantCulture), text.Length > 300 ? text[..300] : text);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Salesforce sink {Sink}: the session was refused ({Code}); getting a new token")]
        public static partial void NewToken(ILogger logger, string sink, string code);

        [LoggerMessage(2, LogLevel.Debug, "Salesforce sink {Sink}: {Usage}")]
        public static partial void Usage(ILogger logger, string sink, string usage);
    }
}
