using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Stitcher.Engine.Ingest;

/// <summary>Turns a field's UTF-8 bytes into the trimmed string a <see cref="RawRecord"/> carries.</summary>
internal static class FieldText
{
    private static ReadOnlySpan<byte> AsciiWhitespace => " \t\r\n\v\f"u8;

    /// <summary>
    /// Decodes <paramref name="utf8"/>, trimmed; empty becomes null. Returns false, without throwing,
    /// when the bytes are not valid UTF-8. <paramref name="collapseDoubledQuotes"/>: the bytes are the inside of
    /// a CSV quoted field that holds <c>""</c>.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> utf8, bool collapseDoubledQuotes, ref char[] scratch, out string? value)
    {
        // Cheap ASCII trim first so the common padded value is not transcoded twice; Unicode spaces go below.
        utf8 = utf8.Trim(AsciiWhitespace);
        if (utf8.IsEmpty)
        {
            value = null;
            return true;
        }

        PooledArray.EnsureCapacity(ref scratch, utf8.Length);
        if (Utf8.ToUtf16(utf8, scratch, out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            value = null;
            return false;
        }

        var chars = scratch.AsSpan(0, written);
        if (collapseDoubledQuotes)
        {
            chars = CollapseDoubledQuotes(chars);
        }
        value = FromChars(chars);
        return true;
    }

    /// <summary>Trims <paramref name="chars"/>; empty becomes null.</summary>
    public static string? FromChars(ReadOnlySpan<char> chars)
    {
        chars = chars.Trim();
        return chars.IsEmpty ? null : new string(chars);
    }

    /// <summary>The row as text for a dead-letter file; invalid bytes become U+FFFD.</summary>
    public static string RawText(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);

    // The scanner has checked that every quote inside the field is doubled.
    private static Span<char> CollapseDoubledQuotes(Span<char> chars)
    {
        var write = chars.IndexOf('"');
        if (write < 0)
        {
            return chars;
        }
        for (var read = write; read < chars.Length; read++)
        {
            var c = chars[read];
            chars[write++] = c;
            if (c == '"')
            {
                read++;
            }
        }
        return chars[..write];
    }
}
