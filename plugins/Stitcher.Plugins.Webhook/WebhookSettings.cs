using System.Globalization;

namespace Stitcher.Plugins.Webhook;

/// <summary>
/// The settings of one configured webhook sink, checked when the sink is created: <c>Url</c> (http or https),
/// <c>Secret</c> (<c>whsec_</c> and base64, as Standard Webhooks issues them) and <c>TimeoutSeconds</c>. How many
/// changes go in one request is the sink's <c>BatchSize</c>, as for every sink.
/// </summary>
internal sealed class WebhookSettings
{
    internal const string UrlKey = "Url";
    internal const string SecretKey = "Secret";
    internal const string TimeoutKey = "TimeoutSeconds";
    private const string SecretPrefix = "whsec_";

    private WebhookSettings(Uri url, byte[] key, TimeSpan timeout)
    {
        Url = url;
        Key = key;
        Timeout = timeout;
    }

    public Uri Url { get; }

    /// <summary>The signing key: the secret's base64 part, decoded.</summary>
    public byte[] Key { get; }

    public TimeSpan Timeout { get; }

    public static WebhookSettings Parse(SinkContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? url = null, secret = null;
        var timeout = TimeSpan.FromSeconds(30);
        foreach (var (key, value) in context.Settings)
        {
            if (string.Equals(key, UrlKey, StringComparison.OrdinalIgnoreCase))
            {
                url = value;
            }
            else if (string.Equals(key, SecretKey, StringComparison.OrdinalIgnoreCase))
            {
                secret = value;
            }
            else if (string.Equals(key, TimeoutKey, StringComparison.OrdinalIgnoreCase))
            {
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > 3600)
                {
                    throw new ArgumentException($"Webhook sink '{context.SinkName}': setting '{key}' must be a number of seconds between 0 and 3600, not '{value}'.", nameof(context));
                }
                timeout = TimeSpan.FromSeconds(seconds);
            }
            else
            {
                throw new ArgumentException($"Webhook sink '{context.SinkName}': unknown setting '{key}'. Known settings: {UrlKey}, {SecretKey}, {TimeoutKey}.", nameof(context));
            }
        }
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"Webhook sink '{context.SinkName}': setting '{UrlKey}' must be an absolute http or https URL{(url is null ? "" : $", not '{url}'")}.", nameof(context));
        }
        return new WebhookSettings(uri, ParseSecret(context.SinkName, secret), timeout);
    }

    private static byte[] ParseSecret(string sinkName, string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            throw new ArgumentException($"Webhook sink '{sinkName}': setting '{SecretKey}' is required (whsec_ and the base64 key the receiver gave).", "context");
        }
        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        try
        {
            var key = Convert.FromBase64String(encoded);
            return key.Length is >= 24 and <= 64
                ? key
                : throw new ArgumentException($"Webhook sink '{sinkName}': setting '{SecretKey}' must hold 24 to 64 bytes of key, not {key.Length}.", "context");
        }
        catch (FormatException)
        {
            throw new ArgumentException($"Webhook sink '{sinkName}': setting '{SecretKey}' is not whsec_ followed by base64.", "context");
        }
    }
}
