using Stitcher.Engine.Matching;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Tests.Matching;

public sealed class BlockingTests
{
    [Theory]
    // A typo in the surname, a swapped given name/surname, a changed address, a wrong birth year.
    [InlineData("john,smith,1980-01-02,4011", "john,smyth,1980-01-02,4011")]
    [InlineData("john,smith,1980-01-02,4011", "smith,john,1980-01-02,4011")]
    [InlineData("john,smith,1980-01-02,4011", "john,smith,1980-01-02,2600")]
    [InlineData("john,smith,1980-01-02,4011", "john,smith,1981-01-02,4011")]
    [InlineData("john,smith,1980-01-02,4011", "jon,smith,,4011")]
    public void Candidates_KnownTruePairWithOneError_AreCompared(string left, string right)
    {
        var index = new CandidateIndex();
        index.Add(Record("a", left));
        var candidates = new List<int>();

        index.Candidates(Record("b", right), candidates);

        Assert.Equal([0], candidates);
    }

    [Fact]
    public void Candidates_UnrelatedPeople_AreNotCompared()
    {
        var index = new CandidateIndex();
        index.Add(Record("a", "john,smith,1980-01-02,4011"));
        var candidates = new List<int>();

        index.Candidates(Record("b", "mary,jones,1955-07-30,2600"), candidates);

        Assert.Empty(candidates);
    }

    [Fact]
    public void Add_BlockPastTheCap_StopsProducingCandidatesAndIsCounted()
    {
        var index = new CandidateIndex(maxBlockSize: 3);
        for (var i = 0; i < 5; i++)
        {
            // Same birth date only: every other key differs.
            index.Add(Record("r" + i, $"given{i},family{i},1970-01-01,{1000 + i}"));
        }
        var candidates = new List<int>();

        index.Candidates(Record("x", "zed,zulu,1970-01-01,9999"), candidates);

        Assert.Empty(candidates);
        Assert.True(index.OversizedBlocks >= 1);
    }

    [Fact]
    public void Candidates_OverTheBudget_ScanMostSelectiveBlocksFirstAndSkipTheCommonName()
    {
        var small = new CandidateIndex(maxCandidates: 3);
        var large = new CandidateIndex(maxCandidates: 100);
        for (var i = 0; i < 10; i++)
        {
            // Ten namesakes born on other days, in other places.
            var namesake = Record("n" + i, $"minjun,kim,{1960 + i}-0{1 + (i % 9)}-1{i},{2000 + i}");
            small.Add(namesake);
            large.Add(namesake);
        }
        var twin = Record("t", "minjun,kim,1985-03-12,4011");
        small.Add(twin);
        large.Add(twin);
        var candidates = new List<int>();

        small.Candidates(Record("x", "minjun,kim,1985-03-12,9999"), candidates);
        Assert.Equal([10], candidates);
        Assert.True(small.BlocksOverBudget >= 1);

        large.Candidates(Record("x", "minjun,kim,1985-03-12,9999"), candidates);
        Assert.Equal(11, candidates.Count);
        Assert.Equal(0, large.BlocksOverBudget);
    }

    [Fact]
    public void Candidates_RecordReplacedManyTimes_OldVersionsDoNotCrowdItsBlocksOutOfTheBudget()
    {
        var index = new CandidateIndex(maxCandidates: 4);
        for (var version = 0; version < 10; version++)
        {
            // Ten versions of one record: each replaces the one before it.
            var position = index.Add(Record("r" + version, "kim,lee,1980-01-02,4011"));
            if (position > 0)
            {
                index.Remove(position - 1);
            }
        }
        var candidates = new List<int>();

        index.Candidates(Record("x", "kim,lee,1980-01-02,4011"), candidates);

        Assert.Equal([9], candidates);
    }

    [Fact]
    public void Candidates_WithEstimates_TheSamePairsInEveryArrivalOrder()
    {
        // Dense namesakes: three names, few birth dates and postcodes, so that every record has more candidates than
        // the budget and which blocks it takes decides which pairs are compared.
        var records = Namesakes(120);
        var estimates = BlockSizeEstimates.Count(records, scale: 1, minStored: 2);
        var byEstimates = new HashSet<string>();
        var byArrival = new HashSet<string>();
        for (var permutation = 0; permutation < 20; permutation++)
        {
            var shuffled = records.ToArray();
            new Random(permutation).Shuffle(shuffled);
            byEstimates.Add(PairSet(shuffled, estimates));
            byArrival.Add(PairSet(shuffled, estimates: null));
        }

        Assert.Single(byEstimates);
        // Without estimates the budget spends the sizes found on arrival: the same records give other pairs.
        Assert.True(byArrival.Count > 1);
    }

    [Fact]
    public void Candidates_WithEstimates_APairIsComparedThroughAKeyBothChose()
    {
        // Six namesakes with birth dates of their own, and a seventh record with the name and the first one's birth
        // date. The name key is estimated at 7 records (6 comparisons). The first and the seventh spend 4 of their
        // budget of 6 on the four date keys they share, so neither takes the name key; the five others take it.
        var (records, late) = NamesakesAndLate();
        var estimates = BlockSizeEstimates.Count([.. records, late], scale: 1, minStored: 2);
        var index = new CandidateIndex(maxCandidates: 6, estimates: estimates);
        foreach (var record in records)
        {
            index.Add(record);
        }
        var candidates = new List<int>();

        index.Candidates(late, candidates);

        // n0 through the date keys both chose; n1–n5 chose the name key, which the late record did not.
        Assert.Equal([0], candidates);
        index.Candidates(Record("n9", "minjun,kim,1999-09-19,4000"), candidates);
        Assert.Equal([1, 2, 3, 4, 5], candidates);
    }

    [Fact]
    public void Candidates_WithEstimates_AStoreLargerThanTheModelKnowsScalesThemUp()
    {
        var (records, late) = NamesakesAndLate();
        var estimates = BlockSizeEstimates.Count([.. records, late], scale: 1, minStored: 2);
        Assert.Equal(7, estimates.Population);
        // A budget of 12: the name key (6 comparisons) fits while the index holds the 7 records the estimates describe.
        var index = new CandidateIndex(maxCandidates: 12, estimates: estimates);
        var candidates = new List<int>();
        foreach (var record in records)
        {
            index.Add(record);
        }
        index.Add(late);
        Assert.Equal(1, index.Growth);
        var namesake = Record("n9", "minjun,kim,1999-09-19,4000");
        index.Candidates(namesake, candidates);
        // With room for it, every namesake took the name key.
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], candidates);

        // The eighth record doubles the estimates: the name key now costs 13 comparisons, past the budget.
        index.Add(Record("other", "seoyeon,park,1970-01-01,5000"));

        Assert.Equal(2, index.Growth);
        index.Candidates(namesake, candidates);
        Assert.Empty(candidates);
    }

    private static (List<MatchRecord> Namesakes, MatchRecord Late) NamesakesAndLate()
    {
        var records = new List<MatchRecord>();
        for (var i = 0; i < 6; i++)
        {
            records.Add(Record("n" + i, $"minjun,kim,{1960 + i}-0{1 + i}-1{i},{2000 + i}"));
        }
        return (records, Record("x", "minjun,kim,1960-01-10,9999"));
    }

    [Fact]
    public void Estimates_PackedAndRead_GiveTheSameSizes()
    {
        var records = Namesakes(60);
        var counted = BlockSizeEstimates.Count(records, scale: 4, minStored: 2);
        var read = new BlockSizeEstimates { Scale = counted.Scale, MinStored = counted.MinStored, Keys = counted.Keys, Packed = counted.Packed };
        Span<ulong> keys = stackalloc ulong[Blocking.MaxKeys];
        var checkedKeys = 0;

        foreach (var record in records)
        {
            var count = Blocking.Keys(record, keys);
            for (var k = 0; k < count; k++)
            {
                Assert.Equal(counted[keys[k]], read[keys[k]]);
                checkedKeys++;
            }
        }

        Assert.True(counted.Keys > 0);
        Assert.True(checkedKeys > counted.Keys);
        // Scaled: each key of the 60 records stands for four times as many.
        var unscaled = BlockSizeEstimates.Count(records, scale: 1, minStored: 2);
        var count0 = Blocking.Keys(records[0], keys);
        for (var k = 0; k < count0; k++)
        {
            Assert.Equal(unscaled[keys[k]] == 1 ? 1 : unscaled[keys[k]] * 4, counted[keys[k]]);
        }
    }

    private static List<MatchRecord> Namesakes(int count)
    {
        string[] given = ["minjun", "seoyeon", "jiho"];
        var records = new List<MatchRecord>();
        for (var i = 0; i < count; i++)
        {
            records.Add(Record("r" + i, $"{given[i % 3]},kim,19{70 + (i % 7)}-0{1 + (i % 5)}-1{i % 4},{4000 + (i % 6)}"));
        }
        return records;
    }

    private static string PairSet(IReadOnlyList<MatchRecord> records, BlockSizeEstimates? estimates)
    {
        var pairs = new List<string>();
        CandidateIndex.ForEachCandidatePair(records, (a, b) =>
            pairs.Add(string.CompareOrdinal(a.Key, b.Key) < 0 ? a.Key + "-" + b.Key : b.Key + "-" + a.Key), maxCandidates: 8, estimates: estimates);
        pairs.Sort(StringComparer.Ordinal);
        return string.Join(',', pairs);
    }

    [Fact]
    public void PrefetchAhead_AnyPositionsAndStep_ReadsNothingOutOfRange()
    {
        var index = new CandidateIndex();
        for (var i = 0; i < 5; i++)
        {
            index.Add(Record($"r{i}", $"john,smith,1980-01-0{i + 1},4011"));
        }
        // Positions past the index (a record added after the array was read), negative, and at the ends.
        int[] positions = [0, 4, 3, 99, -1, 2, 1, 1 << 20];

        for (var at = 0; at <= positions.Length; at++)
        {
            index.PrefetchAhead(positions, at);
        }
        index.PrefetchAhead([], 0);

        Assert.Equal("r4", index[4].Key);
    }

    private static MatchRecord Record(string key, string csv)
    {
        var parts = csv.Split(',');
        var values = new string?[CanonicalAttributes.Count];
        values[(int)CanonicalAttribute.GivenName] = parts[0];
        values[(int)CanonicalAttribute.Surname] = parts[1];
        values[(int)CanonicalAttribute.DateOfBirth] = parts[2].Length == 0 ? null : parts[2];
        values[(int)CanonicalAttribute.Postcode] = parts[3];
        return MatchRecord.From(key, values);
    }
}
