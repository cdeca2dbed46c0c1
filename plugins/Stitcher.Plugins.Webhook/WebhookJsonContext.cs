using System.Text.Json.Serialization;

namespace Stitcher.Plugins.Webhook;

/// <summary>The profile's JSON, in snake case, generated at build time (no reflection per request).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StitchedProfile))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
