using Stitcher.Engine.Configuration;
using Stitcher.Plugins;

namespace Stitcher.Engine.Tests;

/// <summary>
/// The small two-channel setup the engine tests share: a CRM CSV (id, names, email, phone) and a POS CSV (receipt,
/// loyalty number, phone, name), linked by email, phone and loyalty rules, in a tiny store.
/// </summary>
internal static class EngineFixture
{
    public const string CrmHeader = "id,first,last,email,phone,updated";

    /// <summary>Writes <c>crm.csv</c> in <paramref name="directory"/>, CRLF like a spreadsheet export.</summary>
    public static void WriteCrm(string directory, params string[] rows) =>
        File.WriteAllText(Path.Combine(directory, "crm.csv"), CrmHeader + "\r\n" + string.Concat(rows.Select(r => r + "\r\n")));

    /// <summary>Writes <c>pos.csv</c> in <paramref name="directory"/>.</summary>
    public static void WritePos(string directory, params string[] rows) =>
        File.WriteAllText(Path.Combine(directory, "pos.csv"), "receipt,loyalty,phone,at,name\n" + string.Concat(rows.Select(r => r + "\n")));

    /// <summary>An engine over <paramref name="directory"/> with the CRM and POS channels and the email, phone and loyalty rules.</summary>
    public static StitcherEngine NewEngine(string directory, IProfileSink? sink = null, Action<StitcherOptions>? configure = null) =>
        NewEngine(directory, sink is null ? [] : [sink], configure);

    /// <summary>The same engine with several sinks.</summary>
    public static StitcherEngine NewEngine(string directory, IReadOnlyList<IProfileSink> sinks, Action<StitcherOptions>? configure)
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
                    Priority = 30,
                    Mapping =
                    {
                        ["record_id"] = "id", ["customer_id"] = "id", ["given_name"] = "first", ["surname"] = "last",
                        ["email"] = "email", ["phone"] = "phone", ["timestamp"] = "updated",
                    },
                },
                ["pos"] = new ChannelOptions
                {
                    Path = "pos.csv",
                    Priority = 20,
                    Mapping = { ["record_id"] = "receipt", ["loyalty_id"] = "loyalty", ["phone"] = "phone", ["timestamp"] = "at", ["full_name"] = "name" },
                },
            },
            Rules =
            {
                new IdentifierRuleOptions { Name = "email", Attribute = "email" },
                new IdentifierRuleOptions { Name = "phone", Attribute = "phone" },
                new IdentifierRuleOptions { Name = "loyalty", Attribute = "loyalty_id" },
            },
        };
        configure?.Invoke(options);
        return new StitcherEngine(options, sinks);
    }
}
