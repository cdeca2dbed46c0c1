using Microsoft.Extensions.Options;
using PhoneNumbers;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Configuration;

/// <summary>Checks that span fields: channel mappings, rule attributes, formats, regions.</summary>
internal sealed class StitcherOptionsValidator : IValidateOptions<StitcherOptions>
{
    public ValidateOptionsResult Validate(string? name, StitcherOptions options)
    {
        var failures = new List<string>();
        const string Prefix = StitcherOptions.SectionName + ":";
        if (!PhoneNumberUtil.GetInstance().GetSupportedRegions().Contains(options.DefaultRegion))
        {
            failures.Add($"{Prefix}{nameof(StitcherOptions.DefaultRegion)}: '{options.DefaultRegion}' is not an ISO 3166 region known to the phone library (e.g. US, KR, GB).");
        }
        for (var i = 0; i < options.FallbackPhoneRegions.Count; i++)
        {
            if (!PhoneNumberUtil.GetInstance().GetSupportedRegions().Contains(options.FallbackPhoneRegions[i]))
            {
                failures.Add($"{Prefix}{nameof(StitcherOptions.FallbackPhoneRegions)}:{i}: '{options.FallbackPhoneRegions[i]}' is not an ISO 3166 region known to the phone library.");
            }
        }
        if (options.Channels.Count == 0)
        {
            failures.Add($"{Prefix}{nameof(StitcherOptions.Channels)}: at least one channel must be configured.");
        }
        foreach (var (channelName, channel) in options.Channels)
        {
            var key = $"{Prefix}{nameof(StitcherOptions.Channels)}:{channelName}";
            if (channelName.Contains('|'))
            {
                failures.Add($"{key}: a channel name may not contain '|'.");
            }
            if (string.IsNullOrWhiteSpace(channel.Path))
            {
                failures.Add($"{key}:{nameof(ChannelOptions.Path)} is required.");
            }
            if (!ChannelFormats.IsKnown(channel.Format))
            {
                failures.Add($"{key}:{nameof(ChannelOptions.Format)}: '{channel.Format}' is not a known format (csv, ndjson).");
            }
            if (channel.Delimiter.Length != 1)
            {
                failures.Add($"{key}:{nameof(ChannelOptions.Delimiter)} must be exactly one character.");
            }
            foreach (var (attribute, source) in channel.Mapping)
            {
                if (Traits.IsTrait(attribute))
                {
                    if (!Traits.TryParse(attribute, out _, out var error))
                    {
                        failures.Add($"{key}:{nameof(ChannelOptions.Mapping)}:{attribute}: {error}.");
                    }
                    else if (string.IsNullOrWhiteSpace(source))
                    {
                        failures.Add($"{key}:{nameof(ChannelOptions.Mapping)}:{attribute}: the source field is empty.");
                    }
                }
                else if (!CanonicalAttributes.TryParse(attribute, out _))
                {
                    failures.Add($"{key}:{nameof(ChannelOptions.Mapping)}:{attribute}: not a canonical attribute (known: {string.Join(", ", CanonicalAttributes.Names)}) nor a custom one ({Traits.Prefix}<name>).");
                }
                else if (string.IsNullOrWhiteSpace(source))
                {
                    failures.Add($"{key}:{nameof(ChannelOptions.Mapping)}:{attribute}: the source field is empty.");
                }
            }
        }
        var ruleNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            var key = $"{Prefix}{nameof(StitcherOptions.Rules)}:{i}";
            if (string.IsNullOrWhiteSpace(rule.Name) || rule.Name.Contains('|'))
            {
                failures.Add($"{key}:{nameof(IdentifierRuleOptions.Name)} is required and may not contain '|'.");
            }
            else if (!ruleNames.Add(rule.Name))
            {
                failures.Add($"{key}:{nameof(IdentifierRuleOptions.Name)}: '{rule.Name}' is used by another rule.");
            }
            if (!CanonicalAttributes.TryParse(rule.Attribute, out _))
            {
                failures.Add(Traits.IsTrait(rule.Attribute)
                    ? $"{key}:{nameof(IdentifierRuleOptions.Attribute)}: '{rule.Attribute}' is a custom attribute; custom attributes are kept and delivered, never matched on."
                    : $"{key}:{nameof(IdentifierRuleOptions.Attribute)}: '{rule.Attribute}' is not a canonical attribute.");
            }
        }
        var survivorshipKey = $"{Prefix}{nameof(StitcherOptions.Survivorship)}";
        if (options.Survivorship.Default.Count > 0)
        {
            ValidateRules(options.Survivorship.Default, $"{survivorshipKey}:{nameof(SurvivorshipOptions.Default)}", failures);
        }
        failures.AddRange(JourneyOptionsValidator.Validate(options.Journey, $"{Prefix}{nameof(StitcherOptions.Journey)}", options.Channels.Keys));
        foreach (var (attribute, rules) in options.Survivorship.Attributes)
        {
            var key = $"{survivorshipKey}:{nameof(SurvivorshipOptions.Attributes)}:{attribute}";
            if (Traits.IsTrait(attribute))
            {
                if (!Traits.TryParse(attribute, out _, out var error))
                {
                    failures.Add($"{key}: {error}.");
                }
            }
            else if (!CanonicalAttributes.TryParse(attribute, out _))
            {
                failures.Add($"{key}: '{attribute}' is not a canonical attribute nor a custom one ({Traits.Prefix}<name>).");
            }
            ValidateRules(rules, key, failures);
        }
        foreach (var (sinkName, sink) in options.Sinks)
        {
            if (string.IsNullOrWhiteSpace(sink.Plugin))
            {
                failures.Add($"{Prefix}{nameof(StitcherOptions.Sinks)}:{sinkName}:{nameof(SinkOptions.Plugin)} is required.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateRules(List<string> rules, string key, List<string> failures)
    {
        if (rules.Count == 0)
        {
            failures.Add($"{key}: give at least one rule (most_recent, source_priority, most_frequent, most_complete).");
        }
        for (var i = 0; i < rules.Count; i++)
        {
            if (!SurvivorshipOptions.TryParseRule(rules[i], out _))
            {
                failures.Add($"{key}:{i}: '{rules[i]}' is not a survivorship rule (most_recent, source_priority, most_frequent, most_complete).");
            }
        }
    }

}

/// <summary>The channel file formats the engine reads.</summary>
public static class ChannelFormats
{
    public const string Csv = "csv";
    public const string Ndjson = "ndjson";

    public static bool IsKnown(string format) =>
        string.Equals(format, Csv, StringComparison.OrdinalIgnoreCase) || string.Equals(format, Ndjson, StringComparison.OrdinalIgnoreCase);
}
