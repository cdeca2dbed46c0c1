using Stitcher.Engine.Normalization;
using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;
using Stitcher.Plugins;

namespace Stitcher.Engine.Profiles;

/// <summary>
/// Turns a stored profile into the contract type sinks and embedders see. Custom attributes appear beside the canonical
/// ones under their own names (<c>trait.diet</c>), in <see cref="StitchedProfile.Attributes"/> and
/// <see cref="StitchedProfile.Values"/>, shown as the records carried them.
/// </summary>
internal static class ProfileView
{
    /// <param name="profile">The stored profile, its golden values picked.</param>
    /// <param name="journey">The journey configuration, for account keys.</param>
    /// <param name="displayRegion">The region whose phones are shown in national format (the engine's default region).</param>
    public static StitchedProfile ToStitched(StoredProfile profile, JourneyMap journey, string displayRegion)
    {
        var attributes = new Dictionary<string, ProfileAttribute>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < profile.Best.Length; i++)
        {
            var best = profile.Best[i];
            if (best is null || (CanonicalAttribute)i is CanonicalAttribute.RecordId or CanonicalAttribute.Timestamp)
            {
                continue;
            }
            var shown = Tidy((CanonicalAttribute)i, best.Value, displayRegion);
            attributes[CanonicalAttributes.NameOf((CanonicalAttribute)i)] =
                new ProfileAttribute(shown, best.Channel, best.RecordId, ToUtc(best.TimestampUtcTicks))
                {
                    Original = string.Equals(shown, best.Value, StringComparison.Ordinal) ? null : best.Value,
                };
        }
        foreach (var trait in profile.Traits)
        {
            if (trait.Best is { } best)
            {
                attributes[trait.Name] = new ProfileAttribute(best.Value, best.Channel, best.RecordId, ToUtc(best.TimestampUtcTicks));
            }
        }
        var records = new SourceRecordRef[profile.Members.Count];
        for (var i = 0; i < records.Length; i++)
        {
            var member = profile.Members[i];
            records[i] = new SourceRecordRef(member.Channel, member.RecordId, ToUtc(member.TimestampUtcTicks));
        }
        return new StitchedProfile(profile.Id, attributes, records, ToUtc(profile.FirstSeenUtcTicks), ToUtc(profile.LastSeenUtcTicks))
        {
            Timeline = JourneyTimeline.ToContract(profile.Timeline),
            Accounts = AccountKey.OfProfile(profile, journey),
            Values = ValuesOf(profile),
        };
    }

    private static string Tidy(CanonicalAttribute attribute, string value, string region) => attribute switch
    {
        CanonicalAttribute.GivenName or CanonicalAttribute.Surname => DisplayText.Name(value),
        CanonicalAttribute.FullName => DisplayText.FullName(value),
        CanonicalAttribute.Phone => DisplayText.Phone(value, region),
        _ => value,
    };

    private static Dictionary<string, IReadOnlyList<ProfileValue>> ValuesOf(StoredProfile profile)
    {
        var result = new Dictionary<string, IReadOnlyList<ProfileValue>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < profile.Values.Length && i < CanonicalAttributes.Count; i++)
        {
            if (profile.Values[i] is { Count: > 0 } values)
            {
                result[CanonicalAttributes.NameOf((CanonicalAttribute)i)] = ToContract(values);
            }
        }
        foreach (var trait in profile.Traits)
        {
            if (trait.Values.Count > 0)
            {
                result[trait.Name] = ToContract(trait.Values);
            }
        }
        return result;
    }

    /// <summary>Most recently seen first; the same time, by value.</summary>
    private static ProfileValue[] ToContract(List<StoredValue> values)
    {
        var list = new ProfileValue[values.Count];
        for (var v = 0; v < list.Length; v++)
        {
            var value = values[v];
            list[v] = new ProfileValue(value.Value, value.Count, ToUtc(value.FirstSeenUtcTicks), ToUtc(value.LastSeenUtcTicks), value.Channel, value.RecordId);
        }
        Array.Sort(list, static (a, b) => b.LastSeen != a.LastSeen ? b.LastSeen.CompareTo(a.LastSeen) : string.CompareOrdinal(a.Value, b.Value));
        return list;
    }

    private static DateTimeOffset ToUtc(long ticks) => new(Math.Clamp(ticks, DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
}
