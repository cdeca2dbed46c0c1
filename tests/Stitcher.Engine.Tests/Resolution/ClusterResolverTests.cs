using Stitcher.Engine.Resolution;

namespace Stitcher.Engine.Tests.Resolution;

public sealed class ClusterResolverTests
{
    private readonly ClusterResolver _resolver = new();

    [Fact]
    public void Resolve_ALinkBetweenConflictingClusters_IsRefusedAndTheStrongerSideWins()
    {
        // A web record (no name, no date) shares an email with Mary and matches Susan, Mary's sister, by the household
        // address: the identifier is stronger, so it joins Mary, and Susan stays apart.
        ResolutionNode[] nodes = [new("R|crm|1", "mary", "1980-01-01"), new("R|web|9", null, null), new("R|crm|2", "susan", "1975-06-30")];
        ResolutionLink[] links = [new(1, 2, 0.97, "probabilistic match"), new(0, 1, 2, "same email")];

        var result = _resolver.Resolve(nodes, links);

        Assert.Equal(2, result.Clusters.Count);
        Assert.Equal(result.ClusterOf[0], result.ClusterOf[1]);
        Assert.NotEqual(result.ClusterOf[0], result.ClusterOf[2]);
        var refused = Assert.Single(result.Refused);
        Assert.Equal((1, 2), (refused.A, refused.B));
        Assert.Equal(ClusterResolver.ConflictReason, refused.Reason);
        Assert.Equal(ProfileIds.For("R|crm|1"), result.Clusters[result.ClusterOf[0]].Id);
        Assert.Equal(ProfileIds.For("R|crm|2"), result.Clusters[result.ClusterOf[2]].Id);
    }

    [Fact]
    public void Resolve_AJoinPastMaxProfileBytes_IsRefused_StrongestLinksFirst_InAnyOrder()
    {
        // Four records of 100 bytes in a chain, a 250-byte budget: the strongest link (1–2) joins first, then 0–1 and
        // 2–3 would each pass the budget; two profiles of at most two records, whatever order the links come in.
        var resolver = new ClusterResolver(maxProfileBytes: 250);
        ResolutionNode[] nodes = [new("R|a|0", null, null, 100), new("R|a|1", null, null, 100), new("R|a|2", null, null, 100), new("R|a|3", null, null, 100)];
        ResolutionLink[] links = [new(0, 1, 0.95, "m"), new(1, 2, 2, "same email"), new(2, 3, 0.97, "m")];

        var result = resolver.Resolve(nodes, links);
        var reversed = resolver.Resolve(nodes, [.. links.Reverse()]);

        Assert.Equal(3, result.Clusters.Count);
        Assert.Equal(result.ClusterOf[1], result.ClusterOf[2]);
        Assert.Equal(2, result.Refused.Count);
        Assert.All(result.Refused, r => Assert.Equal(resolver.SizeReason, r.Reason));
        Assert.Contains("MaxProfileBytes (250 bytes)", resolver.SizeReason, StringComparison.Ordinal);
        Assert.Equal(result.ClusterOf, reversed.ClusterOf);
    }

    [Fact]
    public void Resolve_ANicknameJoinsAndAConflictWithAnyMemberIsRefused()
    {
        ResolutionNode[] nodes = [new("R|a|1", "robert", "1980-01-12"), new("R|a|2", "bob", "1975-06-30"), new("R|a|3", "susan", "1980-01-12")];
        ResolutionLink[] links = [new(0, 1, 0.99, "m"), new(0, 2, 0.98, "m")];

        var result = _resolver.Resolve(nodes, links);

        // Bob is Robert, whatever the dates say; Susan shares Robert's birth date, but not Bob's, nor his name.
        Assert.Equal(result.ClusterOf[0], result.ClusterOf[1]);
        Assert.NotEqual(result.ClusterOf[0], result.ClusterOf[2]);
        Assert.Equal(ClusterResolver.ConflictReason, Assert.Single(result.Refused).Reason);
    }

    [Fact]
    public void Resolve_ReviewerDecisions_OverrideEvidenceBothWays()
    {
        ResolutionNode[] nodes = [new("R|a|1", "mary", "1980-01-01"), new("R|a|2", "mary", null), new("R|a|3", "john", "1950-05-05"), new("R|a|4", null, null)];
        ResolutionLink[] links = [new(0, 1, 2, "same phone"), new(1, 3, 0.99, "m")];

        var result = _resolver.Resolve(nodes, links, mustLink: [(0, 2)], cannotLink: [(3, 0)]);

        // 1 and 3 are linked, but 3 may not be with 0, which 1 is with through the stronger phone link.
        Assert.Equal(result.ClusterOf[0], result.ClusterOf[1]);
        Assert.Equal(result.ClusterOf[0], result.ClusterOf[2]);
        Assert.NotEqual(result.ClusterOf[0], result.ClusterOf[3]);
        Assert.Equal(ClusterResolver.ReviewerSplitReason, Assert.Single(result.Refused).Reason);
    }

    [Fact]
    public void Resolve_AnyOrderOfNodesAndLinks_GivesTheSameClustersIdsAndRefusals()
    {
        var random = new Random(42);
        string[] givens = ["mary", "susan", "john", "jon", "mery", ""];
        string[] dates = ["1980-01-01", "1980-10-01", "1975-06-30", "1990-02-02", ""];
        var nodes = new List<ResolutionNode>();
        for (var i = 0; i < 60; i++)
        {
            var given = givens[random.Next(givens.Length)];
            var date = dates[random.Next(dates.Length)];
            nodes.Add(new ResolutionNode($"R|c|{i:000}", given.Length == 0 ? null : given, date.Length == 0 ? null : date));
        }
        var links = new List<ResolutionLink>();
        for (var i = 0; i < 150; i++)
        {
            var a = random.Next(nodes.Count);
            var b = random.Next(nodes.Count);
            if (a != b)
            {
                // Ties on purpose: identifiers all weigh 2, probabilities come from a few values.
                links.Add(new ResolutionLink(a, b, random.Next(3) == 0 ? 2 : 0.95 + (random.Next(4) * 0.01), "x"));
            }
        }
        var expected = Describe(nodes, _resolver.Resolve(nodes, links, cannotLink: [(0, 1), (2, 3)]));
        Assert.Contains("refused", expected, StringComparison.Ordinal);
        for (var p = 0; p < 20; p++)
        {
            var order = Enumerable.Range(0, nodes.Count).ToArray();
            random.Shuffle(order);
            var position = new int[order.Length];
            for (var i = 0; i < order.Length; i++)
            {
                position[order[i]] = i;
            }
            var shuffledNodes = order.Select(i => nodes[i]).ToList();
            var shuffledLinks = links.Select(l => random.Next(2) == 0 ? l with { A = position[l.A], B = position[l.B] } : l with { A = position[l.B], B = position[l.A] }).ToArray();
            random.Shuffle(shuffledLinks);
            var actual = Describe(shuffledNodes, _resolver.Resolve(shuffledNodes, shuffledLinks, cannotLink: [(position[1], position[0]), (position[2], position[3])]));
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Resolve_ARecordThatBridgesTwoPeople_DoesNotMakeThemCoherent()
    {
        // The bridge has Ann's name and Bob's birth date: joined to Ann first (keys), it must not let Bob in too,
        // though the cluster then holds Bob's birth date.
        ResolutionNode[] nodes = [new("R|c|1", "ann", "1980-01-01"), new("R|c|2", "bob", "1990-02-02"), new("R|c|3", "ann", "1990-02-02")];
        ResolutionLink[] links = [new(0, 2, 2, "same email"), new(1, 2, 2, "same phone")];

        var result = _resolver.Resolve(nodes, links);

        Assert.Equal(result.ClusterOf[0], result.ClusterOf[2]);
        Assert.NotEqual(result.ClusterOf[0], result.ClusterOf[1]);
        Assert.True(_resolver.Coherent(nodes, [0, 2]));
        Assert.False(_resolver.Coherent(nodes, [0, 1, 2]));
    }

    [Fact]
    public void Conflict_NeedsBothNamesAndBothDatesToDiffer()
    {
        Assert.True(_resolver.Conflict("mary", "1980-01-01", "susan", "1975-06-30"));
        Assert.False(_resolver.Conflict("mary", "1980-01-01", "susan", "1980-01-01"));
        Assert.False(_resolver.Conflict("robert", "1980-01-01", "bob", "1975-06-30"));
        Assert.False(_resolver.Conflict("mary", null, "susan", "1975-06-30"));
    }

    /// <summary>Clusters and refusals by record key, so that node order does not show.</summary>
    private static string Describe(IReadOnlyList<ResolutionNode> nodes, ResolutionResult result)
    {
        var clusters = result.Clusters.Select(c => c.Id + ":" + string.Join(",", c.Members.Select(m => nodes[m].Key)));
        var refused = result.Refused.Select(r => "refused " + string.Join("~", new[] { nodes[r.A].Key, nodes[r.B].Key }.Order(StringComparer.Ordinal)) + " " + r.Reason);
        return string.Join("\n", clusters.Concat(refused.Order(StringComparer.Ordinal)));
    }
}
