namespace Stitcher.Plugins.Webhook;

/// <summary>Posts profile changes as JSON to an HTTP endpoint, signed per the Standard Webhooks specification.</summary>
internal sealed class WebhookSinkPlugin : ISinkPlugin
{
    internal const string PluginName = "webhook";

    public string Name => PluginName;

    public IProfileSink CreateSink(SinkContext context) => new WebhookSink(context, WebhookSettings.Parse(context));
}
