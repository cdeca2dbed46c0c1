using MessagePack;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;
using Stitcher.Plugins;

namespace Stitcher.Engine.Profiles;

/// <summary>
/// A profile's journey as stored: touchpoints per stage and per context, the last touch per channel, the current stage,
/// and what each member record was counted as, so that a re-sent record replaces its own touchpoint instead of adding one.
/// </summary>
[MessagePackObject]
public sealed class StoredTimeline
{
    /// <summary>Stage → number of member records in it.</summary>
    [Key(0)] public Dictionary<string, int> TouchpointsByStage { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Context category → number of member records from channels in it.</summary>
    [Key(1)] public Dictionary<string, int> TouchpointsByContext { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Channel → timestamp (UTC ticks) of its latest member record.</summary>
    [Key(2)] public Dictionary<string, long> LastTouchByChannel { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Stage of the latest member record that has one; null while none has.</summary>
    [Key(3)] public string? CurrentStage { get; set; }

    /// <summary>Timestamp (UTC ticks) of the touchpoint that set <see cref="CurrentStage"/>.</summary>
    [Key(4)] public long CurrentStageTicks { get; set; }

    /// <summary>Position of <see cref="CurrentStage"/> in the journey when it was counted; breaks ties at one instant.</summary>
    [Key(5)] public int CurrentStageRank { get; set; } = -1;

    /// <summary>Channel → record id → what that record was counted as.</summary>
    [Key(6)] public Dictionary<string, Dictionary<string, StoredTouchpoint>> CountedRecords { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>What one member record was counted as in its profile's timeline.</summary>
[MessagePackObject]
public sealed class StoredTouchpoint
{
    [Key(0)] public long TimestampUtcTicks { get; set; }

    /// <summary>The journey stage, or null when neither the event type nor the channel gives one.</summary>
    [Key(1)] public string? Stage { get; set; }

    /// <summary>Position of <see cref="Stage"/> in the journey when counted; -1 without a stage.</summary>
    [Key(2)] public int StageRank { get; set; } = -1;

    /// <summary>Index into <see cref="JourneyOptions.ContextCategories"/>; -1 when the channel has no context.</summary>
    [Key(3)] public int Context { get; set; } = -1;
}

/// <summary>
/// <see cref="JourneyOptions"/> compiled for lookups: which stage an event type or channel stands for, which context a
/// channel belongs to, and which email domains are free mail. Keys compare case-insensitively.
/// </summary>
public sealed class JourneyMap
{
    private readonly string[] _stages;
    private readonly Dictionary<string, int> _rankByStage = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _rankByEvent = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _rankByChannel = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _contextByChannel = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _freeEmailDomains = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _freeEmailDomainLookup;

    /// <summary>
    /// Compiles <paramref name="options"/>. Mappings to a stage that is not in <see cref="JourneyOptions.Stages"/> and
    /// contexts that are not a known category are left out (<see cref="JourneyOptionsValidator"/> reports them).
    /// </summary>
    public JourneyMap(JourneyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var stages = new List<string>(options.EffectiveStages.Count);
        foreach (var stage in options.EffectiveStages)
        {
            if (!string.IsNullOrWhiteSpace(stage) && _rankByStage.TryAdd(stage.Trim(), stages.Count))
            {
                stages.Add(stage.Trim());
            }
        }
        _stages = [.. stages];
        AddStages(options.EventStages, _rankByEvent);
        AddStages(options.ChannelStages, _rankByChannel);
        foreach (var (channel, context) in options.ChannelContexts)
        {
            var category = JourneyOptions.ContextCategoryOf(context);
            if (category is not null)
            {
                _contextByChannel[channel.Trim()] = IndexOfContext(category);
            }
        }
        foreach (var domain in options.FreeEmailDomains)
        {
            if (!string.IsNullOrWhiteSpace(domain))
            {
                _freeEmailDomains.Add(domain.Trim());
            }
        }
        _freeEmailDomainLookup = _freeEmailDomains.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The journey stages in order, each once.</summary>
    public IReadOnlyList<string> Stages => _stages;

    /// <summary>
    /// The stage of a record: its event type's stage, else (no event type, or one not in
    /// <see cref="JourneyOptions.EventStages"/>) its channel's; null when neither gives one.
    /// </summary>
    public string? StageOf(string channel, string? eventType) => TryGetStage(channel, eventType, out var rank) ? _stages[rank] : null;

    /// <summary>The context category of <paramref name="channel"/>, or null when it has none.</summary>
    public string? ContextOf(string channel)
    {
        var context = ContextIndexOf(channel);
        return context < 0 ? null : JourneyOptions.ContextCategories[context];
    }

    /// <summary>Whether <paramref name="domain"/> is a free-mail domain or a subdomain of one (mail.yahoo.com).</summary>
    public bool IsFreeEmailDomain(ReadOnlySpan<char> domain)
    {
        var rest = domain.Trim();
        while (!rest.IsEmpty)
        {
            if (_freeEmailDomainLookup.Contains(rest))
            {
                return true;
            }
            var dot = rest.IndexOf('.');
            if (dot < 0)
            {
                return false;
            }
            rest = rest[(dot + 1)..];
            if (!rest.Contains('.'))
            {
                // A bare top-level domain is never a free-mail provider.
                return false;
            }
        }
        return false;
    }

    internal bool TryGetStage(string channel, string? eventType, out int rank)
    {
        if (!string.IsNullOrEmpty(eventType) && _rankByEvent.TryGetValue(eventType, out rank))
        {
            return true;
        }
        return _rankByChannel.TryGetValue(channel, out rank);
    }

    internal string StageAt(int rank) => _stages[rank];

    internal int ContextIndexOf(string channel) => _contextByChannel.TryGetValue(channel, out var context) ? context : -1;

    private void AddStages(Dictionary<string, string> mappings, Dictionary<string, int> into)
    {
        foreach (var (key, stage) in mappings)
        {
            if (!string.IsNullOrWhiteSpace(key) && stage is not null && _rankByStage.TryGetValue(stage.Trim(), out var rank))
            {
                into[key.Trim()] = rank;
            }
        }
    }

    private static int IndexOfContext(string category)
    {
        var categories = JourneyOptions.ContextCategories;
        for (var i = 0; i < categories.Count; i++)
        {
            if (string.Equals(categories[i], category, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}

/// <summary>
/// Keeps a profile's <see cref="StoredTimeline"/>. Every member record is one touchpoint, counted once per record key;
/// a record sent again replaces its touchpoint. The current stage is the stage of the latest touchpoint that has one,
/// and of two at the same instant the later stage in the journey. The timeline is a function of the member records
/// alone, so <see cref="Merge"/> gives what applying every record to one timeline gives, in any order.
/// </summary>
internal static class JourneyTimeline
{
    /// <summary>Counts <paramref name="record"/> as a touchpoint of <paramref name="timeline"/>, or replaces its earlier version.</summary>
    public static void Apply(StoredTimeline timeline, StoredRecord record, JourneyMap map)
    {
        const int EventType = (int)CanonicalAttribute.EventType;
        var eventType = record.Normalized.Length > EventType ? record.Normalized[EventType] : null;
        if (string.IsNullOrEmpty(eventType) && record.Display.Length > EventType)
        {
            eventType = record.Display[EventType];
        }
        string? stage = null;
        if (map.TryGetStage(record.Channel, eventType, out var rank))
        {
            stage = map.StageAt(rank);
        }
        else
        {
            rank = -1;
        }
        Put(timeline, record.Channel, record.RecordId, record.TimestampUtcTicks, stage, rank, map.ContextIndexOf(record.Channel), onlyIfNewer: false);
    }

    /// <summary>
    /// Folds <paramref name="from"/> (a merged-away profile's timeline) into <paramref name="into"/>. A record counted in
    /// both (which only a re-link can cause) keeps its later version, so the outcome does not depend on which side is which.
    /// </summary>
    public static void Merge(StoredTimeline into, StoredTimeline from)
    {
        foreach (var (channel, records) in from.CountedRecords)
        {
            foreach (var (recordId, touchpoint) in records)
            {
                Put(into, channel, recordId, touchpoint.TimestampUtcTicks, touchpoint.Stage, touchpoint.StageRank, touchpoint.Context, onlyIfNewer: true);
            }
        }
    }

    /// <summary>The timeline as sinks see it. Keys are in ordinal order and compare case-insensitively.</summary>
    public static ProfileTimeline ToContract(StoredTimeline timeline)
    {
        var stages = new Dictionary<string, int>(timeline.TouchpointsByStage.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var stage in SortedKeys(timeline.TouchpointsByStage))
        {
            stages[stage] = timeline.TouchpointsByStage[stage];
        }
        var contexts = new Dictionary<string, int>(timeline.TouchpointsByContext.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var context in SortedKeys(timeline.TouchpointsByContext))
        {
            contexts[context] = timeline.TouchpointsByContext[context];
        }
        var lastTouch = new Dictionary<string, DateTimeOffset>(timeline.LastTouchByChannel.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var channel in SortedKeys(timeline.LastTouchByChannel))
        {
            lastTouch[channel] = ToUtc(timeline.LastTouchByChannel[channel]);
        }
        return new ProfileTimeline(stages, contexts, lastTouch, timeline.CurrentStage);
    }

    private static void Put(StoredTimeline timeline, string channel, string recordId, long ticks, string? stage, int rank, int context, bool onlyIfNewer)
    {
        if (stage is null)
        {
            rank = -1;
        }
        if (!timeline.CountedRecords.TryGetValue(channel, out var records))
        {
            records = new Dictionary<string, StoredTouchpoint>(StringComparer.Ordinal);
            timeline.CountedRecords[channel] = records;
        }
        if (!records.TryGetValue(recordId, out var touchpoint))
        {
            records[recordId] = new StoredTouchpoint { TimestampUtcTicks = ticks, Stage = stage, StageRank = rank, Context = context };
            Count(timeline, stage, context, 1);
            RaiseLastTouch(timeline, channel, ticks);
            RaiseCurrentStage(timeline, ticks, stage, rank);
            return;
        }
        var order = Compare(ticks, rank, context, stage, touchpoint);
        if (order == 0 || (onlyIfNewer && order < 0))
        {
            return;
        }
        var wasCurrent = touchpoint.Stage is not null
            && touchpoint.TimestampUtcTicks == timeline.CurrentStageTicks
            && touchpoint.StageRank == timeline.CurrentStageRank;
        var wasLastTouch = timeline.LastTouchByChannel.TryGetValue(channel, out var lastTouch) && touchpoint.TimestampUtcTicks == lastTouch;
        Count(timeline, touchpoint.Stage, touchpoint.Context, -1);
        Count(timeline, stage, context, 1);
        touchpoint.TimestampUtcTicks = ticks;
        touchpoint.Stage = stage;
        touchpoint.StageRank = rank;
        touchpoint.Context = context;
        if (wasLastTouch && ticks < lastTouch)
        {
            timeline.LastTouchByChannel[channel] = LatestOf(records);
        }
        else
        {
            RaiseLastTouch(timeline, channel, ticks);
        }
        if (!RaiseCurrentStage(timeline, ticks, stage, rank) && wasCurrent)
        {
            // The touchpoint that set the current stage moved back in time or lost its stage.
            RecomputeCurrentStage(timeline);
        }
    }

    private static void Count(StoredTimeline timeline, string? stage, int context, int delta)
    {
        if (stage is not null)
        {
            Add(timeline.TouchpointsByStage, stage, delta);
        }
        if (context >= 0 && context < JourneyOptions.ContextCategories.Count)
        {
            Add(timeline.TouchpointsByContext, JourneyOptions.ContextCategories[context], delta);
        }
    }

    private static void Add(Dictionary<string, int> counts, string key, int delta)
    {
        var count = (counts.TryGetValue(key, out var current) ? current : 0) + delta;
        if (count > 0)
        {
            counts[key] = count;
        }
        else
        {
            // Absent rather than zero, so equal touchpoints give equal timelines.
            counts.Remove(key);
        }
    }

    private static void RaiseLastTouch(StoredTimeline timeline, string channel, long ticks)
    {
        if (!timeline.LastTouchByChannel.TryGetValue(channel, out var lastTouch) || ticks > lastTouch)
        {
            timeline.LastTouchByChannel[channel] = ticks;
        }
    }

    private static bool RaiseCurrentStage(StoredTimeline timeline, long ticks, string? stage, int rank)
    {
        if (stage is null)
        {
            return false;
        }
        if (timeline.CurrentStage is not null
            && (ticks < timeline.CurrentStageTicks || (ticks == timeline.CurrentStageTicks && rank < timeline.CurrentStageRank)))
        {
            return false;
        }
        timeline.CurrentStage = stage;
        timeline.CurrentStageTicks = ticks;
        timeline.CurrentStageRank = rank;
        return true;
    }

    private static void RecomputeCurrentStage(StoredTimeline timeline)
    {
        timeline.CurrentStage = null;
        timeline.CurrentStageTicks = 0;
        timeline.CurrentStageRank = -1;
        foreach (var (_, records) in timeline.CountedRecords)
        {
            foreach (var (_, touchpoint) in records)
            {
                RaiseCurrentStage(timeline, touchpoint.TimestampUtcTicks, touchpoint.Stage, touchpoint.StageRank);
            }
        }
    }

    private static long LatestOf(Dictionary<string, StoredTouchpoint> records)
    {
        var latest = long.MinValue;
        foreach (var (_, touchpoint) in records)
        {
            latest = Math.Max(latest, touchpoint.TimestampUtcTicks);
        }
        return latest;
    }

    /// <summary>A total order on versions of one record's touchpoint: later, then later stage, then context, then stage name.</summary>
    private static int Compare(long ticks, int rank, int context, string? stage, StoredTouchpoint other)
    {
        var order = ticks.CompareTo(other.TimestampUtcTicks);
        if (order == 0)
        {
            order = rank.CompareTo(other.StageRank);
        }
        if (order == 0)
        {
            order = context.CompareTo(other.Context);
        }
        if (order == 0)
        {
            order = string.CompareOrdinal(stage, other.Stage);
        }
        return order;
    }

    private static string[] SortedKeys<T>(Dictionary<string, T> dictionary)
    {
        var keys = new string[dictionary.Count];
        dictionary.Keys.CopyTo(keys, 0);
        Array.Sort(keys, StringComparer.Ordinal);
        return keys;
    }

    private static DateTimeOffset ToUtc(long ticks) =>
        new(Math.Clamp(ticks, DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
}
