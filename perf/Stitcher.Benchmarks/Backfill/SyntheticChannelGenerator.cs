using System.Globalization;
using System.Text;
using Stitcher.Engine.Configuration;

namespace Stitcher.Benchmarks.Backfill;

/// <summary>
/// Who a synthetic population is. Mixed: a fifth Korean, names drawn evenly from their pools. Dense: all US, names
/// drawn with a heavy head, so that namesakes are everywhere. Korean: all Korean (Hangul and romanized names, 010
/// mobiles, road-name addresses), names drawn with the same head as real Korean names.
/// </summary>
internal enum PopulationMix
{
    Mixed,
    Dense,
    Korean,
}

/// <summary>One channel file written by <see cref="SyntheticChannelGenerator"/>.</summary>
/// <param name="Channel">Channel name: <c>crm</c>, <c>pos</c> or <c>web</c>.</param>
/// <param name="Path">Full path of the file.</param>
/// <param name="Rows">Data rows written, malformed ones included.</param>
/// <param name="MalformedRows">Rows written broken on purpose; they belong to no person.</param>
/// <param name="Bytes">Size of the file.</param>
internal sealed record GeneratedFile(string Channel, string Path, long Rows, long MalformedRows, long Bytes);

/// <summary>The three channel files of one synthetic population.</summary>
internal sealed record GeneratedChannels(int Persons, IReadOnlyList<GeneratedFile> Files)
{
    public long Rows => Files.Sum(static f => f.Rows);

    public long MalformedRows => Files.Sum(static f => f.MalformedRows);

    public long Bytes => Files.Sum(static f => f.Bytes);
}

/// <summary>
/// Writes a synthetic customer base as three channel files (CRM CSV, POS CSV, web NDJSON) row by row, so the data
/// set is never held in memory. Everything follows from the seed: a person is a pure function of (seed, person
/// index), and each file visits the people in its own fixed shuffled order, as exports from different systems are
/// ordered by their own keys. Every row carries its person in a <c>person_id</c> column that no mapping reads: the
/// truth the clustering is scored against (<see cref="ReadTruth"/>).
/// </summary>
/// <remarks>
/// What makes it realistic enough to stitch: emails in mixed case with stray whitespace, phones in a dozen ways of
/// writing (about 20% of people are Korean, with Hangul names and 010 mobiles), missing fields, placeholder and
/// invalid values, a second email used only on the web, devices that link anonymous web events, households that
/// share a phone and shared kiosk devices (false merges), and a few malformed rows and unreadable timestamps per 10k.
/// </remarks>
internal sealed partial class SyntheticChannelGenerator
{
    public const string Crm = "crm";
    public const string Pos = "pos";
    public const string Web = "web";

    private const double KoreanShare = 0.2;
    private const double HouseholdPairShare = 0.03;
    private const double MalformedRate = 3e-4;
    private const double BadTimestampRate = 2e-4;
    private const int KioskGroupSize = 64;
    private const int ProgressEvery = 8192;

    private const ulong StreamCounts = 1;
    private const ulong StreamIdentity = 2;
    private const ulong StreamHousehold = 3;
    private const ulong StreamDevice = 4;
    private const ulong StreamFileOrder = 5;
    private const ulong StreamFileRows = 6;
    private const ulong StreamUsPhones = 7;
    private const ulong StreamKrPhones = 8;
    private const ulong StreamLoyaltyNumbers = 9;

    private static readonly DateTime s_firstTimestamp = new(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly int s_timestampSpanSeconds = (int)(new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc) - s_firstTimestamp).TotalSeconds;

    private readonly ulong _seed;
    private readonly PopulationMix _mix;
    private readonly AffinePermutation _usPhones;
    private readonly AffinePermutation _krPhones;
    private readonly AffinePermutation _loyaltyNumbers;

    /// <param name="seed">Everything generated follows from it.</param>
    /// <param name="targetRecords">Records to write across the three files (malformed rows come on top, a few per 10k).</param>
    /// <param name="mix">Who the people are: mixed (a fifth Korean), dense US namesakes, or all Korean.</param>
    public SyntheticChannelGenerator(ulong seed, long targetRecords, PopulationMix mix = PopulationMix.Mixed)
    {
        _mix = mix;
        ArgumentOutOfRangeException.ThrowIfLessThan(targetRecords, 1);
        _seed = seed;
        TargetRecords = targetRecords;
        Persons = PersonsFor(seed, targetRecords);
        _usPhones = new AffinePermutation((ulong)(s_usAreas.Length * s_usExchanges.Length) * 10_000, Hash(seed, 0, StreamUsPhones));
        _krPhones = new AffinePermutation((ulong)s_krMiddles.Length * 10_000, Hash(seed, 0, StreamKrPhones));
        _loyaltyNumbers = new AffinePermutation(90_000_000, Hash(seed, 0, StreamLoyaltyNumbers));
    }

    public ulong Seed => _seed;

    public long TargetRecords { get; }

    /// <summary>People in the population: as many as it takes to reach <see cref="TargetRecords"/>.</summary>
    public int Persons { get; }

    /// <summary>Writes <c>crm_customers.csv</c>, <c>pos_purchases.csv</c> and <c>web_events.ndjson</c> into <paramref name="directory"/>.</summary>
    /// <param name="directory">Created if missing.</param>
    /// <param name="progress">Called every few thousand rows with the channel and the rows written so far in all files.</param>
    public GeneratedChannels Write(string directory, Action<string, long>? progress = null) => Write(directory, null, 0, progress).Main;

    /// <summary>
    /// As <see cref="Write(string, Action{string, long}?)"/>, but every <paramref name="holdOutEvery"/>-th well-formed row
    /// of each file goes to a file of the same name in <paramref name="holdOutDirectory"/> instead: records that
    /// arrive later, one by one, for people mostly already in the main files.
    /// </summary>
    public (GeneratedChannels Main, GeneratedChannels? HeldOut) Write(string directory, string? holdOutDirectory, int holdOutEvery, Action<string, long>? progress = null)
    {
        Directory.CreateDirectory(directory);
        if (holdOutDirectory is not null)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(holdOutEvery, 2);
            Directory.CreateDirectory(holdOutDirectory);
        }
        var counter = new RowCounter(progress);
        var main = new List<GeneratedFile>(3);
        var heldOut = new List<GeneratedFile>(3);
        foreach (var (channel, name) in (ReadOnlySpan<(string, string)>)[(Crm, "crm_customers.csv"), (Pos, "pos_purchases.csv"), (Web, "web_events.ndjson")])
        {
            var (file, held) = WriteChannel(channel, Path.Combine(directory, name), holdOutDirectory is null ? null : Path.Combine(holdOutDirectory, name), holdOutEvery, counter);
            main.Add(file);
            if (held is not null)
            {
                heldOut.Add(held);
            }
        }
        return (new GeneratedChannels(Persons, main), holdOutDirectory is null ? null : new GeneratedChannels(Persons, heldOut));
    }

    /// <summary>How the engine reads a generated file: its format, survivorship priority and column mapping. <c>person_id</c> is never mapped.</summary>
    public static ChannelOptions OptionsFor(GeneratedFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return file.Channel switch
        {
            Crm => new ChannelOptions
            {
                Path = file.Path,
                Format = "csv",
                Priority = 30,
                Mapping = new(StringComparer.OrdinalIgnoreCase)
                {
                    ["record_id"] = "customer_id",
                    ["customer_id"] = "customer_id",
                    ["timestamp"] = "updated_at",
                    ["given_name"] = "first_name",
                    ["surname"] = "last_name",
                    ["email"] = "email",
                    ["phone"] = "phone",
                    ["date_of_birth"] = "dob",
                    ["street"] = "street",
                    ["city"] = "city",
                    ["postcode"] = "zip",
                    ["country"] = "country",
                    ["loyalty_id"] = "loyalty_no",
                },
            },
            Pos => new ChannelOptions
            {
                Path = file.Path,
                Format = "csv",
                Priority = 20,
                Mapping = new(StringComparer.OrdinalIgnoreCase)
                {
                    ["record_id"] = "receipt_id",
                    ["timestamp"] = "purchased_at",
                    ["full_name"] = "customer_name",
                    ["phone"] = "phone",
                    ["loyalty_id"] = "loyalty_no",
                },
            },
            Web => new ChannelOptions
            {
                Path = file.Path,
                Format = "ndjson",
                Priority = 10,
                Mapping = new(StringComparer.OrdinalIgnoreCase)
                {
                    ["record_id"] = "event_id",
                    ["timestamp"] = "ts",
                    ["event_type"] = "event",
                    ["email"] = "user.email",
                    ["device_id"] = "device.id",
                },
            },
            _ => throw new ArgumentException($"Unknown channel '{file.Channel}'.", nameof(file)),
        };
    }

    private (GeneratedFile File, GeneratedFile? HeldOut) WriteChannel(string channel, string path, string? holdOutPath, int holdOutEvery, RowCounter counter)
    {
        // Each export visits people in its own order, so records of one person are far apart across files.
        var channelNumber = channel switch { Crm => 1UL, Pos => 2UL, _ => 3UL };
        var order = new AffinePermutation((ulong)Persons, Hash(_seed, channelNumber, StreamFileOrder));
        var rng = new SplitMix64(Hash(_seed, channelNumber, StreamFileRows));
        var person = new Person();
        var row = new StringBuilder(512);
        long rows = 0;
        long malformed = 0;
        long sequence = 0;
        long heldRows = 0;
        // The CRM export comes from a spreadsheet-minded system: BOM and CRLF; the others are plain UTF-8 with LF.
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: channel == Crm);
        var newLine = channel == Crm ? "\r\n" : "\n";
        var header = channel switch
        {
            Crm => "customer_id,first_name,last_name,email,phone,dob,street,city,zip,country,loyalty_no,updated_at,person_id\r\n",
            Pos => "receipt_id,loyalty_no,customer_name,phone,store_id,purchased_at,total,person_id\n",
            _ => "",
        };
        using (var writer = new StreamWriter(path, append: false, encoding, bufferSize: 1 << 20))
        using (var held = holdOutPath is null ? null : new StreamWriter(holdOutPath, append: false, encoding, bufferSize: 1 << 16))
        {
            writer.NewLine = newLine;
            writer.Write(header);
            held?.Write(header);
            for (ulong slot = 0; slot < (ulong)Persons; slot++)
            {
                Load(person, (int)order.Map(slot));
                var count = channel switch { Crm => person.CrmRecords, Pos => person.PosRecords, _ => person.WebRecords };
                for (var k = 0; k < count; k++)
                {
                    row.Clear();
                    sequence++;
                    var isMalformed = rng.Chance(MalformedRate);
                    if (isMalformed)
                    {
                        AppendMalformed(row, channel, sequence, person, ref rng);
                    }
                    else
                    {
                        switch (channel)
                        {
                            case Crm:
                                AppendCrmRow(row, sequence, person, ref rng);
                                break;
                            case Pos:
                                AppendPosRow(row, sequence, person, ref rng);
                                break;
                            default:
                                AppendWebEvent(row, sequence, person, ref rng);
                                break;
                        }
                    }
                    row.Append(newLine);
                    if (held is not null && !isMalformed && sequence % holdOutEvery == 0)
                    {
                        held.Write(row);
                        heldRows++;
                    }
                    else
                    {
                        writer.Write(row);
                        rows++;
                        malformed += isMalformed ? 1 : 0;
                    }
                    counter.Add(channel);
                }
            }
        }
        return (new GeneratedFile(channel, path, rows, malformed, new FileInfo(path).Length),
            holdOutPath is null ? null : new GeneratedFile(channel, holdOutPath, heldRows, 0, new FileInfo(holdOutPath).Length));
    }

    private static void AppendCrmRow(StringBuilder row, long sequence, Person person, ref SplitMix64 rng)
    {
        AppendId(row, 'C', sequence, 8).Append(',');
        AppendCsv(row, rng.Chance(0.03) ? "" : CrmName(person.Given, person.GivenLatin, person.Korean, ref rng)).Append(',');
        AppendCsv(row, CrmName(person.Surname, person.SurnameLatin, person.Korean, ref rng)).Append(',');
        var emailRoll = rng.NextDouble();
        if (emailRoll < 0.10)
        {
            // No email on file.
        }
        else if (emailRoll < 0.12)
        {
            row.Append("noemail@example.com");
        }
        else if (emailRoll < 0.125)
        {
            // Typed without the top-level domain: the engine drops the field and keeps the record.
            row.Append(person.Email.AsSpan(0, person.Email.LastIndexOf('.')));
        }
        else
        {
            AppendEmailVariant(row, person.Email, ref rng);
        }
        row.Append(',');
        var countryRoll = rng.NextDouble();
        var hasCountry = countryRoll >= 0.15;
        if (!rng.Chance(0.08))
        {
            // A Korean number in domestic format reads as Korean when the row says so, else only through a fallback region.
            AppendPhone(row, person.Phone, person.Korean ? rng.Below(6) : rng.Below(7), ref rng);
        }
        row.Append(',');
        AppendBirthDate(row, person, ref rng);
        row.Append(',');
        AppendCsv(row, CaseVariant(person.Street, ref rng)).Append(',');
        AppendCsv(row, CaseVariant(person.City, ref rng)).Append(',');
        row.Append(person.Zip).Append(',');
        if (hasCountry)
        {
            AppendCsv(row, person.Korean ? rng.Pick(s_krCountryNames) : rng.Pick(s_usCountryNames));
        }
        row.Append(',');
        if (person.Loyalty is not null && !rng.Chance(0.1))
        {
            row.Append(person.Loyalty);
        }
        row.Append(',');
        AppendTimestamp(row, rng.Below(s_timestampSpanSeconds), person.Korean && rng.Chance(0.3) ? 2 : rng.Below(2), ref rng);
        row.Append(',');
        AppendPersonId(row, person.Index);
    }

    private static void AppendPosRow(StringBuilder row, long sequence, Person person, ref SplitMix64 rng)
    {
        AppendId(row, 'R', sequence, 9).Append(',');
        if (person.Loyalty is not null && rng.Chance(0.7))
        {
            if (rng.Chance(0.03))
            {
                row.Append(' ');
            }
            row.Append(person.Loyalty);
        }
        row.Append(',');
        AppendCsv(row, PosName(person, ref rng)).Append(',');
        if (rng.Chance(0.75))
        {
            // The POS export has no country column: a Korean number written the domestic way reads only through a fallback region.
            var style = person.Korean ? (rng.Chance(0.75) ? 3 + rng.Below(3) : rng.Below(3)) : rng.Below(7);
            AppendPhone(row, person.Phone, style, ref rng);
        }
        row.Append(',');
        row.Append('S').Append((1 + rng.Below(60)).ToString("D3", CultureInfo.InvariantCulture)).Append(',');
        AppendTimestamp(row, rng.Below(s_timestampSpanSeconds), 0, ref rng);
        row.Append(',');
        row.Append(CultureInfo.InvariantCulture, $"{(1 + rng.Below(40_000)) / 100.0:F2}").Append(',');
        AppendPersonId(row, person.Index);
    }

    private static void AppendWebEvent(StringBuilder row, long sequence, Person person, ref SplitMix64 rng)
    {
        row.Append("{\"event_id\":\"");
        AppendId(row, 'E', sequence, 9).Append("\",\"ts\":");
        var seconds = rng.Below(s_timestampSpanSeconds);
        if (rng.Chance(BadTimestampRate))
        {
            row.Append("null");
        }
        else
        {
            var unix = new DateTimeOffset(s_firstTimestamp.AddSeconds(seconds)).ToUnixTimeSeconds();
            switch (rng.Below(10))
            {
                case < 5:
                    row.Append('"');
                    AppendTimestamp(row, seconds, 0, ref rng);
                    row.Append('"');
                    break;
                case < 8:
                    row.Append(CultureInfo.InvariantCulture, $"\"{unix}\"");
                    break;
                default:
                    row.Append(CultureInfo.InvariantCulture, $"{(unix * 1000) + rng.Below(1000)}");
                    break;
            }
        }
        row.Append(",\"event\":\"").Append(rng.Pick(s_webEvents)).Append('"');
        var userRoll = rng.NextDouble();
        if (userRoll < 0.6)
        {
            row.Append(",\"user\":{\"email\":\"");
            AppendEmailVariant(row, rng.Chance(0.07) ? person.AltEmail : person.Email, ref rng);
            row.Append("\"}");
        }
        else if (userRoll < 0.8)
        {
            row.Append(",\"user\":null");
        }
        if (!rng.Chance(0.03))
        {
            // A shared kiosk links whoever used it: the classic false merge.
            var device = rng.Chance(0.005)
                ? string.Create(CultureInfo.InvariantCulture, $"kiosk-{person.Index / KioskGroupSize:x6}")
                : person.Devices[rng.Below(person.Devices.Length)];
            row.Append(",\"device\":{\"id\":\"").Append(device).Append("\",\"os\":\"").Append(rng.Pick(s_deviceOs)).Append("\"}");
        }
        row.Append(",\"person_id\":\"");
        AppendPersonId(row, person.Index);
        row.Append("\"}");
    }

    /// <summary>Broken rows of the kinds exports really contain; none carries a person id.</summary>
    private static void AppendMalformed(StringBuilder row, string channel, long sequence, Person person, ref SplitMix64 rng)
    {
        var kind = rng.Below(3);
        if (channel == Web)
        {
            switch (kind)
            {
                case 0:
                    // Cut off mid-write.
                    row.Append("{\"event_id\":\"");
                    AppendId(row, 'E', sequence, 9).Append("\",\"ts\":\"2025-0");
                    break;
                case 1:
                    row.Append("[\"");
                    AppendId(row, 'E', sequence, 9).Append("\",\"page_view\"]");
                    break;
                default:
                    row.Append("<html><body>502 Bad Gateway</body></html>");
                    break;
            }
            return;
        }
        AppendId(row, channel == Crm ? 'C' : 'R', sequence, channel == Crm ? 8 : 9).Append(',');
        switch (kind)
        {
            case 0:
                // Too few fields.
                row.Append(person.GivenLatin);
                break;
            case 1:
                // A quote inside an unquoted field.
                row.Append(person.GivenLatin).Append(" \"").Append(person.SurnameLatin).Append("\" Jr,");
                row.Append(channel == Crm ? ",,,,,,,,,2025-01-01T00:00:00Z," : ",,,S001,2025-01-01T00:00:00Z,1.00,");
                break;
            default:
                // Text after a closing quote.
                row.Append('"').Append(person.GivenLatin).Append("\"x,");
                row.Append(channel == Crm ? ",,,,,,,,,2025-01-01T00:00:00Z," : ",,,S001,2025-01-01T00:00:00Z,1.00,");
                break;
        }
    }

    private static string CrmName(string name, string latin, bool korean, ref SplitMix64 rng)
    {
        if (korean)
        {
            return rng.Chance(0.9) ? name : latin;
        }
        return rng.Below(20) switch
        {
            < 16 => name,
            < 19 => name.ToUpperInvariant(),
            _ => name.ToLowerInvariant(),
        };
    }

    private static string PosName(Person person, ref SplitMix64 rng)
    {
        var roll = rng.Below(20);
        if (roll < 3)
        {
            return "";
        }
        if (person.Korean)
        {
            return roll switch
            {
                < 14 => string.Concat(person.Surname, person.Given),
                < 17 => string.Concat(person.Surname, " ", person.Given),
                _ => string.Concat(person.GivenLatin, " ", person.SurnameLatin),
            };
        }
        return roll switch
        {
            < 14 => string.Concat(person.Given, " ", person.Surname),
            < 17 => string.Concat(person.Surname.ToUpperInvariant(), ", ", person.Given.ToUpperInvariant()),
            _ => string.Concat(person.Given.AsSpan(0, 1), ". ", person.Surname),
        };
    }

    private static string CaseVariant(string value, ref SplitMix64 rng) => rng.Below(10) switch
    {
        < 8 => value,
        8 => value.ToUpperInvariant(),
        _ => string.Concat(value.ToLowerInvariant(), " "),
    };

    private static void AppendEmailVariant(StringBuilder row, string email, ref SplitMix64 rng)
    {
        var roll = rng.Below(20);
        if (roll == 0)
        {
            row.Append("  ");
        }
        switch (roll)
        {
            case 1 or 2 or 3:
                row.Append(email.ToUpperInvariant());
                break;
            case 4 or 5:
                // Capitalised local part and domain, as autocomplete leaves them.
                row.Append(char.ToUpperInvariant(email[0])).Append(email.AsSpan(1, email.IndexOf('@'))).Append(char.ToUpperInvariant(email[email.IndexOf('@') + 1]))
                    .Append(email.AsSpan(email.IndexOf('@') + 2));
                break;
            default:
                row.Append(email);
                break;
        }
        if (roll is 0 or 6)
        {
            row.Append(' ');
        }
    }

    private static void AppendPhone(StringBuilder row, Phone phone, int style, ref SplitMix64 rng)
    {
        var (a, b, c) = (phone.Area, phone.Exchange, phone.Line);
        var inv = CultureInfo.InvariantCulture;
        if (phone.Korean)
        {
            switch (style)
            {
                case 0: row.Append(inv, $"010-{b:D4}-{c:D4}"); break;
                case 1: row.Append(inv, $"010{b:D4}{c:D4}"); break;
                case 2: row.Append(inv, $"010 {b:D4} {c:D4}"); break;
                case 3: row.Append(inv, $"+82 10-{b:D4}-{c:D4}"); break;
                case 4: row.Append(inv, $"+82-10-{b:D4}-{c:D4}"); break;
                default: row.Append(inv, $"+8210{b:D4}{c:D4}"); break;
            }
            return;
        }
        switch (style)
        {
            case 0: row.Append(inv, $"({a}) {b}-{c:D4}"); break;
            case 1: row.Append(inv, $"{a}-{b}-{c:D4}"); break;
            case 2: row.Append(inv, $"{a}.{b}.{c:D4}"); break;
            case 3: row.Append(inv, $"+1 {a} {b} {c:D4}"); break;
            case 4: row.Append(inv, $"{a}{b}{c:D4}"); break;
            case 5: row.Append(inv, $"+1{a}{b}{c:D4}"); break;
            default: row.Append(inv, $"1-{a}-{b}-{c:D4}"); break;
        }
        if (rng.Chance(0.02))
        {
            row.Append(" ext. ").Append(rng.Below(900) + 100);
        }
    }

    private static void AppendBirthDate(StringBuilder row, Person person, ref SplitMix64 rng)
    {
        var roll = rng.Below(100);
        if (roll < 15)
        {
            return;
        }
        var d = person.BirthDate;
        var inv = CultureInfo.InvariantCulture;
        if (roll < 16)
        {
            // 30 February: dropped as invalid, the record kept.
            row.Append(inv, $"{d.Year}-02-30");
            return;
        }
        if (person.Korean)
        {
            switch (roll)
            {
                case < 60: row.Append(inv, $"{d:yyyy-MM-dd}"); break;
                case < 85: row.Append(inv, $"{d:yyyy.MM.dd}."); break;
                case < 93: row.Append(inv, $"{d:yyyyMMdd}"); break;
                default: row.Append(inv, $"{d.Year}년 {d.Month}월 {d.Day}일"); break;
            }
            return;
        }
        switch (roll)
        {
            case < 60: row.Append(inv, $"{d:yyyy-MM-dd}"); break;
            case < 90: row.Append(inv, $"{d:MM/dd/yyyy}"); break;
            default: row.Append('"').Append(inv, $"{d:MMMM d, yyyy}").Append('"'); break;
        }
    }

    // style 0: ISO UTC with Z; 1: "yyyy-MM-dd HH:mm:ss" (UTC); 2: Korean local time with +09:00.
    private static void AppendTimestamp(StringBuilder row, int secondsAfterStart, int style, ref SplitMix64 rng)
    {
        if (rng.Chance(BadTimestampRate))
        {
            // Half missing, half unreadable: the engine rejects the record.
            row.Append(rng.Chance(0.5) ? "" : "N/A");
            return;
        }
        var utc = s_firstTimestamp.AddSeconds(secondsAfterStart);
        var inv = CultureInfo.InvariantCulture;
        switch (style)
        {
            case 0: row.Append(inv, $"{utc:yyyy-MM-dd'T'HH:mm:ss'Z'}"); break;
            case 1: row.Append(inv, $"{utc:yyyy-MM-dd HH:mm:ss}"); break;
            default: row.Append(inv, $"{utc.AddHours(9):yyyy-MM-dd'T'HH:mm:ss}+09:00"); break;
        }
    }

    private static StringBuilder AppendId(StringBuilder row, char prefix, long sequence, int digits) =>
        row.Append(prefix).Append(sequence.ToString(digits == 8 ? "D8" : "D9", CultureInfo.InvariantCulture));

    private static void AppendPersonId(StringBuilder row, int person) =>
        row.Append('U').Append(person.ToString("D8", CultureInfo.InvariantCulture));

    private static StringBuilder AppendCsv(StringBuilder row, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return row.Append(value);
        }
        return row.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    /// <summary>Counts rows across the three files and reports every few thousand.</summary>
    private sealed class RowCounter(Action<string, long>? progress)
    {
        private long _rows;

        public void Add(string channel)
        {
            _rows++;
            if (_rows % ProgressEvery == 0)
            {
                progress?.Invoke(channel, _rows);
            }
        }
    }
}
