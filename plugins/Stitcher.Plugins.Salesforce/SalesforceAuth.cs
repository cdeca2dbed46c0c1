using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Stitcher.Plugins.Salesforce;

/// <summary>An access token and the org's instance URL, as the OAuth token endpoint returned them.</summary>
internal sealed record SalesforceSession(string AccessToken, Uri InstanceUrl);

/// <summary>
/// Gets access tokens from <c>/services/oauth2/token</c>: the client-credentials flow, or the JWT bearer flow (an RS256
/// assertion with the connected app's consumer key as issuer, the user as subject and the login host as audience).
/// </summary>
internal sealed class SalesforceAuth(SalesforceSettings settings, HttpClient http)
{
    public async Task<SalesforceSession> GetSessionAsync(CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>();
        if (settings.UsesJwt)
        {
            form["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer";
            form["assertion"] = Assertion();
        }
        else
        {
            form["grant_type"] = "client_credentials";
            form["client_id"] = settings.ClientId;
            form["client_secret"] = settings.ClientSecret!;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.LoginUrl, "/services/oauth2/token")) { Content = new FormUrlEncodedContent(form) };
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new SinkException($"token request to {settings.LoginUrl.Host} failed: {ex.Message}", retryable: true, code: "token_unreachable", innerException: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SinkException($"token request to {settings.LoginUrl.Host} timed out", retryable: true, code: "timeout", innerException: ex);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                // invalid_client, invalid_grant: the credentials need fixing; retried (holding the cursor) until they are.
                var (code, description) = OAuthError(body);
                throw new SinkException($"token request refused, HTTP {(int)response.StatusCode}: {code}: {description}", retryable: true, code: code);
            }
            using var json = JsonDocument.Parse(body);
            var token = json.RootElement.GetProperty("access_token").GetString();
            var instance = json.RootElement.GetProperty("instance_url").GetString();
            if (string.IsNullOrEmpty(token) || !Uri.TryCreate(instance, UriKind.Absolute, out var instanceUrl))
            {
                throw new SinkException("token response without access_token or instance_url", retryable: true, code: "token_response");
            }
            return new SalesforceSession(token, instanceUrl);
        }
    }

    private static (string Code, string Description) OAuthError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return (json.RootElement.TryGetProperty("error", out var error) ? error.GetString() ?? "" : "",
                json.RootElement.TryGetProperty("error_description", out var description) ? description.GetString() ?? "" : "");
        }
        catch (JsonException)
        {
            return ("token_error", body.Length > 200 ? body[..200] : body);
        }
    }

    /// <summary>The JWT bearer assertion, valid for three minutes as Salesforce requires.</summary>
    private string Assertion()
    {
        static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = Base64Url("""{"alg":"RS256","typ":"JWT"}"""u8);
        var expires = DateTimeOffset.UtcNow.AddMinutes(3).ToUnixTimeSeconds();
        var audience = settings.LoginUrl.GetLeftPart(UriPartial.Authority);
        var claims = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = settings.ClientId,
            ["sub"] = settings.Username!,
            ["aud"] = audience,
            ["exp"] = expires,
        }));
        using var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(settings.PrivateKeyPath!));
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(header + "." + claims), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return header + "." + claims + "." + Base64Url(signature);
    }
}
