using System.IO.Pipelines;

namespace Stitcher.Engine.Ingest;

/// <summary>Opening channel files for streaming: shared by the CSV and NDJSON readers.</summary>
internal static class ChannelFile
{
    public const int BufferSize = 64 * 1024;

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

    public static void ValidateArguments(string path, SourcePosition resumeFrom, IRawRecordSink sink)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfNegative(resumeFrom.ByteOffset, nameof(resumeFrom));
        ArgumentOutOfRangeException.ThrowIfNegative(resumeFrom.Line, nameof(resumeFrom));
    }
}
