using System.Text;
using CsCheck;
using Stitcher.Engine.Ingest;
using Stitcher.Engine.Schema;
using Xunit.Abstractions;

namespace Stitcher.Engine.Tests.Ingest;

/// <summary>
/// Random and hostile inputs for the CSV and NDJSON readers (CsCheck, shrinking a failure to a small input): random
/// bytes, invalid UTF-8, NUL bytes, unbalanced quotes, lines past the row limit, many columns, JSON nested deep, wrong
/// types. Every file is read to its end without an exception; every line is accounted for, as a record, a dead letter
/// or a blank line; a dead letter never holds more than the row limit. Each test prints how many inputs it tried.
/// </summary>
public sealed class ReaderFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int MaxRowBytes = 4096;
    // A short run in CI; STITCHER_FUZZ_ITERATIONS runs a long one.
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("STITCHER_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : 400;

    private static readonly FieldMapping s_csvMapping = new(new Dictionary<CanonicalAttribute, string>
    {
        [CanonicalAttribute.RecordId] = "id",
        [CanonicalAttribute.GivenName] = "name",
        [CanonicalAttribute.Email] = "email",
    });

    private static readonly FieldMapping s_jsonMapping = new(new Dictionary<CanonicalAttribute, string>
    {
        [CanonicalAttribute.RecordId] = "id",
        [CanonicalAttribute.GivenName] = "user.name",
        [CanonicalAttribute.Email] = "user.contact.email",
    });

    private readonly TempDirectory _temp = new();
    private int _files;

    public void Dispose() => _temp.Dispose();

    // Pieces a CSV body is made of, weighted towards the ones that change the parser's state.
    private static readonly Gen<byte[]> s_csvPiece = Gen.Frequency(
        (20, Gen.Const("a"u8.ToArray())),
        (10, Gen.Const(","u8.ToArray())),
        (8, Gen.Const("\""u8.ToArray())),
        (8, Gen.Const("\n"u8.ToArray())),
        (3, Gen.Const("\r\n"u8.ToArray())),
        (2, Gen.Const("\r"u8.ToArray())),
        (3, Gen.Const(" "u8.ToArray())),
        (3, Gen.Const("é"u8.ToArray())),
        (2, Gen.Const(new byte[] { 0 })),
        (2, Gen.Const(new byte[] { 0xFF })),
        (2, Gen.Const(new byte[] { 0xC3 })),
        (3, Gen.Byte.Array[1, 8]),
        (1, Gen.Int[MaxRowBytes / 2, MaxRowBytes * 3].Select(n => Encoding.ASCII.GetBytes(new string('x', n)))),
        (1, Gen.Int[100, 5000].Select(n => Encoding.ASCII.GetBytes(new string(',', n)))));

    private static readonly Gen<byte[]> s_csvBody = s_csvPiece.Array[0, 200].Select(Concat);

    private static readonly Gen<byte[]> s_jsonLine = Gen.Frequency(
        (10, Gen.Select(Gen.Int[0, 999], Gen.String[Gen.Char.AlphaNumeric, 0, 12], (id, name) => Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\",\"user\":{{\"name\":\"{name}\",\"contact\":{{\"email\":\"{name}@x.org\"}}}}}}"))),
        (3, Gen.Const("{\"id\":7,\"user\":{\"name\":true,\"contact\":{\"email\":null}}}"u8.ToArray())),
        (3, Gen.Const("{\"id\":[1,2],\"user\":{\"name\":{\"first\":\"a\"}}}"u8.ToArray())),
        (2, Gen.Const("[1,2,3]"u8.ToArray())),
        (2, Gen.Const("{\"id\":\"1\",}"u8.ToArray())),
        (2, Gen.Int[10, 12_000].Select(depth => Encoding.ASCII.GetBytes(new string('[', depth) + new string(']', depth)))),
        (2, Gen.Int[10, 12_000].Select(depth => Encoding.ASCII.GetBytes("{\"id\":" + string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth) + "}"))),
        (2, Gen.Const(new byte[] { (byte)'{', 0, (byte)'}' })),
        (2, Gen.Const(new byte[] { (byte)'{', (byte)'"', (byte)'i', (byte)'d', (byte)'"', (byte)':', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)'}' })),
        (1, Gen.Int[MaxRowBytes, MaxRowBytes * 3].Select(n => Encoding.ASCII.GetBytes("{\"id\":\"" + new string('x', n) + "\"}"))),
        (3, Gen.Byte.Array[0, 40]),
        (2, Gen.Const(""u8.ToArray())));

    private static readonly Gen<byte[]> s_jsonBody = s_jsonLine.Array[0, 60].Select(lines => Concat([.. lines.SelectMany(l => new[] { l, "\n"u8.ToArray() })]));

    [Fact]
    public async Task Csv_RandomAndHostileBodies_AreReadToTheEndWithEveryLineAccountedFor()
    {
        var tried = 0;
        await s_csvBody.SampleAsync(async body =>
        {
            Interlocked.Increment(ref tried);
            var bytes = Concat(["id,name,email\n"u8.ToArray(), body]);
            if (bytes.AsSpan().IndexOf((byte)'\r') >= 0 && bytes.AsSpan().IndexOf((byte)'\n') < 0)
            {
                return;
            }
            var path = Write(bytes, "csv");
            var sink = new RecordingSink();
            SourcePosition end;
            try
            {
                end = await new CsvChannelReader(s_csvMapping, maxRowBytes: MaxRowBytes).ReadAsync(path, SourcePosition.Start, sink, finalRead: true, CancellationToken.None);
            }
            catch (ChannelFormatException)
            {
                // A file refused as a whole (CR-only line endings) is reported, not read: allowed.
                return;
            }
            AssertAccountedFor(bytes, end, sink, MaxRowBytes * 2);
        }, iter: Iterations, threads: 1, print: Convert.ToBase64String);
        output.WriteLine($"CSV: {tried:N0} inputs tried");
        Assert.True(tried >= Iterations);
    }

    [Fact]
    public async Task Ndjson_RandomAndHostileLines_AreReadToTheEndWithEveryLineAccountedFor()
    {
        var tried = 0;
        await s_jsonBody.SampleAsync(async body =>
        {
            Interlocked.Increment(ref tried);
            var path = Write(body, "ndjson");
            var sink = new RecordingSink();
            SourcePosition end;
            try
            {
                end = await new NdjsonChannelReader(s_jsonMapping, MaxRowBytes).ReadAsync(path, SourcePosition.Start, sink, finalRead: true, CancellationToken.None);
            }
            catch (ChannelFormatException)
            {
                return;
            }
            AssertAccountedFor(body, end, sink, MaxRowBytes * 2);
        }, iter: Iterations, threads: 1, print: Convert.ToBase64String);
        output.WriteLine($"NDJSON: {tried:N0} inputs tried");
        Assert.True(tried >= Iterations);
    }

    [Fact]
    public async Task Csv_HundredThousandColumns_IsOneDeadLetterOrOneRecord_NeverACrash()
    {
        var path = Write(Encoding.ASCII.GetBytes("id,name,email\n1," + new string(',', 100_000) + "\n2,Ann,a@x.org\n"), "csv");
        var sink = new RecordingSink();

        await new CsvChannelReader(s_csvMapping).ReadAsync(path, SourcePosition.Start, sink, finalRead: true, CancellationToken.None);

        Assert.Equal(["2"], sink.Records.Select(r => r.Values[(int)CanonicalAttribute.RecordId]));
        Assert.Equal(2, Assert.Single(sink.Malformed).Line);
    }

    /// <summary>The whole file was consumed, line numbers only rise, and no more rows came out than the file has lines.</summary>
    private static void AssertAccountedFor(byte[] bytes, SourcePosition end, RecordingSink sink, int maxRawChars)
    {
        Assert.Equal(bytes.Length, end.ByteOffset);
        var lines = bytes.Count(b => b == (byte)'\n') + (bytes.Length > 0 && bytes[^1] != (byte)'\n' ? 1 : 0);
        var all = sink.Records.Select(r => r.Line).Concat(sink.Malformed.Select(m => m.Line)).Order().ToList();
        Assert.True(all.Count <= lines, $"{all.Count} rows out of {lines} lines");
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.True(all.All(line => line >= 1 && line <= lines), $"lines {string.Join(' ', all)} of {lines} in {Convert.ToBase64String(bytes)}");
        Assert.All(sink.Malformed, m => Assert.True((m.Raw?.Length ?? 0) <= maxRawChars, $"a dead letter of {m.Raw?.Length} characters"));
    }

    private string Write(byte[] bytes, string extension)
    {
        var path = _temp.File($"fuzz-{Interlocked.Increment(ref _files)}.{extension}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Concat(byte[][] parts)
    {
        var total = 0;
        foreach (var part in parts)
        {
            total += part.Length;
        }
        var bytes = new byte[total];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(bytes, at);
            at += part.Length;
        }
        return bytes;
    }
}
