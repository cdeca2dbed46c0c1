using Stitcher.Engine.Store;

namespace Stitcher.Engine.Profiles;

/// <summary>
/// Reviewer decisions: a must-link (two records are one person) or a cannot-link (two people), kept per record and
/// honoured by every later resolution of a neighbourhood that holds both records, after restarts and re-training.
/// </summary>
internal sealed partial class IdentityGraph
{
    // Record keys with decisions: few, so linking asks the store for decisions only when a record has some.
    private readonly HashSet<string> _decided = new(StringComparer.Ordinal);

    private void LoadDecided() =>
        _store.ScanPrefix<StoredDecisions>(StoreKeys.DecisionsPrefix, (key, _) => _decided.Add(key[StoreKeys.DecisionsPrefix.Length..]));

    /// <summary>
    /// Records that <paramref name="recordA"/> and <paramref name="recordB"/> are the same person (or are not), replacing
    /// any earlier decision about the pair, and resolves both records' neighbourhoods again. The pair leaves the review
    /// queue. False when either record is not stored.
    /// </summary>
    public bool Decide(string recordA, string recordB, bool samePerson, LinkOutcome outcome)
    {
        if (string.Equals(recordA, recordB, StringComparison.Ordinal))
        {
            throw new ArgumentException("A decision is about two different records.", nameof(recordB));
        }
        _readForLink.Clear();
        var profileA = ProfileOfRecord(recordA);
        var profileB = ProfileOfRecord(recordB);
        if (profileA.Length == 0 || profileB.Length == 0)
        {
            return false;
        }
        var at = DateTime.UtcNow.Ticks;
        Note(recordA, recordB, samePerson, at);
        Note(recordB, recordA, samePerson, at);
        Reresolve([profileA, profileB], null, outcome);
        _store.Delete(StoreKeys.Review(recordA, recordB));
        _store.Delete(StoreKeys.Review(recordB, recordA));
        _readForLink.Clear();
        return true;
    }

    /// <summary>The decisions about a record (empty for most).</summary>
    public IReadOnlyList<StoredDecision> DecisionsOf(string recordKey) =>
        _decided.Contains(recordKey) && _store.TryRead<StoredDecisions>(StoreKeys.Decisions(recordKey), out var decisions) ? decisions.Items : [];

    /// <summary>Whether a reviewer decided anything about the pair.</summary>
    public bool IsDecided(string recordA, string recordB)
    {
        foreach (var decision in DecisionsOf(recordA))
        {
            if (decision.OtherRecord == recordB)
            {
                return true;
            }
        }
        return false;
    }

    private void Note(string record, string other, bool samePerson, long atTicks)
    {
        var decisions = _store.TryRead<StoredDecisions>(StoreKeys.Decisions(record), out var stored) ? stored : new StoredDecisions();
        decisions.Items.RemoveAll(d => d.OtherRecord == other);
        decisions.Items.Add(new StoredDecision { OtherRecord = other, SamePerson = samePerson, AtUtcTicks = atTicks });
        _store.Write(StoreKeys.Decisions(record), decisions);
        _decided.Add(record);
    }

    /// <summary>The profiles a record's decisions tie it to, added to <paramref name="candidates"/>.</summary>
    private void AddDecidedProfiles(string recordKey, List<string> candidates)
    {
        foreach (var decision in DecisionsOf(recordKey))
        {
            var other = ProfileOfRecord(decision.OtherRecord);
            if (other.Length > 0 && !candidates.Contains(other) && ProfileExists(other))
            {
                candidates.Add(other);
            }
        }
    }
}
