namespace Stitcher.Engine.Pipeline;

/// <summary>What <see cref="StitcherEngine.IngestRecordAsync"/> did with one record.</summary>
/// <param name="Accepted">False when the normalizer rejected the record (see <paramref name="Issues"/>); it was dead-lettered.</param>
/// <param name="ProfileId">The profile that holds the record now; null when it was rejected.</param>
/// <param name="Unchanged">The record was already stored with the same values and timestamp: nothing changed.</param>
/// <param name="Issues">Fields that were dropped or made the record fail, as "field: reason" (never the values).</param>
public sealed record RecordIngestResult(bool Accepted, string? ProfileId, bool Unchanged, IReadOnlyList<string> Issues);
