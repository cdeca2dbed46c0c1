using System.IO.Pipelines;

namespace Stitcher.Engine.Ingest;

/// <summary>Opening channel files for streaming: shared by the CSV and NDJSON readers.</summary>
internal static class ChannelFile
{
    public const int BufferSize = 64 * 1024;

    /// <summary>The longest row or line read by default; a longer one is cut off and dead-lettered (see <c>MaxRowBytes</c>).</summary>
    public const int DefaultMaxRowBytes = 4 << 20;

    // leaveOpen: the CSV reader reads the header, then seeks the same stream to the resume offset.
    private static readonly StreamPipeReaderOptions s_pipeOptions = new(bufferSize: BufferSize, leaveOpen: true);

    public static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Opens for reading while the producer may still be appending, renaming or deleting it.</summary>
    public static FileStream OpenRead(string path) => new(path, new FileStreamOptions
    {
        Mode = FileMode.Open,
        Access = FileAccess.Read,
        Share = FileShare.ReadWrite | FileShare.Delete,
        Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
        BufferSize = 0, // the pipe buffers
    });

    public static PipeReader CreatePipe(Stream stream) => PipeReader.Create(stream, s_pipeOptions);

    // Enough for any header and a few rows: a file with line ends has a line feed in it.
    private const int LineEndProbeBytes = 64 * 1024;

    /// <summary>
    /// Refuses a file whose lines end in a carriage return alone (classic Mac exports): read as lines, it is one line,
    /// and nothing would load. Looks at the start of the file only; leaves the stream at the start.
    /// </summary>
    /// <exception cref="ChannelFormatException">The start of the file has carriage returns and no line feed.</exception>
    public static async Task RefuseCrOnlyLineEndingsAsync(FileStream stream, string path, CancellationToken cancellationToken)
    {
        var probe = new byte[(int)Math.Min(LineEndProbeBytes, Math.Max(stream.Length, 0))];
        var read = 0;
        while (read < probe.Length)
        {
            var n = await stream.ReadAsync(probe.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        stream.Seek(0, SeekOrigin.Begin);
        var start = probe.AsSpan(0, read);
        if (start.IndexOf((byte)'\n') < 0 && start.IndexOf((byte)'\r') >= 0)
        {
            throw new ChannelFormatException(path, null,
                $"Channel file '{path}' ends its lines with a carriage return alone (no line feed in its first {read:N0} bytes): convert it to LF or CRLF line endings.");
        }
    }

    public static void ValidateArguments(string path, SourcePosition resumeFrom, IRawRecordSink sink)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfNegative(resumeFrom.ByteOffset, nameof(resumeFrom));
        ArgumentOutOfRangeException.ThrowIfNegative(resumeFrom.Line, nameof(resumeFrom));
    }
}
