using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Normalization;

/// <summary>Something wrong with one field of a record, found while normalizing it.</summary>
/// <param name="Field">The attribute at fault.</param>
/// <param name="Reason">What is wrong, for a person to read. Never contains the value itself.</param>
/// <param name="Rejects">True when the whole record is rejected; false when only the field was dropped (or kept).</param>
/// <param name="Kept">True when the value was kept, normalized but unverified (a phone in an unassigned range): nothing is dropped.</param>
public readonly record struct FieldIssue(CanonicalAttribute Field, string Reason, bool Rejects, bool Kept = false);
