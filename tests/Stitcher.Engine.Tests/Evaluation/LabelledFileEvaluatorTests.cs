using Stitcher.Engine.Evaluation;

namespace Stitcher.Engine.Tests.Evaluation;

/// <summary>End to end on labelled files: FEBRL from ../shared/datasets beside the repository, and small traps.</summary>
public sealed class LabelledFileEvaluatorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Evaluate_Febrl1_ReachesTheQualityFloor()
    {
        var report = await LabelledFileEvaluator.EvaluateAsync(Dataset("febrl1.csv"), "entity_id");

        Assert.Equal(1000, report.Records);
        Assert.Equal(500, report.Metrics.TruePairs);
        Assert.True(report.Metrics.F1 >= 0.99, $"F1 {report.Metrics.F1:F4} (precision {report.Metrics.Precision:F4}, recall {report.Metrics.Recall:F4})");
        Assert.True(report.Metrics.Precision >= 0.99, $"precision {report.Metrics.Precision:F4}");
    }

    [Fact]
    public async Task Evaluate_WithErrors_WritesEachFalseLinkWithItsEvidenceAndEachMissedPairWithWhatItShares()
    {
        var path = _temp.File("errors.csv");
        File.WriteAllLines(path,
        [
            "record_id,given_name,surname,phone,city,person",
            // Two people of one name behind one phone: the phone rule joins them.
            "r1,Mary,Lee,(415) 823-2993,Oakland,P1",
            "r2,Mary,Lee,(415) 823-2993,Fresno,P2",
            // One person whose two records share only a surname and a city: never linked.
            "r3,Sam,Park,,Boston,P3",
            "r4,Samantha,Park,,Boston,P3",
        ]);
        var errors = _temp.File("errors.ndjson");

        var report = await LabelledFileEvaluator.EvaluateAsync(path, "person", errorsOutput: errors);

        var lines = File.ReadAllLines(errors).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        var falseLink = Assert.Single(lines, l => l.GetProperty("type").GetString() == "false_link");
        Assert.Equal("identifier phone", falseLink.GetProperty("evidence").GetString());
        Assert.Equal(["eval:r1", "eval:r2"], new[] { falseLink.GetProperty("record").GetString(), falseLink.GetProperty("other_record").GetString() }.Order());
        var missed = Assert.Single(lines, l => l.GetProperty("type").GetString() == "missed_pair");
        Assert.Equal(["surname", "city"], missed.GetProperty("shared").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, report.Errors!.FalsePairs);
        Assert.Equal([("identifier phone", 1L)], report.Errors.FalseLinks);
        Assert.Equal([("surname+city", 1L)], report.Errors.MissedPairs);
    }

    [Fact]
    public async Task Evaluate_TwinsAtOneAddress_AreNotMerged_NicknameAndMovedAddress_IsMerged()
    {
        var path = _temp.File("people.csv");
        var lines = new List<string> { "id,first_name,last_name,dob,street,city,zip,email,person" };
        // Background population so the model has non-matches to learn from.
        var random = new Random(7);
        string[] given = ["james", "mary", "john", "patricia", "robert", "linda", "michael", "susan", "david", "karen", "paul", "laura"];
        string[] family = ["smith", "jones", "taylor", "brown", "wilson", "evans", "thomas", "roberts", "walker", "wright", "hall", "clarke"];
        for (var p = 0; p < 300; p++)
        {
            var first = given[random.Next(given.Length)];
            var last = family[random.Next(family.Length)];
            var dob = $"19{random.Next(40, 99)}-{random.Next(1, 13):00}-{random.Next(1, 29):00}";
            var street = $"{random.Next(1, 200)} {family[random.Next(family.Length)]} street";
            var zip = $"{random.Next(10000, 99999)}";
            lines.Add($"p{p}a,{first},{last},{dob},{street},springfield,{zip},{first}.{last}{p}@example.org,P{p}");
            if (p % 2 == 0)
            {
                lines.Add($"p{p}b,{first},{last},{dob},{street},springfield,{zip},,P{p}");
            }
        }
        // Twins: same surname, address, birth date and landline-era email domain; different given names.
        lines.Add("t1,olivia,hargreaves,1990-05-17,12 high street,bristol,40100,,TWIN1");
        lines.Add("t2,amelia,hargreaves,1990-05-17,12 high street,bristol,40100,,TWIN2");
        // One person: a nickname, and a new address after moving; the same email.
        lines.Add("n1,robert,fairweather,1971-02-03,4 mill lane,leeds,40200,bob.fairweather@example.org,ROB");
        lines.Add("n2,bob,fairweather,1971-02-03,88 station road,york,40300,bob.fairweather@example.org,ROB");
        File.WriteAllLines(path, lines);

        var report = await LabelledFileEvaluator.EvaluateAsync(path, "person");
        var profiles = report.ProfileByRecord;

        Assert.NotEqual(profiles["t1"], profiles["t2"]);
        Assert.Equal(profiles["n1"], profiles["n2"]);
        Assert.True(report.Metrics.F1 >= 0.95, $"F1 {report.Metrics.F1:F4}");
    }

    [Fact]
    public async Task Evaluate_PlaceholderEmailAndCallCentrePhone_DoNotMergeStrangers()
    {
        var path = _temp.File("placeholders.csv");
        var lines = new List<string> { "id,first_name,last_name,dob,email,phone,person" };
        string[] given = ["ava", "ben", "cara", "dan", "eve", "finn", "gia", "hugo", "iris", "jude", "kai", "lena"];
        string[] family = ["stone", "reed", "frost", "lake", "moss", "vale", "wood", "hale", "cole", "dunn"];
        var random = new Random(3);
        for (var p = 0; p < 240; p++)
        {
            var first = given[p % given.Length];
            var last = family[(p / given.Length) % family.Length];
            var dob = $"19{random.Next(40, 99)}-{random.Next(1, 13):00}-{random.Next(1, 29):00}";
            // Every fifth person gave the shop's placeholders instead of their own details.
            var email = p % 5 == 0 ? "test@test.com" : $"{first}.{last}{p}@example.org";
            var phone = p % 5 == 0 ? "+14155550100" : $"+1415{random.Next(2000000, 9999999)}";
            lines.Add($"p{p}a,{first},{last},{dob},{email},{phone},P{p}");
            lines.Add($"p{p}b,{first},{last},{dob},{email},{phone},P{p}");
        }
        File.WriteAllLines(path, lines);

        var report = await LabelledFileEvaluator.EvaluateAsync(path, "person");

        Assert.True(report.Metrics.Precision >= 0.99, $"precision {report.Metrics.Precision:F4}: strangers merged through a placeholder");
        Assert.True(report.Metrics.Recall >= 0.99, $"recall {report.Metrics.Recall:F4}");
        Assert.Equal(report.ProfileByRecord["p0a"], report.ProfileByRecord["p0b"]);
        Assert.NotEqual(report.ProfileByRecord["p0a"], report.ProfileByRecord["p5a"]);
    }

    [Fact]
    public async Task Evaluate_NoRecordIdColumnAndLoyaltyIdsOnly_LinksByTheTrustedIdentifier()
    {
        var path = _temp.File("loyalty.csv");
        var lines = new List<string> { "name,loyalty_no,updated_at,person" };
        for (var p = 0; p < 50; p++)
        {
            // The same loyalty card under a shop nickname and a formal name; the timestamp is sometimes junk.
            lines.Add($"customer {p},L{p:000},2026-01-01,P{p}");
            lines.Add($"cust. #{p},L{p:000},{(p % 5 == 0 ? "not a date" : "2026-02-01")},P{p}");
        }
        File.WriteAllLines(path, lines);

        var report = await LabelledFileEvaluator.EvaluateAsync(path, "person");

        Assert.Equal(0, report.Rejected);
        Assert.Equal(1.0, report.Metrics.F1);
        Assert.Equal(report.ProfileByRecord["loyalty.csv:2"], report.ProfileByRecord["loyalty.csv:3"]);
    }

    [Fact]
    public async Task Evaluate_MultiChannelWithoutDuplicatesInsideAChannel_DoesNotMergeNeighboursOrNamesakes()
    {
        // CRM holds each person once with full details; the shop holds the same people by name and phone only.
        // Names and birth dates never meet a second time within one channel, so EM alone has nothing to learn
        // "same person" from; many people share postcodes and common names.
        var path = _temp.File("channels.csv");
        var lines = new List<string> { "record_id,first_name,last_name,full_name,dob,street,city,zip,phone,person" };
        string[] given = ["mary", "john", "linda", "james"];
        string[] family = ["smith", "garcia", "jones"];
        var random = new Random(21);
        for (var p = 0; p < 1500; p++)
        {
            var first = given[random.Next(given.Length)];
            var last = family[random.Next(family.Length)];
            var zip = $"9{random.Next(10, 15)}00";
            var phone = $"+1415{random.Next(2000000, 9999999)}";
            var dob = $"19{random.Next(40, 99)}-{random.Next(1, 13):00}-{random.Next(1, 29):00}";
            lines.Add($"crm-{p},{first},{last},,{dob},{random.Next(1, 400)} {family[random.Next(family.Length)]} street,springfield,{zip},{phone},P{p}");
            if (p % 10 == 0)
            {
                lines.Add($"pos-{p},,,{first} {last},,,,,{phone},P{p}");
            }
        }
        File.WriteAllLines(path, lines);

        var report = await LabelledFileEvaluator.EvaluateAsync(path, "person");

        Assert.True(report.Metrics.Precision >= 0.98, $"precision {report.Metrics.Precision:F4} recall {report.Metrics.Recall:F4}");
        Assert.True(report.Metrics.Recall >= 0.95, $"recall {report.Metrics.Recall:F4}");
    }

    internal static string Dataset(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "datasets", "febrl", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
            directory = directory.Parent;
        }
        throw new FileNotFoundException($"FEBRL dataset {name} not found in a shared/datasets/febrl folder above {AppContext.BaseDirectory}.");
    }
}
