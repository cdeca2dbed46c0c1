namespace Stitcher.Engine.Configuration;

/// <summary>
/// The customer journey: the stages a touchpoint can belong to, which event types and channels stand for which stage,
/// the context category of each channel, and the free-mail domains that say nothing about a contact's employer.
/// Bound from the <c>Stitcher:Journey</c> section.
/// </summary>
public sealed class JourneyOptions
{
    public const string SectionName = "Journey";

    /// <summary>Channels where the customer deals with the brand: CRM, orders, support, loyalty.</summary>
    public const string RelationshipAndTransactional = "relationship & transactional";

    /// <summary>Channels where the customer speaks or shares as a person: social, reviews, community.</summary>
    public const string PersonalAndSocial = "personal & social";

    /// <summary>Channels that capture a moment: web and app sessions, store visits, beacons.</summary>
    public const string SituationalRealTime = "situational / real-time";

    /// <summary>The context categories a channel may be given, in the order they are documented.</summary>
    public static IReadOnlyList<string> ContextCategories { get; } = [RelationshipAndTransactional, PersonalAndSocial, SituationalRealTime];

    /// <summary>The stages used when <see cref="Stages"/> is empty.</summary>
    public static IReadOnlyList<string> DefaultStages { get; } = ["Interest", "Search", "Check", "Action", "Maintenance", "Share"];

    /// <summary>
    /// The journey stages in order; a later stage wins when two touchpoints happen at the same instant. Empty means
    /// <see cref="DefaultStages"/>. (Empty by default because the configuration binder appends to a list's items:
    /// a configured list must replace the defaults, not extend them.)
    /// </summary>
    public List<string> Stages { get; set; } = [];

    /// <summary>The configured stages, or the defaults.</summary>
    public IReadOnlyList<string> EffectiveStages => Stages.Count == 0 ? DefaultStages : Stages;

    /// <summary>Event type (case-insensitive) → stage. Configuration adds to or overrides these defaults.</summary>
    public Dictionary<string, string> EventStages { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["page_view"] = "Interest",
        ["ad_click"] = "Interest",
        ["email_open"] = "Interest",
        ["product_view"] = "Interest",
        ["search"] = "Search",
        ["compare"] = "Check",
        ["review_read"] = "Check",
        ["add_to_cart"] = "Check",
        ["wishlist"] = "Check",
        ["checkout"] = "Action",
        ["purchase"] = "Action",
        ["order"] = "Action",
        ["support_chat"] = "Maintenance",
        ["support_ticket"] = "Maintenance",
        ["return"] = "Maintenance",
        ["service"] = "Maintenance",
        ["review"] = "Share",
        ["share"] = "Share",
        ["referral"] = "Share",
        ["social_post"] = "Share",
    };

    /// <summary>
    /// Channel → stage of its records whose event type is missing or not in <see cref="EventStages"/>,
    /// e.g. <c>"pos": "Action"</c>.
    /// </summary>
    public Dictionary<string, string> ChannelStages { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Channel → context category: <see cref="RelationshipAndTransactional"/>, <see cref="PersonalAndSocial"/> or
    /// <see cref="SituationalRealTime"/>.
    /// </summary>
    public Dictionary<string, string> ChannelContexts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Email domains (and their subdomains) anyone can sign up to: an address there names no employer, so it gives no
    /// B2B account. Configured domains are appended to these.
    /// </summary>
    public List<string> FreeEmailDomains { get; set; } =
    [
        "gmail.com", "googlemail.com", "yahoo.com", "outlook.com", "hotmail.com", "live.com", "icloud.com", "aol.com",
        "proton.me", "protonmail.com", "gmx.de", "naver.com", "daum.net", "hanmail.net", "kakao.com", "nate.com",
        "example.org", "example.com", "qq.com", "163.com",
    ];

    /// <summary>The context category <paramref name="value"/> names, in its documented spelling; null if none (case-insensitive).</summary>
    internal static string? ContextCategoryOf(string? value)
    {
        var trimmed = value.AsSpan().Trim();
        foreach (var category in ContextCategories)
        {
            if (trimmed.Equals(category, StringComparison.OrdinalIgnoreCase))
            {
                return category;
            }
        }
        return null;
    }
}

/// <summary>Checks of <see cref="JourneyOptions"/>; each failure starts with the configuration key that is wrong.</summary>
internal static class JourneyOptionsValidator
{
    private static IReadOnlyList<string> DefaultStagesForValidation => JourneyOptions.DefaultStages;

    /// <summary>
    /// Failure messages for <paramref name="options"/>, keys under <paramref name="keyPrefix"/> (e.g. <c>Stitcher:Journey</c>).
    /// With <paramref name="channelNames"/>, channel-keyed entries must name a configured channel.
    /// </summary>
    public static IEnumerable<string> Validate(JourneyOptions options, string keyPrefix, IReadOnlyCollection<string>? channelNames = null)
    {
        var failures = new List<string>();
        var stagesKey = $"{keyPrefix}:{nameof(JourneyOptions.Stages)}";
        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Stages.Count; i++)
        {
            var stage = options.Stages[i];
            if (string.IsNullOrWhiteSpace(stage))
            {
                failures.Add($"{stagesKey}:{i}: a stage name may not be empty.");
            }
            else if (!stages.Add(stage))
            {
                failures.Add($"{stagesKey}:{i}: stage '{stage}' is listed twice.");
            }
        }
        if (options.Stages.Count == 0)
        {
            stages.UnionWith(DefaultStagesForValidation);
        }
        var knownStages = string.Join(", ", options.EffectiveStages);
        foreach (var (eventType, stage) in options.EventStages)
        {
            var key = $"{keyPrefix}:{nameof(JourneyOptions.EventStages)}:{eventType}";
            if (string.IsNullOrWhiteSpace(eventType))
            {
                failures.Add($"{key}: an event type may not be empty.");
            }
            if (!stages.Contains(stage))
            {
                failures.Add($"{key}: stage '{stage}' is not one of {knownStages}.");
            }
        }
        HashSet<string>? channels = null;
        if (channelNames is not null)
        {
            channels = new HashSet<string>(channelNames, StringComparer.OrdinalIgnoreCase);
        }
        foreach (var (channel, stage) in options.ChannelStages)
        {
            var key = $"{keyPrefix}:{nameof(JourneyOptions.ChannelStages)}:{channel}";
            if (channels is not null && !channels.Contains(channel))
            {
                failures.Add($"{key}: '{channel}' is not a configured channel.");
            }
            if (!stages.Contains(stage))
            {
                failures.Add($"{key}: stage '{stage}' is not one of {knownStages}.");
            }
        }
        foreach (var (channel, context) in options.ChannelContexts)
        {
            var key = $"{keyPrefix}:{nameof(JourneyOptions.ChannelContexts)}:{channel}";
            if (channels is not null && !channels.Contains(channel))
            {
                failures.Add($"{key}: '{channel}' is not a configured channel.");
            }
            if (JourneyOptions.ContextCategoryOf(context) is null)
            {
                failures.Add($"{key}: context '{context}' is not one of {string.Join(", ", JourneyOptions.ContextCategories)}.");
            }
        }
        for (var i = 0; i < options.FreeEmailDomains.Count; i++)
        {
            var domain = options.FreeEmailDomains[i];
            if (string.IsNullOrWhiteSpace(domain) || domain.Contains('@') || !domain.Contains('.')
                || domain[0] == '.' || domain[^1] == '.' || domain.Trim().Length != domain.Length)
            {
                failures.Add($"{keyPrefix}:{nameof(JourneyOptions.FreeEmailDomains)}:{i}: '{domain}' is not a domain such as gmail.com.");
            }
        }
        return failures;
    }
}
