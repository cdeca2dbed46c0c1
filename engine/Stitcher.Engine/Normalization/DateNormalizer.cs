namespace Stitcher.Engine.Normalization;

/// <summary>
/// Dates and timestamps in the formats channels write them, English and Korean, parsed without allocating and
/// without culture settings.
/// </summary>
public static class DateNormalizer
{
    /// <summary>Earliest year accepted in a date or timestamp.</summary>
    public const int MinYear = 1900;

    /// <summary>Latest year accepted in a date or timestamp.</summary>
    public const int MaxYear = 2100;

    private const int MaxInputLength = 64;

    private static readonly string[] s_monthNames =
    [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    ];

    private enum PartKind : byte
    {
        Number,
        Month,
    }

    private readonly record struct DatePart(PartKind Kind, int Value, int Digits);

    /// <summary>
    /// Parses a calendar date: yyyy-MM-dd, yyyyMMdd, yyyy/MM/dd, yyyy.MM.dd (also "1985.03.12."), "1985년 3월 12일",
    /// dd/MM/yyyy or MM/dd/yyyy, dd-MM-yyyy, "12 Mar 1985", "March 12, 1985", "12-Mar-1985". An all-numeric
    /// date with the year last is read day first when <paramref name="dayFirst"/> is true, unless one of its
    /// first two numbers is over 12, which settles the order. False for impossible dates and years outside
    /// <see cref="MinYear"/>..<see cref="MaxYear"/>.
    /// </summary>
    public static bool TryParseDate(ReadOnlySpan<char> raw, bool dayFirst, out DateOnly date)
    {
        date = default;
        var text = raw.Trim();
        if (text.Length is < 6 or > MaxInputLength)
        {
            return false;
        }
        // An ISO timestamp ("1985-03-12T00:00:00") gives the date as written, whatever its offset.
        if (text.Length > 10 && text[10] is 'T' or 't' or ' ' && TryReadIsoDate(text, out var isoYear, out var isoMonth, out var isoDay))
        {
            return TryParseIsoTime(text[11..], isoYear, isoMonth, isoDay, out _) && TryCreate(isoYear, isoMonth, isoDay, out date);
        }
        if (text.Length == 8 && IsAsciiDigits(text))
        {
            return TryCreate(ReadNumber(text[..4]), ReadNumber(text.Slice(4, 2)), ReadNumber(text.Slice(6, 2)), out date);
        }

        Span<DatePart> parts = stackalloc DatePart[3];
        if (!TryTokenize(text, parts))
        {
            return false;
        }
        var (a, b, c) = (parts[0], parts[1], parts[2]);
        if (a is { Kind: PartKind.Number, Digits: 4 })
        {
            return c is { Kind: PartKind.Number, Digits: <= 2 } && b.Digits <= 2 && TryCreate(a.Value, b.Value, c.Value, out date);
        }
        if (c is not { Kind: PartKind.Number, Digits: 4 })
        {
            return false;
        }
        if (a.Kind == PartKind.Month && b is { Kind: PartKind.Number, Digits: <= 2 })
        {
            return TryCreate(c.Value, a.Value, b.Value, out date);
        }
        if (b.Kind == PartKind.Month && a is { Kind: PartKind.Number, Digits: <= 2 })
        {
            return TryCreate(c.Value, b.Value, a.Value, out date);
        }
        if (a is not { Kind: PartKind.Number, Digits: <= 2 } || b is not { Kind: PartKind.Number, Digits: <= 2 })
        {
            return false;
        }
        var readDayFirst = a.Value > 12 || (b.Value <= 12 && dayFirst);
        return readDayFirst ? TryCreate(c.Value, b.Value, a.Value, out date) : TryCreate(c.Value, a.Value, b.Value, out date);
    }

    /// <summary>
    /// Parses a timestamp: ISO-8601 with or without offset ("2024-03-01T12:30:00+09:00", "2024-03-01T03:30:00Z",
    /// "2024-03-01 12:30:00"; no offset means UTC), any date <see cref="TryParseDate"/> accepts (midnight UTC,
    /// ambiguous numeric dates month first), or Unix epoch seconds (10 digits) or milliseconds (13 digits).
    /// The offset written in the input is kept.
    /// </summary>
    public static bool TryParseTimestamp(ReadOnlySpan<char> raw, out DateTimeOffset timestamp)
        => TryParseTimestamp(raw, dayFirst: false, out timestamp);

    /// <summary>As <see cref="TryParseTimestamp(ReadOnlySpan{char}, out DateTimeOffset)"/>, with the day/month order of plain numeric dates chosen.</summary>
    public static bool TryParseTimestamp(ReadOnlySpan<char> raw, bool dayFirst, out DateTimeOffset timestamp)
    {
        timestamp = default;
        var text = raw.Trim();
        if (text.Length is < 6 or > MaxInputLength)
        {
            return false;
        }
        if (IsAsciiDigits(text))
        {
            switch (text.Length)
            {
                case 10:
                    return TryFromUnix(long.Parse(text, provider: null) * 1000, out timestamp);
                case 13:
                    return TryFromUnix(long.Parse(text, provider: null), out timestamp);
                case 8:
                    break;
                default:
                    return false;
            }
        }
        else if (text.Length > 10 && text[10] is 'T' or 't' or ' ' && TryReadIsoDate(text, out var year, out var month, out var day))
        {
            return TryParseIsoTime(text[11..], year, month, day, out timestamp);
        }

        if (!TryParseDate(text, dayFirst, out var date))
        {
            return false;
        }
        timestamp = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return true;
    }

    // HH:mm[:ss[.fffffff]] then optional Z, ±HH:mm, ±HHmm, ±HH or " UTC".
    private static bool TryParseIsoTime(ReadOnlySpan<char> text, int year, int month, int day, out DateTimeOffset timestamp)
    {
        timestamp = default;
        if (text.Length < 5 || !TryReadTwoDigits(text, 0, out var hour) || text[2] != ':' || !TryReadTwoDigits(text, 3, out var minute))
        {
            return false;
        }
        var position = 5;
        var second = 0;
        long fractionTicks = 0;
        if (position < text.Length && text[position] == ':')
        {
            if (!TryReadTwoDigits(text, position + 1, out second))
            {
                return false;
            }
            position += 3;
            if (position < text.Length && text[position] is '.' or ',')
            {
                position++;
                var scale = TimeSpan.TicksPerSecond / 10;
                var start = position;
                while (position < text.Length && char.IsAsciiDigit(text[position]))
                {
                    // Beyond tick precision (7 digits) the rest is read and ignored.
                    fractionTicks += (text[position] - '0') * scale;
                    scale /= 10;
                    position++;
                }
                if (position == start)
                {
                    return false;
                }
            }
        }
        if (hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        if (!TryReadOffset(text[position..].TrimStart(), out var offset))
        {
            return false;
        }
        if (year is < MinYear or > MaxYear || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        timestamp = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(fractionTicks);
        return true;
    }

    private static bool TryReadOffset(ReadOnlySpan<char> text, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (text.IsEmpty || text is "Z" or "z" or "UTC" or "GMT")
        {
            return true;
        }
        if (text[0] is not ('+' or '-' or '\u2212') || text.Length < 3 || !TryReadTwoDigits(text, 1, out var hours))
        {
            return false;
        }
        var minutes = 0;
        var rest = text[3..];
        if (rest.Length == 3 && rest[0] == ':')
        {
            rest = rest[1..];
        }
        if (rest.Length == 2)
        {
            if (!TryReadTwoDigits(rest, 0, out minutes))
            {
                return false;
            }
        }
        else if (!rest.IsEmpty)
        {
            return false;
        }
        if (hours > 14 || minutes > 59 || (hours == 14 && minutes > 0))
        {
            return false;
        }
        offset = new TimeSpan(hours, minutes, 0);
        if (text[0] != '+')
        {
            offset = -offset;
        }
        return true;
    }

    private static bool TryFromUnix(long milliseconds, out DateTimeOffset timestamp)
    {
        timestamp = DateTimeOffset.UnixEpoch.AddMilliseconds(milliseconds);
        return timestamp.Year is >= MinYear and <= MaxYear;
    }

    // yyyy-MM-dd with '-', '/' or '.' as the (same) separator, at the start of text.
    private static bool TryReadIsoDate(ReadOnlySpan<char> text, out int year, out int month, out int day)
    {
        year = month = day = 0;
        if (text.Length < 10 || !IsAsciiDigits(text[..4]) || text[4] is not ('-' or '/' or '.') || text[7] != text[4])
        {
            return false;
        }
        year = ReadNumber(text[..4]);
        return TryReadTwoDigits(text, 5, out month) && TryReadTwoDigits(text, 8, out day);
    }

    private static bool TryTokenize(ReadOnlySpan<char> text, Span<DatePart> parts)
    {
        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }
                var digits = i - start;
                if (digits > 4 || count == parts.Length)
                {
                    return false;
                }
                parts[count++] = new DatePart(PartKind.Number, ReadNumber(text[start..i]), digits);
                i += OrdinalSuffixLength(text[i..]);
            }
            else if (char.IsAsciiLetter(c))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiLetter(text[i]))
                {
                    i++;
                }
                var month = MonthFromName(text[start..i]);
                if (month == 0 || count == parts.Length)
                {
                    return false;
                }
                parts[count++] = new DatePart(PartKind.Month, month, 0);
            }
            else if (c is '-' or '/' or '.' or ',' or ' ' or '\t' or '년' or '월' or '일')
            {
                i++;
            }
            else
            {
                return false;
            }
        }
        return count == parts.Length;
    }

    // "12th", "1st", "2nd", "3rd": the suffix is skipped when a letter does not follow it.
    private static int OrdinalSuffixLength(ReadOnlySpan<char> text)
    {
        if (text.Length < 2 || !(text.StartsWith("st", StringComparison.OrdinalIgnoreCase) || text.StartsWith("nd", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("rd", StringComparison.OrdinalIgnoreCase) || text.StartsWith("th", StringComparison.OrdinalIgnoreCase)))
        {
            return 0;
        }
        return text.Length > 2 && char.IsAsciiLetter(text[2]) ? 0 : 2;
    }

    // "Mar", "march", "Sept": three letters or more of a month's name.
    private static int MonthFromName(ReadOnlySpan<char> name)
    {
        if (name.Length < 3)
        {
            return 0;
        }
        for (var i = 0; i < s_monthNames.Length; i++)
        {
            var full = s_monthNames[i];
            if (name.Length <= full.Length && full.AsSpan().StartsWith(name, StringComparison.OrdinalIgnoreCase))
            {
                return i + 1;
            }
        }
        return 0;
    }

    private static bool TryCreate(int year, int month, int day, out DateOnly date)
    {
        date = default;
        if (year is < MinYear or > MaxYear || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        date = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryReadTwoDigits(ReadOnlySpan<char> text, int start, out int value)
    {
        value = 0;
        if (start + 2 > text.Length || !char.IsAsciiDigit(text[start]) || !char.IsAsciiDigit(text[start + 1]))
        {
            return false;
        }
        value = ((text[start] - '0') * 10) + (text[start + 1] - '0');
        return true;
    }

    private static bool IsAsciiDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange('0', '9');

    private static int ReadNumber(ReadOnlySpan<char> digits)
    {
        var value = 0;
        foreach (var c in digits)
        {
            value = (value * 10) + (c - '0');
        }
        return value;
    }
}
