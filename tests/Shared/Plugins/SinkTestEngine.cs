using Stitcher.Engine;
using Stitcher.Engine.Configuration;
using Stitcher.Plugins;

namespace Stitcher.Tests;

/// <summary>
/// A real engine over one CRM CSV (id, first, last, email, phone, updated) linked by email and phone, in a tiny store,
/// delivering to one sink: what the plugins' tests stitch and deliver through.
/// </summary>
internal static class SinkTestEngine
{
    public const string CrmHeader = "id,first,last,email,phone,updated";

    public static void WriteCrm(string directory, params string[] rows) =>
        File.WriteAllText(Path.Combine(directory, "crm.csv"), CrmHeader + "\r\n" + string.Concat(rows.Select(r => r + "\r\n")));

    public static StitcherOptions Options(string directory, string sinkName, SinkOptions sink)
    {
        var options = new StitcherOptions
        {
            BaseDirectory = directory,
            DataDirectory = "data",
            DefaultRegion = "US",
            BatchSize = 2,
            Store = new StoreOptions { IndexSizeBytes = 1 << 16, MemorySizeBytes = 1 << 22, PageSizeBytes = 1 << 16 },
            Channels =
            {
                ["crm"] = new ChannelOptions
                {
                    Path = "crm.csv",
                    Mapping =
                    {
                        ["record_id"] = "id", ["given_name"] = "first", ["surname"] = "last",
                        ["email"] = "email", ["phone"] = "phone", ["timestamp"] = "updated",
                    },
                },
            },
            Rules =
            {
                new IdentifierRuleOptions { Name = "email", Attribute = "email" },
                new IdentifierRuleOptions { Name = "phone", Attribute = "phone" },
            },
        };
        options.Sinks[sinkName] = sink;
        return options;
    }

    public static StitcherEngine Create(StitcherOptions options, IProfileSink sink) => new(options, [sink]);
}
