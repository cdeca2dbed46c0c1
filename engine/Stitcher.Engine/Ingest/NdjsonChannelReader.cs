namespace Stitcher.Engine.Ingest;

/// <summary>
/// Reads NDJSON channel files: one JSON object per line (LF or CRLF), a UTF-8 BOM skipped. Mapped values are
/// found by dotted path; strings, numbers (as written) and booleans are taken, null or missing stay null.
/// Safe to use from several threads, one file per call.
/// </summary>
public sealed class NdjsonChannelReader : IChannelFileReader
{
    private readonly JsonPathNode _root;
    private readonly int _maxLineBytes;

    /// <param name="mapping">Canonical attribute to dotted JSON path, e.g. <c>user.contact.email</c>.</param>
    /// <param name="maxLineBytes">A longer line is cut off: its start is dead-lettered and reading resumes at the next line.</param>
    /// <exception cref="ArgumentException">A path has an empty segment.</exception>
    public NdjsonChannelReader(FieldMapping mapping, int maxLineBytes = ChannelFile.DefaultMaxRowBytes)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1024);
        _maxLineBytes = maxLineBytes;
        Mapping = mapping;
        _root = JsonPathNode.Build(mapping);
    }

    /// <summary>Where each canonical attribute is read from.</summary>
    public FieldMapping Mapping { get; }

    /// <inheritdoc />
    public async Task<SourcePosition> ReadAsync(string path, SourcePosition resumeFrom, IRawRecordSink sink, bool finalRead, CancellationToken cancellationToken)
    {
        ChannelFile.ValidateArguments(path, resumeFrom, sink);

        await using var stream = ChannelFile.OpenRead(path);
        await ChannelFile.RefuseCrOnlyLineEndingsAsync(stream, path, cancellationToken).ConfigureAwait(false);
        if (resumeFrom.ByteOffset > 0)
        {
            stream.Seek(resumeFrom.ByteOffset, SeekOrigin.Begin);
        }
        using var parser = new NdjsonLineParser(_root, Mapping.SlotCount, resumeFrom, _maxLineBytes);
        var pipe = ChannelFile.CreatePipe(stream);
        try
        {
            while (true)
            {
                var result = await pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = parser.ReadLines(buffer, result.IsCompleted, result.IsCompleted && finalRead, sink);
                pipe.AdvanceTo(consumed, buffer.End);
                if (result.IsCompleted)
                {
                    return parser.Position;
                }
            }
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }
    }
}
