namespace Stitcher.Engine.Ingest;

/// <summary>A position in a source file: where reading resumes after a restart.</summary>
/// <param name="ByteOffset">Offset of the first byte not yet consumed (0 = start of file, before any BOM).</param>
/// <param name="Line">Number of physical lines consumed before <paramref name="ByteOffset"/>.</param>
public readonly record struct SourcePosition(long ByteOffset, long Line)
{
    public static SourcePosition Start => default;
}

/// <summary>
/// One row of a channel file, mapped onto canonical attributes but not yet normalized.
/// <see cref="Values"/> is indexed by <see cref="Schema.CanonicalAttribute"/>; unmapped or empty fields are null.
/// </summary>
/// <param name="Line">1-based physical line on which the row starts.</param>
/// <param name="End">Position just after the row: persisting it means the row was consumed.</param>
/// <param name="Values">Raw values by canonical attribute ordinal.</param>
public readonly record struct RawRecord(long Line, SourcePosition End, string?[] Values);

/// <summary>A row that could not be read; it is dead-lettered and the run goes on.</summary>
/// <param name="Line">1-based physical line on which the row starts.</param>
/// <param name="End">Position just after the bad row.</param>
/// <param name="Field">The column or JSON path at fault, or null when the row as a whole is bad.</param>
/// <param name="Reason">What is wrong, for a person to read. Never contains the row's values.</param>
/// <param name="Raw">The raw text of the row, for the dead-letter file only (never logged).</param>
public readonly record struct MalformedRow(long Line, SourcePosition End, string? Field, string Reason, string Raw);

/// <summary>Receives what a <see cref="IChannelFileReader"/> reads, in file order.</summary>
public interface IRawRecordSink
{
    /// <summary>A well-formed row. The <see cref="RawRecord.Values"/> array is owned by the callee.</summary>
    void OnRecord(in RawRecord record);

    /// <summary>A row that could not be read.</summary>
    void OnMalformed(in MalformedRow row);
}

/// <summary>
/// Streams one channel file (CSV or NDJSON) through System.IO.Pipelines and maps each row onto
/// canonical attributes. Never loads the whole file.
/// </summary>
public interface IChannelFileReader
{
    /// <summary>
    /// Reads <paramref name="path"/> from <paramref name="resumeFrom"/> to its current end and hands each row to
    /// <paramref name="sink"/>. Returns the position after the last complete row; a trailing partial row
    /// (no line ending yet, file still being written) is not consumed when <paramref name="finalRead"/> is false.
    /// </summary>
    Task<SourcePosition> ReadAsync(string path, SourcePosition resumeFrom, IRawRecordSink sink, bool finalRead, CancellationToken cancellationToken);
}
