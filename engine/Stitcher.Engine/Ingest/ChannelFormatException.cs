using System.Diagnostics.CodeAnalysis;

namespace Stitcher.Engine.Ingest;

/// <summary>
/// A channel file cannot be read as configured at all, e.g. its header lacks a mapped column.
/// Unlike a <see cref="MalformedRow"/>, this stops the file: fixing it needs a person.
/// </summary>
public sealed class ChannelFormatException : Exception
{
    public ChannelFormatException()
    {
    }

    public ChannelFormatException(string message)
        : base(message)
    {
    }

    public ChannelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ChannelFormatException(string filePath, string? column, string message)
        : base(message)
    {
        FilePath = filePath;
        Column = column;
    }

    /// <summary>The file that could not be read.</summary>
    public string? FilePath { get; }

    /// <summary>The configured column at fault, when there is one.</summary>
    public string? Column { get; }

    [DoesNotReturn]
    internal static void ThrowMissingColumn(string path, string attribute, string column) =>
        throw new ChannelFormatException(path, column,
            $"Channel file '{path}' has no column '{column}' in its header; it is mapped to '{attribute}'.");

    [DoesNotReturn]
    internal static void ThrowMalformedHeader(string path, string reason) =>
        throw new ChannelFormatException(path, null, $"Channel file '{path}' has a malformed header row: {reason}.");
}
