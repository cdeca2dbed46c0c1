using System.Text.Json;
using Stitcher.Engine.Pipeline;

namespace Stitcher.Engine.Tests.Pipeline;

public sealed class DeadLetterWriterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Write_RowsAnEarlierProcessDeadLettered_AreNotWrittenTwice()
    {
        // Lines 5 to 9 of a.csv, a file rejected whole, and a record given through the API.
        static void FirstRead(DeadLetterWriter writer)
        {
            writer.Write("crm", "/in/a.csv", 5, "phone", "not a phone number", "field_dropped", null);
            writer.Write("crm", "/in/a.csv", 5, "email", "not an email address", "field_dropped", null);
            writer.Write("crm", "/in/a.csv", 9, null, "no readable timestamp", "rejected", "x,y");
            writer.Write("crm", "/in/broken.csv", 0, "email", "mapped column 'email' is missing", "file_rejected", null);
            writer.Write("crm", "(api)", 0, "phone", "not a phone number", "field_dropped", null);
        }
        using (var first = new DeadLetterWriter(_temp.Path))
        {
            FirstRead(first);
            first.Flush();
        }

        // After a crash the rows after the last checkpoint (lines 5 to 12 here) are read again.
        using (var second = new DeadLetterWriter(_temp.Path))
        {
            FirstRead(second);
            second.Write("crm", "/in/a.csv", 12, "phone", "not a phone number", "field_dropped", null);
            second.Write("crm", "/in/a.csv", 12, "email", "not an email address", "field_dropped", null);
            second.Write("crm", "/in/b.csv", 5, "phone", "not a phone number", "field_dropped", null);
            second.Write("crm", "/in/broken.csv", 0, "email", "mapped column 'email' is missing", "file_rejected", null);
            second.Flush();
        }

        var entries = Entries();
        Assert.Equal(
        [
            "/in/a.csv:5:phone", "/in/a.csv:5:email", "/in/a.csv:9:", "/in/broken.csv:0:email", "(api):0:phone",
            "(api):0:phone", "/in/a.csv:12:phone", "/in/a.csv:12:email", "/in/b.csv:5:phone",
        ], entries);
    }

    [Fact]
    public void Write_AfterForgetOrAHalfWrittenLine_WritesAgainOnALineOfItsOwn()
    {
        using (var first = new DeadLetterWriter(_temp.Path))
        {
            first.Write("pos", "/in/p.csv", 3, "phone", "not a phone number", "field_dropped", null);
            first.Write("pos", "/in/p.csv", 900, "phone", "not a phone number", "field_dropped", null);
            first.Flush();
        }
        // A process killed while writing.
        File.AppendAllText(Path.Combine(_temp.Path, "pos.ndjson"), TornLine);

        using (var second = new DeadLetterWriter(_temp.Path))
        {
            second.Write("pos", "/in/p.csv", 3, "phone", "not a phone number", "field_dropped", null);
            // The file was truncated and is read from its start: its line 3 is a new row.
            second.Forget("pos", "/in/p.csv");
            second.Write("pos", "/in/p.csv", 3, "phone", "not a phone number", "field_dropped", null);
            second.Flush();
        }
        // Another process, after new rows were appended to the shorter file: the old content's lines are forgotten.
        File.AppendAllText(Path.Combine(_temp.Path, "pos.ndjson"), "null\n{\"file\":7,\"line\":\"x\"}\n");
        using (var third = new DeadLetterWriter(_temp.Path))
        {
            third.Write("pos", "/in/p.csv", 3, "phone", "not a phone number", "field_dropped", null);
            third.Write("pos", "/in/p.csv", 4, "phone", "not a phone number", "field_dropped", null);
            third.Flush();
        }

        // Line 4 is below the old content's 900, and still written.
        Assert.Equal(["/in/p.csv:3:phone", "/in/p.csv:900:phone", "/in/p.csv:0:", "/in/p.csv:3:phone", "/in/p.csv:4:phone"], Entries("pos"));
    }

    [Fact]
    public void Write_KilledBetweenTwoIssuesOfOneRow_TheMissingIssueIsWrittenOnTheReread()
    {
        using (var first = new DeadLetterWriter(_temp.Path))
        {
            first.Write("crm", "/in/a.csv", 4, "phone", "not a phone number", "field_dropped", null);
            first.Write("crm", "/in/a.csv", 5, "phone", "not a phone number", "field_dropped", null);
            first.Flush();
        }
        // Line 5's email issue never reached the disk.

        using (var second = new DeadLetterWriter(_temp.Path))
        {
            second.Write("crm", "/in/a.csv", 4, "phone", "not a phone number", "field_dropped", null);
            second.Write("crm", "/in/a.csv", 4, "email", "not an email address", "field_dropped", null);
            second.Write("crm", "/in/a.csv", 5, "phone", "not a phone number", "field_dropped", null);
            second.Write("crm", "/in/a.csv", 5, "email", "not an email address", "field_dropped", null);
            second.Flush();
        }

        // Line 4 was complete before line 5 began; line 5 gets its missing issue.
        Assert.Equal(["/in/a.csv:4:phone", "/in/a.csv:5:phone", "/in/a.csv:5:email"], Entries());
    }

    private const string TornLine = "{\"at\":\"2026-11-";

    private List<string> Entries(string channel = "crm")
    {
        var entries = new List<string>();
        foreach (var line in File.ReadLines(Path.Combine(_temp.Path, channel + ".ndjson")))
        {
            if (line == TornLine || !line.StartsWith('{') || !line.Contains("\"at\"", StringComparison.Ordinal))
            {
                // The torn line stays as it was and must not swallow the next entry; lines of other tools are left alone.
                continue;
            }
            using var entry = JsonDocument.Parse(line);
            var root = entry.RootElement;
            entries.Add($"{root.GetProperty("file").GetString()}:{root.GetProperty("line").GetInt64()}:{root.GetProperty("field").GetString()}");
        }
        return entries;
    }
}
