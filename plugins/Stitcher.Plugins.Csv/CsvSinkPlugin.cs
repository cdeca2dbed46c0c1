namespace Stitcher.Plugins.Csv;

/// <summary>Writes golden profiles to one CSV file per configured sink.</summary>
internal sealed class CsvSinkPlugin : ISinkPlugin
{
    internal const string PluginName = "csv";

    public string Name => PluginName;

    public IProfileSink CreateSink(SinkContext context) => new CsvProfileSink(context);
}
