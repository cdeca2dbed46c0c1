using System.Text.Json;
using Stitcher.Engine.Profiles;
using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Evaluation;

/// <summary>How many errors of each kind <c>evaluate --errors</c> found, most frequent first.</summary>
/// <param name="FalseLinks">Links that joined records of different people, by what made them (identifier rule, or the fields a match agreed on).</param>
/// <param name="FalsePairs">Pairs of records of different people put in one profile.</param>
/// <param name="MissedPairs">Pairs of records of one person left in different profiles, by what the two share exactly.</param>
public sealed record ErrorSummary(IReadOnlyList<(string Kind, long Count)> FalseLinks, long FalsePairs, IReadOnlyList<(string Kind, long Missed)> MissedPairs)
{
    public long MissedTotal => MissedPairs.Sum(static m => m.Missed);
}

/// <summary>
/// Writes every error of a labelled run to an NDJSON file: each link that joined two people (with the evidence that
/// made it), and each pair of one person's records left apart (with the attributes the two share exactly). Lines name
/// records and attributes, never values. Reads the run's store, so it runs before the store is thrown away. An
/// identifier link names as its other record the first record that carried the value (what the evidence keeps), which
/// is a holder of the value in the same profile but not always the record the link was followed to.
/// </summary>
internal static class ErrorAnalysis
{
    private static readonly CanonicalAttribute[] s_compared =
    [
        CanonicalAttribute.GivenName, CanonicalAttribute.Surname, CanonicalAttribute.DateOfBirth, CanonicalAttribute.Email, CanonicalAttribute.Phone,
        CanonicalAttribute.Street, CanonicalAttribute.City, CanonicalAttribute.Postcode, CanonicalAttribute.CustomerId, CanonicalAttribute.LoyaltyId,
        CanonicalAttribute.DeviceId, CanonicalAttribute.NationalId,
    ];

    public static async Task<ErrorSummary> WriteAsync(StitcherEngine engine, string channel, IReadOnlyList<RecordAssignment> assignments, string path,
        CancellationToken cancellationToken)
    {
        var entityOf = new Dictionary<string, string>(assignments.Count, StringComparer.Ordinal);
        var profileOf = new Dictionary<string, string>(assignments.Count, StringComparer.Ordinal);
        var byProfile = new Dictionary<string, List<RecordAssignment>>(StringComparer.Ordinal);
        var byEntity = new Dictionary<string, List<RecordAssignment>>(StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            entityOf[StoreKeys.Record(channel, assignment.RecordId)] = assignment.Entity;
            profileOf[StoreKeys.Record(channel, assignment.RecordId)] = assignment.Profile;
            Add(byProfile, assignment.Profile, assignment);
            Add(byEntity, assignment.Entity, assignment);
        }
        var falseLinks = new Dictionary<string, long>(StringComparer.Ordinal);
        var missed = new Dictionary<string, long>(StringComparer.Ordinal);
        long falsePairs = 0;
        await using var file = new StreamWriter(path);
        using var buffer = new MemoryStream();
        foreach (var (profile, members) in byProfile)
        {
            if (!HasTwoEntities(members))
            {
                continue;
            }
            falsePairs += PairsAcross(members);
            foreach (var member in members)
            {
                if (!engine.TryGetStoredRecord(channel, member.RecordId, out var record))
                {
                    continue;
                }
                foreach (var evidence in record.Evidence)
                {
                    if (evidence.Kind is not (StoredEvidence.Identifier or StoredEvidence.Probabilistic) || evidence.OtherRecord is null
                        || !entityOf.TryGetValue(evidence.OtherRecord, out var otherEntity) || otherEntity == member.Entity
                        || profileOf.GetValueOrDefault(evidence.OtherRecord) != profile)
                    {
                        continue;
                    }
                    var kind = evidence.Kind == StoredEvidence.Identifier ? $"identifier {evidence.Rule}" : "probabilistic: " + ExactFields(evidence.Levels);
                    falseLinks[kind] = falseLinks.GetValueOrDefault(kind) + 1;
                    await WriteLineAsync(file, buffer, writer =>
                    {
                        writer.WriteString("type", "false_link");
                        writer.WriteString("profile", profile);
                        writer.WriteString("record", StoreKeys.DisplayRecord(StoreKeys.Record(channel, member.RecordId)));
                        writer.WriteString("entity", member.Entity);
                        writer.WriteString("other_record", StoreKeys.DisplayRecord(evidence.OtherRecord));
                        writer.WriteString("other_entity", otherEntity);
                        writer.WriteString("evidence", kind);
                        writer.WriteNumber("probability", evidence.Probability);
                    }).ConfigureAwait(false);
                }
            }
        }
        var records = new Dictionary<string, StoredRecord>(StringComparer.Ordinal);
        foreach (var (entity, members) in byEntity)
        {
            if (!HasTwoProfiles(members))
            {
                continue;
            }
            for (var i = 0; i < members.Count; i++)
            {
                for (var j = i + 1; j < members.Count; j++)
                {
                    var (a, b) = (members[i], members[j]);
                    if (a.Profile == b.Profile)
                    {
                        continue;
                    }
                    var shared = Shared(engine, channel, records, a.RecordId, b.RecordId);
                    var kind = shared.Count == 0 ? "nothing exact" : string.Join('+', shared);
                    missed[kind] = missed.GetValueOrDefault(kind) + 1;
                    await WriteLineAsync(file, buffer, writer =>
                    {
                        writer.WriteString("type", "missed_pair");
                        writer.WriteString("entity", entity);
                        writer.WriteString("record", StoreKeys.DisplayRecord(StoreKeys.Record(channel, a.RecordId)));
                        writer.WriteString("profile", a.Profile);
                        writer.WriteString("other_record", StoreKeys.DisplayRecord(StoreKeys.Record(channel, b.RecordId)));
                        writer.WriteString("other_profile", b.Profile);
                        writer.WriteStartArray("shared");
                        foreach (var name in shared)
                        {
                            writer.WriteStringValue(name);
                        }
                        writer.WriteEndArray();
                    }).ConfigureAwait(false);
                }
            }
            records.Clear();
        }
        return new ErrorSummary(Ordered(falseLinks), falsePairs, Ordered(missed));
    }

    /// <summary>The fields a match agreed on exactly, by name ("GivenName, Surname"), from its level digits.</summary>
    private static string ExactFields(string? levels)
    {
        var decoded = EvidenceExplanation.DecodeLevels(levels);
        if (decoded is null)
        {
            return "no levels";
        }
        var exact = decoded.Where(static pair => pair.Value == "exact").Select(static pair => pair.Key).ToList();
        return exact.Count == 0 ? "nothing exact" : string.Join(", ", exact) + " exact";
    }

    private static List<string> Shared(StitcherEngine engine, string channel, Dictionary<string, StoredRecord> cache, string a, string b)
    {
        var shared = new List<string>();
        if (!TryGet(engine, channel, cache, a, out var x) || !TryGet(engine, channel, cache, b, out var y))
        {
            return shared;
        }
        foreach (var attribute in s_compared)
        {
            var left = x.Normalized[(int)attribute];
            if (!string.IsNullOrEmpty(left) && string.Equals(left, y.Normalized[(int)attribute], StringComparison.Ordinal))
            {
                shared.Add(CanonicalAttributes.NameOf(attribute));
            }
        }
        return shared;
    }

    private static bool TryGet(StitcherEngine engine, string channel, Dictionary<string, StoredRecord> cache, string id, out StoredRecord record)
    {
        if (cache.TryGetValue(id, out record!))
        {
            return true;
        }
        if (!engine.TryGetStoredRecord(channel, id, out record))
        {
            return false;
        }
        cache[id] = record;
        return true;
    }

    private static async Task WriteLineAsync(StreamWriter file, MemoryStream buffer, Action<Utf8JsonWriter> write)
    {
        buffer.SetLength(0);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        await file.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length)).ConfigureAwait(false);
    }

    private static long PairsAcross(List<RecordAssignment> members)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            counts[member.Entity] = counts.GetValueOrDefault(member.Entity) + 1;
        }
        long n = members.Count;
        var same = counts.Values.Sum(static c => c * (c - 1) / 2);
        return (n * (n - 1) / 2) - same;
    }

    private static bool HasTwoEntities(List<RecordAssignment> members) => members.Exists(m => m.Entity != members[0].Entity);

    private static bool HasTwoProfiles(List<RecordAssignment> members) => members.Exists(m => m.Profile != members[0].Profile);

    private static List<(string, long)> Ordered(Dictionary<string, long> counts)
    {
        var list = counts.Select(static pair => (pair.Key, pair.Value)).ToList();
        list.Sort(static (x, y) => y.Value != x.Value ? y.Value.CompareTo(x.Value) : string.CompareOrdinal(x.Key, y.Key));
        return list;
    }

    private static void Add(Dictionary<string, List<RecordAssignment>> map, string key, RecordAssignment value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = [];
            map[key] = list;
        }
        list.Add(value);
    }
}
