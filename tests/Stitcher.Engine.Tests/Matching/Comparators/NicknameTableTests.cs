using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Tests.Matching.Comparators;

public sealed class NicknameTableTests
{
    [Theory]
    [InlineData("bob", "robert")]
    [InlineData("robert", "bobby")]
    [InlineData("rob", "bob")]
    [InlineData("bill", "william")]
    [InlineData("will", "william")]
    [InlineData("liam", "william")]
    [InlineData("jon", "john")]
    [InlineData("john", "jonathan")]
    [InlineData("johnny", "john")]
    [InlineData("jack", "john")]
    [InlineData("peggy", "margaret")]
    [InlineData("maggie", "meg")]
    [InlineData("kate", "katherine")]
    [InlineData("kate", "catherine")]
    [InlineData("kathy", "cathy")]
    [InlineData("catherine", "katherine")]
    [InlineData("dick", "richard")]
    [InlineData("rick", "richard")]
    [InlineData("mike", "michael")]
    [InlineData("liz", "elizabeth")]
    [InlineData("john", "john")]
    public void AreVariants_SameGroup_True(string a, string b)
    {
        Assert.True(NicknameTable.Default.AreVariants(a, b));
        Assert.True(NicknameTable.Default.AreVariants(b, a));
    }

    [Theory]
    [InlineData("bob", "william")]
    [InlineData("john", "mary")]
    [InlineData("peggy", "william")]
    [InlineData("dick", "bob")]
    [InlineData("jack", "jonathan")]
    [InlineData("robert", "william")]
    [InlineData("fred", "william")]
    [InlineData("zzz", "zzz")]
    [InlineData("", "john")]
    [InlineData("Bob", "robert")]
    public void AreVariants_NoCommonGroup_False(string a, string b)
    {
        Assert.False(NicknameTable.Default.AreVariants(a, b));
        Assert.False(NicknameTable.Default.AreVariants(b, a));
    }

    [Fact]
    public void Default_BundledTable_IsLoadedOnce()
    {
        Assert.Same(NicknameTable.Default, NicknameTable.Default);
        Assert.InRange(NicknameTable.Default.GroupCount, 1100, 1300);
        Assert.True(NicknameTable.Default.NameCount > 2000);
        Assert.True(NicknameTable.Default.Contains("margaret"));
    }

    [Fact]
    public void Load_GroupsAreNotMerged()
    {
        using var reader = new StringReader("# comment\n\nchristopher,chris,kit\ncatherine,kate,kit\n Robert , Bob ,\n");

        var table = NicknameTable.Load(reader);

        Assert.Equal(3, table.GroupCount);
        Assert.True(table.AreVariants("kit", "chris"));
        Assert.True(table.AreVariants("kit", "kate"));
        Assert.False(table.AreVariants("chris", "kate"));
        Assert.True(table.AreVariants("bob", "robert"));
    }
}
