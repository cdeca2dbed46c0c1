namespace Stitcher.Plugins.Salesforce;

/// <summary>Upserts golden profiles into a Salesforce object (Contact by default) through sObject Collections.</summary>
internal sealed class SalesforceSinkPlugin : ISinkPlugin
{
    internal const string PluginName = "salesforce";

    public string Name => PluginName;

    public IProfileSink CreateSink(SinkContext context) => new SalesforceSink(context, SalesforceSettings.Parse(context));
}
