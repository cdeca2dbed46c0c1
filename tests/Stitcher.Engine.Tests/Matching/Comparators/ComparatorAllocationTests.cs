using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Tests.Matching.Comparators;

/// <summary>The comparators run per candidate pair: none may allocate once warm.</summary>
public sealed class ComparatorAllocationTests
{
    private const int Rounds = 50;

    private static readonly string s_longA = new string('x', 120) + "smith";
    private static readonly string s_longB = new string('x', 120) + "smyth";
    private static readonly string s_longC = new('a', 150);

    [Fact]
    public void AllComparators_Warm_AllocateNothing()
    {
        var comparator = new NameComparator();
        RunAll(comparator);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Rounds; i++)
        {
            RunAll(comparator);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    private static int RunAll(NameComparator comparator)
    {
        var sum = 0.0;
        sum += JaroWinkler.Similarity("martha", "marhta");
        sum += JaroWinkler.Similarity(s_longA, s_longC);
        sum += DamerauLevenshtein.Distance("kitten", "sitting");
        sum += DamerauLevenshtein.Distance(s_longA, s_longB, 3);
        sum += TokenSimilarity.MongeElkan("12 high street", "flat 3 12 high st");
        sum += TokenSimilarity.TokenSetRatio("12 high street", "flat 3 12 high street");
        sum += DoubleMetaphone.Key("thompson");
        sum += NicknameTable.Default.AreVariants("bob", "robert") ? 1 : 0;
        var level = (int)DateComparator.Compare(19850412, 19851204);
        level += (int)NumericComparator.Postcode("94105", "94150");
        level += (int)EmailComparator.Compare("j.ohn+x@gmail.com", "john@googlemail.com");
        level += (int)comparator.Compare("bob", "robert");
        level += (int)comparator.Compare("philip", "filip");
        level += (int)comparator.Compare("민준", "min jun");
        level += (int)comparator.CompareSurname("이", "rhee");
        level += (int)comparator.CompareSurname("lee", "yi");
        level += (int)comparator.Compare(s_longA, s_longB);
        return level + (int)sum;
    }
}
