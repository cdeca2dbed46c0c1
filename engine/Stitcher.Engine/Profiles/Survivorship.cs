using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Profiles;

/// <summary>A way to pick one golden value among the values a profile's records carry.</summary>
public enum SurvivorshipRule
{
    /// <summary>The value seen most recently.</summary>
    MostRecent,
    /// <summary>The value from the highest-priority channel.</summary>
    SourcePriority,
    /// <summary>The value carried by the most records.</summary>
    MostFrequent,
    /// <summary>The longest value ("12 High Street, Flat 3" over "12 High St").</summary>
    MostComplete,
}

/// <summary>
/// Keeps every distinct value of every attribute with its count, first and last seen, and the channel and record
/// it was last seen in (multi-valued attributes: all emails, phones, addresses), and picks the golden value per
/// attribute with the configured rules in fallback order; a tie on every rule goes to the smallest value, so the
/// outcome never depends on the order records arrived in. Custom attributes (<see cref="Traits"/>) are kept and
/// picked the same way, by their own rules or the default ones.
/// </summary>
internal sealed class Survivorship
{
    /// <summary>Most recent first, then the more trusted channel, then the more frequent value.</summary>
    public static readonly SurvivorshipRule[] DefaultRules = [SurvivorshipRule.MostRecent, SurvivorshipRule.SourcePriority, SurvivorshipRule.MostFrequent];

    private readonly SurvivorshipRule[][] _rules;
    private readonly SurvivorshipRule[] _defaultRules;
    private readonly IReadOnlyDictionary<string, SurvivorshipRule[]> _traitRules;
    private readonly JourneyMap _journey;

    /// <param name="rulesByAttribute">Rules per canonical attribute ordinal; <paramref name="defaultRules"/> where null.</param>
    /// <param name="journey">The journey configuration.</param>
    /// <param name="traitRules">Rules per custom attribute name (<c>trait.diet</c>); the default rules for the others.</param>
    /// <param name="defaultRules">The configured default rules; <see cref="DefaultRules"/> when null.</param>
    public Survivorship(SurvivorshipRule[][]? rulesByAttribute = null, JourneyMap? journey = null,
        IReadOnlyDictionary<string, SurvivorshipRule[]>? traitRules = null, SurvivorshipRule[]? defaultRules = null)
    {
        _journey = journey ?? s_defaultJourney;
        _defaultRules = defaultRules ?? DefaultRules;
        _traitRules = traitRules ?? new Dictionary<string, SurvivorshipRule[]>();
        _rules = new SurvivorshipRule[CanonicalAttributes.Count][];
        for (var i = 0; i < _rules.Length; i++)
        {
            _rules[i] = rulesByAttribute?[i] ?? _defaultRules;
        }
    }

    private static readonly JourneyMap s_defaultJourney = new(new Configuration.JourneyOptions());

    public static Survivorship Default { get; } = new();

    /// <summary>
    /// Adds a record's values to the profile's value lists. Golden values are not picked here: linking never reads
    /// them, and <see cref="RestoreBest"/> picks them all when the profile is shown (a view, a delivery to sinks).
    /// </summary>
    public void Apply(StoredProfile profile, StoredRecord record, int channelPriority)
    {
        Touch(profile, record.TimestampUtcTicks);
        EnsureValues(profile);
        JourneyTimeline.Apply(profile.Timeline, record, _journey);
        for (var i = 0; i < record.Display.Length && i < CanonicalAttributes.Count; i++)
        {
            var display = record.Display[i];
            if (string.IsNullOrEmpty(display) || !IsTracked(i))
            {
                continue;
            }
            var key = record.Normalized.Length > i && !string.IsNullOrEmpty(record.Normalized[i]) ? record.Normalized[i]! : display;
            // Most attributes of most profiles keep one value: no room for four.
            var values = profile.Values[i] ??= new List<StoredValue>(1);
            Add(values, display, key, 1, record.TimestampUtcTicks, record.TimestampUtcTicks, record.Channel, record.RecordId, channelPriority);
        }
        foreach (var trait in record.Traits)
        {
            Add(TraitValues(profile, trait.Name), trait.Value, Traits.KeyOf(trait.Value), 1, record.TimestampUtcTicks, record.TimestampUtcTicks,
                record.Channel, record.RecordId, channelPriority);
        }
    }

    /// <summary>Folds a merged-away profile's values into the survivor (golden values: see <see cref="Apply"/>).</summary>
    public void Merge(StoredProfile survivor, StoredProfile retired)
    {
        Touch(survivor, retired.FirstSeenUtcTicks);
        Touch(survivor, retired.LastSeenUtcTicks);
        EnsureValues(survivor);
        EnsureValues(retired);
        JourneyTimeline.Merge(survivor.Timeline, retired.Timeline);
        for (var i = 0; i < CanonicalAttributes.Count; i++)
        {
            if (retired.Values[i] is not { Count: > 0 } incoming)
            {
                continue;
            }
            var values = survivor.Values[i] ??= [];
            foreach (var value in incoming)
            {
                Add(values, value.Value, value.Key, value.Count, value.FirstSeenUtcTicks, value.LastSeenUtcTicks, value.Channel, value.RecordId, value.Priority);
            }
        }
        foreach (var trait in retired.Traits)
        {
            var values = TraitValues(survivor, trait.Name);
            foreach (var value in trait.Values)
            {
                Add(values, value.Value, value.Key, value.Count, value.FirstSeenUtcTicks, value.LastSeenUtcTicks, value.Channel, value.RecordId, value.Priority);
            }
        }
    }

    /// <summary>Recomputes a profile's value lists from its member records (after an update, a delete or a split).</summary>
    public void Rebuild(StoredProfile profile, IReadOnlyList<(StoredRecord Record, int Priority)> members)
    {
        profile.FirstSeenUtcTicks = long.MaxValue;
        profile.LastSeenUtcTicks = long.MinValue;
        profile.Values = new List<StoredValue>?[CanonicalAttributes.Count];
        profile.Best = [];
        profile.Traits = [];
        profile.Timeline = new StoredTimeline();
        foreach (var (record, priority) in members)
        {
            Apply(profile, record, priority);
        }
    }

    /// <summary>Picks every golden value again from the value lists (they are not stored; see <see cref="StoredProfile.Best"/>).</summary>
    public void RestoreBest(StoredProfile profile)
    {
        EnsureValues(profile);
        if (profile.Best.Length < CanonicalAttributes.Count)
        {
            var best = profile.Best;
            Array.Resize(ref best, CanonicalAttributes.Count);
            profile.Best = best;
        }
        for (var i = 0; i < CanonicalAttributes.Count; i++)
        {
            SetBest(profile, i, profile.Values[i] is { Count: > 0 } values ? Choose(values, _rules[i]) : null);
        }
        foreach (var trait in profile.Traits)
        {
            var chosen = trait.Values.Count > 0 ? Choose(trait.Values, _traitRules.GetValueOrDefault(trait.Name, _defaultRules)) : null;
            trait.Best = chosen is null ? null : Lineage(trait.Best ?? new StoredAttribute(), chosen);
        }
    }

    /// <summary>The value list of a custom attribute, added in name order when the profile has none yet.</summary>
    private static List<StoredValue> TraitValues(StoredProfile profile, string name)
    {
        var traits = profile.Traits;
        int low = 0, high = traits.Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var comparison = string.CompareOrdinal(traits[middle].Name, name);
            if (comparison == 0)
            {
                return traits[middle].Values;
            }
            if (comparison < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        var added = new StoredTraitValues { Name = name, Values = new List<StoredValue>(1) };
        traits.Insert(low, added);
        return added.Values;
    }

    /// <summary>record_id, timestamp and event_type differ on every record: golden values, not value lists, for those.</summary>
    private static bool IsTracked(int attribute) =>
        (CanonicalAttribute)attribute is not (CanonicalAttribute.RecordId or CanonicalAttribute.Timestamp or CanonicalAttribute.EventType);

    private static void Touch(StoredProfile profile, long ticks)
    {
        if (ticks == long.MaxValue || ticks == long.MinValue)
        {
            return;
        }
        if (ticks < profile.FirstSeenUtcTicks)
        {
            profile.FirstSeenUtcTicks = ticks;
        }
        if (ticks > profile.LastSeenUtcTicks)
        {
            profile.LastSeenUtcTicks = ticks;
        }
    }

    private static void EnsureValues(StoredProfile profile)
    {
        if (profile.Values.Length < CanonicalAttributes.Count)
        {
            var values = profile.Values;
            Array.Resize(ref values, CanonicalAttributes.Count);
            profile.Values = values;
        }
    }

    private static void Add(List<StoredValue> values, string display, string key, int count, long firstSeen, long lastSeen, string channel, string recordId, int priority)
    {
        foreach (var value in values)
        {
            if (!string.Equals(value.Key, key, StringComparison.Ordinal))
            {
                continue;
            }
            value.Count += count;
            value.FirstSeenUtcTicks = Math.Min(value.FirstSeenUtcTicks, firstSeen);
            value.Priority = Math.Max(value.Priority, priority);
            if (lastSeen > value.LastSeenUtcTicks || (lastSeen == value.LastSeenUtcTicks && SeenFirst(recordId, channel, display, value) < 0))
            {
                value.LastSeenUtcTicks = lastSeen;
                value.Value = display;
                value.Channel = channel;
                value.RecordId = recordId;
            }
            return;
        }
        values.Add(new StoredValue
        {
            Value = display,
            Key = key,
            Count = count,
            FirstSeenUtcTicks = firstSeen,
            LastSeenUtcTicks = lastSeen,
            Channel = channel,
            RecordId = recordId,
            Priority = priority,
        });
    }

    /// <summary>
    /// Which of two sightings at one instant names the value: the smaller record id, channel, then spelling (crm:R1 "Vegan"
    /// and web:R1 "vegan" are one value), so that the shown spelling never depends on which came last.
    /// </summary>
    private static int SeenFirst(string recordId, string channel, string display, StoredValue current)
    {
        var byRecord = string.CompareOrdinal(recordId, current.RecordId);
        if (byRecord != 0)
        {
            return byRecord;
        }
        var byChannel = string.CompareOrdinal(channel, current.Channel);
        return byChannel != 0 ? byChannel : string.CompareOrdinal(display, current.Value);
    }

    private static StoredValue? Choose(List<StoredValue> values, SurvivorshipRule[] rules)
    {
        StoredValue? best = null;
        foreach (var value in values)
        {
            if (best is null || Beats(value, best, rules))
            {
                best = value;
            }
        }
        return best;
    }

    /// <summary>Updates the golden value in place: most records change no golden value, and then nothing is allocated.</summary>
    private static void SetBest(StoredProfile profile, int attribute, StoredValue? chosen)
    {
        if (chosen is null)
        {
            profile.Best[attribute] = null;
            return;
        }
        profile.Best[attribute] = Lineage(profile.Best[attribute] ?? new StoredAttribute(), chosen);
    }

    private static StoredAttribute Lineage(StoredAttribute best, StoredValue chosen)
    {
        best.Value = chosen.Value;
        best.Channel = chosen.Channel;
        best.RecordId = chosen.RecordId;
        best.TimestampUtcTicks = chosen.LastSeenUtcTicks;
        best.ChannelPriority = chosen.Priority;
        return best;
    }

    private static bool Beats(StoredValue candidate, StoredValue current, SurvivorshipRule[] rules)
    {
        foreach (var rule in rules)
        {
            var comparison = rule switch
            {
                SurvivorshipRule.MostRecent => candidate.LastSeenUtcTicks.CompareTo(current.LastSeenUtcTicks),
                SurvivorshipRule.SourcePriority => candidate.Priority.CompareTo(current.Priority),
                SurvivorshipRule.MostFrequent => candidate.Count.CompareTo(current.Count),
                SurvivorshipRule.MostComplete => candidate.Value.Length.CompareTo(current.Value.Length),
                _ => 0,
            };
            if (comparison != 0)
            {
                return comparison > 0;
            }
        }
        return string.CompareOrdinal(candidate.Key, current.Key) < 0;
    }
}
