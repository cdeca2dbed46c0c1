using Stitcher.Engine.Store;

namespace Stitcher.Engine.Profiles;

/// <summary>
/// Picks the golden value per attribute: the most recent non-empty value wins; on equal timestamps the
/// channel with the higher priority wins, then the smaller record id so that the outcome never depends on order.
/// </summary>
internal static class Survivorship
{
    public static void Apply(StoredProfile profile, StoredRecord record, int channelPriority)
    {
        if (record.TimestampUtcTicks < profile.FirstSeenUtcTicks)
        {
            profile.FirstSeenUtcTicks = record.TimestampUtcTicks;
        }
        if (record.TimestampUtcTicks > profile.LastSeenUtcTicks)
        {
            profile.LastSeenUtcTicks = record.TimestampUtcTicks;
        }
        for (var i = 0; i < record.Display.Length && i < profile.Best.Length; i++)
        {
            var value = record.Display[i];
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }
            var current = profile.Best[i];
            if (current is not null && current.Channel == record.Channel && current.RecordId == record.RecordId)
            {
                // A new version of the record that gave the current value: it replaces it.
                current.Value = value;
                current.TimestampUtcTicks = record.TimestampUtcTicks;
                continue;
            }
            if (current is null || Beats(record.TimestampUtcTicks, channelPriority, record.RecordId, current))
            {
                profile.Best[i] = new StoredAttribute
                {
                    Value = value,
                    Channel = record.Channel,
                    RecordId = record.RecordId,
                    TimestampUtcTicks = record.TimestampUtcTicks,
                    ChannelPriority = channelPriority,
                };
            }
        }
    }

    public static void Merge(StoredProfile survivor, StoredProfile retired)
    {
        if (retired.FirstSeenUtcTicks < survivor.FirstSeenUtcTicks)
        {
            survivor.FirstSeenUtcTicks = retired.FirstSeenUtcTicks;
        }
        if (retired.LastSeenUtcTicks > survivor.LastSeenUtcTicks)
        {
            survivor.LastSeenUtcTicks = retired.LastSeenUtcTicks;
        }
        for (var i = 0; i < retired.Best.Length && i < survivor.Best.Length; i++)
        {
            var candidate = retired.Best[i];
            if (candidate is null)
            {
                continue;
            }
            var current = survivor.Best[i];
            if (current is null || Beats(candidate.TimestampUtcTicks, candidate.ChannelPriority, candidate.RecordId, current))
            {
                survivor.Best[i] = candidate;
            }
        }
    }

    private static bool Beats(long timestampTicks, int priority, string recordId, StoredAttribute current)
    {
        if (timestampTicks != current.TimestampUtcTicks)
        {
            return timestampTicks > current.TimestampUtcTicks;
        }
        if (priority != current.ChannelPriority)
        {
            return priority > current.ChannelPriority;
        }
        return string.CompareOrdinal(recordId, current.RecordId) < 0;
    }
}
