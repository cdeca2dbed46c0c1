using Stitcher.Engine.Configuration;
using Stitcher.Engine.Evaluation;
using Stitcher.Engine.Matching;
using Stitcher.Engine.Tests.Evaluation;

namespace Stitcher.Engine.Tests.Matching;

/// <summary>Probabilistic linking inside the engine: online, across restarts, with the review queue.</summary>
public sealed class OnlineMatchingTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Ingest_HalvesWithARestartBetween_SameClustersAndIdsAsOneBatch()
    {
        var lines = File.ReadAllLines(LabelledFileEvaluatorTests.Dataset("febrl1.csv"));
        var header = lines[0];
        Directory.CreateDirectory(_temp.File("whole"));
        Directory.CreateDirectory(_temp.File("halves"));
        File.WriteAllLines(_temp.File("whole/all.csv"), lines);
        File.WriteAllLines(_temp.File("halves/a.csv"), lines.Take(501));
        File.WriteAllLines(_temp.File("halves/b.csv"), new[] { header }.Concat(lines.Skip(501)));
        var ids = lines.Skip(1).Select(l => l[..l.IndexOf(',')]).ToList();

        var batch = Options("whole", "batch-data");
        var training = await ModelTraining.TrainAsync(batch, [("eval", _temp.File("whole/all.csv"))]);
        var online = Options("halves", "online-data");
        Directory.CreateDirectory(_temp.File("online-data"));
        File.Copy(training.ModelPath, StitcherEngine.ModelPath(online));

        Dictionary<string, string> batchProfiles;
        await using (var engine = new StitcherEngine(batch))
        {
            Assert.True(engine.ProbabilisticMatching);
            await engine.RunOnceAsync();
            batchProfiles = ids.ToDictionary(id => id, id => engine.FindProfileIdByRecord("eval", id)!);
        }
        await using (var engine = new StitcherEngine(online))
        {
            await engine.IngestFileAsync("eval", _temp.File("halves/a.csv"));
        }
        await using (var reopened = new StitcherEngine(online))
        {
            // The second half is compared with the first half's records, re-indexed from the store.
            await reopened.IngestFileAsync("eval", _temp.File("halves/b.csv"));
            foreach (var id in ids)
            {
                Assert.Equal(batchProfiles[id], reopened.FindProfileIdByRecord("eval", id));
            }
        }
        // And the clusters are the right ones: febrl1 is 500 pairs.
        Assert.Equal(500, batchProfiles.Values.Distinct().Count());
    }

    [Fact]
    public async Task Ingest_LabelledFileShuffled_SameClustersAndIdsEveryTime()
    {
        var lines = File.ReadAllLines(LabelledFileEvaluatorTests.Dataset("febrl2.csv"));
        Directory.CreateDirectory(_temp.File("whole"));
        File.WriteAllLines(_temp.File("whole/all.csv"), lines);
        var training = await ModelTraining.TrainAsync(Options("whole", "model-data"), [("eval", _temp.File("whole/all.csv"))]);
        var ids = lines.Skip(1).Select(l => l[..l.IndexOf(',')]).ToList();
        var random = new Random(99);
        Dictionary<string, string>? expected = null;
        for (var run = 0; run < 4; run++)
        {
            var folder = $"shuffled{run}";
            Directory.CreateDirectory(_temp.File(folder));
            File.WriteAllLines(_temp.File($"{folder}/all.csv"), new[] { lines[0] }.Concat(lines.Skip(1).OrderBy(_ => random.Next())));
            var options = Options(folder, $"data{run}");
            Directory.CreateDirectory(_temp.File($"data{run}"));
            File.Copy(training.ModelPath, StitcherEngine.ModelPath(options));
            await using var engine = new StitcherEngine(options);
            await engine.RunOnceAsync();
            var assignment = ids.ToDictionary(id => id, id => engine.FindProfileIdByRecord("eval", id)!);
            if (expected is null)
            {
                expected = assignment;
                continue;
            }
            var differing = ids.Where(id => expected[id] != assignment[id]).ToList();
            Assert.True(differing.Count == 0, $"run {run}: {differing.Count} records in other profiles, e.g. {string.Join(", ", differing.Take(5))}");
        }
    }

    [Fact]
    public async Task Ingest_ScoredInParallelPerBatch_SameLinksReviewsAndEvidenceAsOneRecordPerBatch()
    {
        // Batches are scored against the stored records on all cores before they are linked one by one; one
        // record per batch leaves nothing to score ahead. Both must find the same pairs and make the same links.
        var lines = File.ReadAllLines(LabelledFileEvaluatorTests.Dataset("febrl2.csv"));
        Directory.CreateDirectory(_temp.File("whole"));
        File.WriteAllLines(_temp.File("whole/all.csv"), lines);
        var training = await ModelTraining.TrainAsync(Options("whole", "model-data"), [("eval", _temp.File("whole/all.csv"))]);
        var ids = lines.Skip(1).Select(l => l[..l.IndexOf(',')]).ToList();
        var outcomes = new List<(Dictionary<string, string> Profiles, List<string> Reviews, Dictionary<string, string> Evidence, long Pairs)>();
        foreach (var batchSize in (int[])[1, 1000])
        {
            var options = Options("whole", $"batch{batchSize}");
            options.BatchSize = batchSize;
            Directory.CreateDirectory(_temp.File($"batch{batchSize}"));
            File.Copy(training.ModelPath, StitcherEngine.ModelPath(options));
            await using var engine = new StitcherEngine(options);
            await engine.RunOnceAsync();
            outcomes.Add((
                ids.ToDictionary(id => id, id => engine.FindProfileIdByRecord("eval", id)!),
                engine.ListReviews().Select(r => $"{r.RecordA}|{r.RecordB}|{r.Probability:R}|{string.Join(',', r.Agreement)}").Order(StringComparer.Ordinal).ToList(),
                ids.ToDictionary(id => id, id => string.Join(";", engine.ExplainRecord("eval", id)!.Members.Single(m => m.RecordId == id).Evidence
                    .Select(e => $"{e.Kind}:{e.OtherRecord}:{e.Probability:R}:{string.Join(',', e.Levels ?? new Dictionary<string, string>())}")
                    .Order(StringComparer.Ordinal))),
                engine.PairsScored));
        }

        var (one, many) = (outcomes[0], outcomes[1]);
        Assert.Equal(one.Pairs, many.Pairs);
        Assert.Equal(one.Reviews, many.Reviews);
        Assert.Equal(one.Profiles, many.Profiles);
        Assert.Equal(one.Evidence, many.Evidence);
        Assert.Contains(one.Evidence.Values, e => e.Contains("probabilistic", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ingest_RecordChangedBeforeAndAfterARestart_ReplacesItsStoredVersionEachTime()
    {
        // Linking skips the store read for a key the matcher does not index (a new record). A changed record sent
        // again must still be found and replaced: in the same run, and after a restart, whose matcher is rebuilt
        // from the store.
        var rows = PeopleWithNamesakes();
        long records;
        long profiles;
        static Dictionary<string, string?> Moved(string street) => new()
        {
            ["id"] = "b3a", ["first_name"] = "ana", ["last_name"] = "ruiz", ["dob"] = "1970-01-02", ["street"] = street, ["city"] = "town7", ["zip"] = "12345",
        };
        await using (var engine = await TrainAndRunAsync(rows, new MatchingOptions()))
        {
            Assert.True(engine.ProbabilisticMatching);
            records = engine.TotalRecords;
            profiles = engine.TotalProfiles;
            Assert.True((await engine.IngestRecordAsync("people", Moved("1 new street"))).Accepted);
            Assert.Equal(records, engine.TotalRecords);
        }
        await using (var reopened = new StitcherEngine(PeopleOptions(_temp.File("people.csv"), new MatchingOptions())))
        {
            Assert.True(reopened.ProbabilisticMatching);
            Assert.True((await reopened.IngestRecordAsync("people", Moved("2 newer street"))).Accepted);

            Assert.Equal(records, reopened.TotalRecords);
            var profile = reopened.ExplainRecord("people", "b3a")!;
            Assert.Single(profile.Members, member => member.RecordId == "b3a");
            // Its earlier partner b3b keeps its own profile or this one; either way no profile was added twice.
            Assert.InRange(reopened.TotalProfiles, profiles, profiles + 1);
        }
    }

    [Fact]
    public async Task Review_NamesakesWithACommonNameAndNothingElse_AreQueuedNotLinked()
    {
        var rows = PeopleWithNamesakes();
        rows.Add("m1,maria,garcia,,,,");
        rows.Add("m2,maria,garcia,,,,");
        // A wide review band, so the namesakes' weak evidence is queued for a person to look at; and a candidate
        // budget above the 82 Maria Garcias, so the name-only records are compared at all.
        await using var engine = await TrainAndRunAsync(rows, new MatchingOptions { ReviewThreshold = 1e-6, MaxCandidates = 200 });

        Assert.NotEqual(engine.FindProfileIdByRecord("people", "m1"), engine.FindProfileIdByRecord("people", "m2"));
        Assert.Equal(engine.FindProfileIdByRecord("people", "b7a"), engine.FindProfileIdByRecord("people", "b7b"));
        Assert.NotEqual(engine.FindProfileIdByRecord("people", "b10a"), engine.FindProfileIdByRecord("people", "b20a"));
        var queued = engine.ListReviews();
        Assert.Contains(queued, r => r.RecordA == "people:m1" && r.RecordB == "people:m2" && r.Agreement["GivenName"] == "exact");
    }

    [Fact]
    public async Task Link_NameOnlyRecordWithARareName_JoinsNobodyAndChainsNoNamesakes()
    {
        // Two people share a name the model has never seen (its term frequency makes an exact match worth the most
        // it allows), each complete and twice; then receipts carrying nothing but that name. A name alone never
        // links: joined to both, a receipt would chain the two people into one profile (seen at a million records,
        // where a hundred people called 권건우 / Gunwoo Kwon became one).
        var rows = PeopleWithNamesakes();
        rows.Add("x1a,wojciech,brzeczyszczykiewicz,1971-03-14,12 linden street,town1,11111");
        rows.Add("x1b,wojciech,brzeczyszczykiewicz,1971-03-14,12 linden st,town1,11111");
        rows.Add("x2a,wojciech,brzeczyszczykiewicz,1988-11-02,7 harbour road,town2,22222");
        rows.Add("x2b,wojciech,brzeczyszczykiewicz,1988-11-02,7 harbour rd,town2,22222");
        rows.Add("r1,wojciech,brzeczyszczykiewicz,,,,");
        rows.Add("r2,wojciech,brzeczyszczykiewicz,,,,");
        // The rare name scores about 0.95 here; at a lower link threshold the model would link on it.
        await using var engine = await TrainAndRunAsync(rows, new MatchingOptions { LinkThreshold = 0.8 });

        var first = engine.FindProfileIdByRecord("people", "x1a");
        var second = engine.FindProfileIdByRecord("people", "x2a");
        Assert.Equal(first, engine.FindProfileIdByRecord("people", "x1b"));
        Assert.Equal(second, engine.FindProfileIdByRecord("people", "x2b"));
        Assert.NotEqual(first, second);
        var receipts = new[] { engine.FindProfileIdByRecord("people", "r1"), engine.FindProfileIdByRecord("people", "r2") };
        Assert.DoesNotContain(first, receipts);
        Assert.DoesNotContain(second, receipts);
        Assert.NotEqual(receipts[0], receipts[1]);
        // The model was sure; the evidence says why it did not link.
        var evidence = engine.ExplainRecord("people", "r2")!.Members.Single(m => m.RecordId == "r2").Evidence;
        Assert.Contains(evidence, e => e.Kind == "refused" && e.OtherRecord == "people:x1a" && e.Probability >= 0.8);
    }

    /// <summary>
    /// Background people, each twice (one typo in the street), so the model sees matches and non-matches; many
    /// different people are called Maria Garcia, so the name alone is weak evidence.
    /// </summary>
    private static List<string> PeopleWithNamesakes()
    {
        string[] given = ["maria", "jose", "ana", "luis", "carmen", "juan", "rosa", "pedro", "elena", "jorge", "lucia", "pablo"];
        string[] family = ["garcia", "lopez", "martinez", "sanchez", "perez", "gomez", "diaz", "torres", "ruiz", "moreno"];
        var rows = new List<string> { "id,first_name,last_name,dob,street,city,zip" };
        var random = new Random(5);
        for (var i = 0; i < 400; i++)
        {
            var first = i % 10 == 0 ? "maria" : given[random.Next(given.Length)];
            var last = i % 10 == 0 ? "garcia" : family[random.Next(family.Length)];
            var dob = $"19{random.Next(40, 99)}-{random.Next(1, 13):00}-{random.Next(1, 29):00}";
            var street = $"{random.Next(1, 300)} {family[random.Next(family.Length)]} street";
            var town = $"town{random.Next(40)}";
            var zip = $"{random.Next(10000, 99999)}";
            rows.Add($"b{i}a,{first},{last},{dob},{street},{town},{zip}");
            rows.Add($"b{i}b,{first},{last},{dob},{street.Replace("street", "st", StringComparison.Ordinal)},{town},{zip}");
        }
        return rows;
    }

    private async Task<StitcherEngine> TrainAndRunAsync(List<string> rows, MatchingOptions matching)
    {
        var path = _temp.File("people.csv");
        File.WriteAllLines(path, rows);
        var options = PeopleOptions(path, matching);
        await ModelTraining.TrainAsync(options, [("people", path)]);
        var engine = new StitcherEngine(options);
        await engine.RunOnceAsync();
        return engine;
    }

    private StitcherOptions PeopleOptions(string path, MatchingOptions matching) => new()
    {
        BaseDirectory = _temp.Path,
        DataDirectory = "namesakes",
        Channels = { ["people"] = new ChannelOptions { Path = path, Mapping = { ["record_id"] = "id", ["given_name"] = "first_name", ["surname"] = "last_name", ["date_of_birth"] = "dob", ["street"] = "street", ["city"] = "city", ["postcode"] = "zip" } } },
        Store = new StoreOptions { IndexSizeBytes = 1 << 20, MemorySizeBytes = 1 << 24, PageSizeBytes = 1 << 20 },
        Matching = matching,
    };

    private StitcherOptions Options(string folder, string data) => new()
    {
        BaseDirectory = _temp.Path,
        DataDirectory = data,
        BatchSize = 100,
        Channels = { ["eval"] = new ChannelOptions { Path = folder, Pattern = "*.csv", Mapping = HeaderMapping.Infer(File.ReadLines(LabelledFileEvaluatorTests.Dataset("febrl1.csv")).First().Split(','), "entity_id", null) } },
        Store = new StoreOptions { IndexSizeBytes = 1 << 20, MemorySizeBytes = 1 << 24, PageSizeBytes = 1 << 20 },
    };
}
