using System.Runtime.InteropServices;
using Stitcher.Engine.Matching;
using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Resolution;

/// <summary>
/// A record as resolution sees it: its key, what tells two people apart (given name, birth date), and how many bytes it
/// adds to its profile's document (<see cref="Store.StoredProfileFormatter.EstimatedBytesOf(Store.StoredRecord)"/>).
/// </summary>
internal readonly record struct ResolutionNode(string Key, string? GivenName, string? DateOfBirth, int Bytes = 0);

/// <summary>
/// Evidence that two records are one person: an identifier they share (strength above 1) or a probabilistic match
/// (its probability). <paramref name="Reason"/> is for a person to read and names no values.
/// </summary>
internal readonly record struct ResolutionLink(int A, int B, double Strength, string Reason);

/// <summary>A link the resolver did not follow, and why.</summary>
internal readonly record struct RefusedLink(int A, int B, double Strength, string Reason);

/// <summary>One resolved profile: its members (node indexes, ascending by key) and the id their smallest key gives.</summary>
internal sealed class ResolvedCluster(string id, string minKey, List<int> members)
{
    public string Id { get; } = id;
    public string MinKey { get; } = minKey;
    public List<int> Members { get; } = members;
}

/// <summary>What <see cref="ClusterResolver.Resolve"/> decided.</summary>
internal sealed class ResolutionResult(int[] clusterOf, List<ResolvedCluster> clusters, List<RefusedLink> refused)
{
    /// <summary>Per node, its cluster's position in <see cref="Clusters"/>.</summary>
    public int[] ClusterOf { get; } = clusterOf;

    /// <summary>Clusters by smallest member key.</summary>
    public List<ResolvedCluster> Clusters { get; } = clusters;

    /// <summary>Links between records that stayed in different clusters, in the order they were weighed.</summary>
    public List<RefusedLink> Refused { get; } = refused;
}

/// <summary>
/// Decides profiles from records and the links between them, as a pure function of the set: the same records and
/// links in any order give the same clusters, the same ids and the same refusals. Reviewer must-links join first; then
/// links are followed strongest first (the links of one pair add up: identifiers weigh 2 each, a match its probability;
/// ties by the two keys), Kruskal-style: a link joins
/// two clusters unless a reviewer said two of their records are different people, or a record of one conflicts with a
/// record of the other (<see cref="Conflict"/>) that it does not link to directly: a profile must stay coherent as a
/// whole, not only along its links. A cluster's id derives from its smallest record key (<see cref="ProfileIds"/>). No storage,
/// threads or pipeline inside: the identity graph hands it a neighbourhood and applies the answer.
/// </summary>
internal sealed class ClusterResolver
{
    public const string ReviewerSplitReason = "a reviewer decided these records are different people";
    public const string ConflictReason = "joining would put different given names and different dates of birth in one profile";

    private readonly NameComparator _names = new();
    private readonly long _maxProfileBytes;

    /// <param name="maxProfileBytes">
    /// The largest a cluster's records may add up to (<see cref="ResolutionNode.Bytes"/>): a join past it is refused, so a
    /// profile's document always fits the store. The refusal ties the two profiles like any other, so which records end up
    /// where is decided on the whole neighbourhood, strongest links first, not by arrival.
    /// </param>
    public ClusterResolver(long maxProfileBytes = long.MaxValue)
    {
        _maxProfileBytes = maxProfileBytes;
        SizeReason = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"joining would make the profile larger than MaxProfileBytes ({maxProfileBytes:N0} bytes); a larger Store:PageSizeBytes allows larger profiles");
    }

    /// <summary>Why a link that would make a profile too large for the store was refused (the same text on every host).</summary>
    public string SizeReason { get; }

    /// <summary>Resolves the nodes under the links and the reviewer's decisions.</summary>
    /// <param name="nodes">The records of one neighbourhood, in any order.</param>
    /// <param name="links">Evidence between them, by node index, in any order.</param>
    /// <param name="mustLink">Pairs a reviewer linked: joined before any evidence is weighed, whatever it says.</param>
    /// <param name="cannotLink">Pairs a reviewer separated: never in one cluster, however they are linked.</param>
    public ResolutionResult Resolve(IReadOnlyList<ResolutionNode> nodes, IReadOnlyList<ResolutionLink> links,
        IReadOnlyList<(int A, int B)>? mustLink = null, IReadOnlyList<(int A, int B)>? cannotLink = null)
    {
        var parent = new int[nodes.Count];
        var traits = new Traits[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            parent[i] = i;
            traits[i] = new Traits(i, nodes[i]);
        }
        // Cannot-link pairs by node, so that a join checks only the pairs its members take part in.
        Dictionary<int, List<int>>? apart = null;
        foreach (var (a, b) in cannotLink ?? [])
        {
            apart ??= [];
            Add(apart, a, b);
            Add(apart, b, a);
        }
        var refused = new List<RefusedLink>();
        var linked = new HashSet<(int, int)>(links.Count);
        foreach (var link in links)
        {
            linked.Add(link.A < link.B ? (link.A, link.B) : (link.B, link.A));
        }
        foreach (var (a, b) in Ordered(nodes, mustLink ?? []))
        {
            var (ra, rb) = (Find(parent, a), Find(parent, b));
            if (ra != rb && traits[ra].Bytes + traits[rb].Bytes > _maxProfileBytes)
            {
                // Not even a reviewer's link can make a document the store cannot write.
                refused.Add(new RefusedLink(a, b, 2, SizeReason));
                continue;
            }
            Join(parent, traits, ra, rb);
        }
        foreach (var link in OrderedLinks(nodes, links))
        {
            var ra = Find(parent, link.A);
            var rb = Find(parent, link.B);
            if (ra == rb)
            {
                continue;
            }
            if (apart is not null && KeptApart(parent, traits[ra], traits[rb], apart))
            {
                refused.Add(new RefusedLink(link.A, link.B, link.Strength, ReviewerSplitReason));
                continue;
            }
            if (Conflicts(nodes, traits[ra], traits[rb], linked))
            {
                refused.Add(new RefusedLink(link.A, link.B, link.Strength, ConflictReason));
                continue;
            }
            if (traits[ra].Bytes + traits[rb].Bytes > _maxProfileBytes)
            {
                refused.Add(new RefusedLink(link.A, link.B, link.Strength, SizeReason));
                continue;
            }
            Join(parent, traits, ra, rb);
        }
        return Collect(nodes, parent, refused);
    }

    /// <summary>
    /// Whether two records cannot be one person: both given names are known and clearly differ (not a typo, nickname
    /// or initial), and both birth dates are known and clearly differ (not a typo, a swap or a slipped year).
    /// </summary>
    public bool Conflict(string? givenA, string? dateA, string? givenB, string? dateB) =>
        !string.IsNullOrEmpty(givenA) && !string.IsNullOrEmpty(givenB) && !string.IsNullOrEmpty(dateA) && !string.IsNullOrEmpty(dateB)
        && !Compatible(givenA, givenB, names: true) && !Compatible(dateA, dateB, names: false);

    /// <summary>Whether no two of the members (node indexes) conflict: a profile that can stand as it is.</summary>
    public bool Coherent(IReadOnlyList<ResolutionNode> nodes, IReadOnlyList<int> members)
    {
        for (var i = 0; i < members.Count; i++)
        {
            for (var j = i + 1; j < members.Count; j++)
            {
                var (x, y) = (nodes[members[i]], nodes[members[j]]);
                if (Conflict(x.GivenName, x.DateOfBirth, y.GivenName, y.DateOfBirth))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>Whether every two of <paramref name="values"/> (given names, or birth dates) could be one person's.</summary>
    public bool AllCompatible(IReadOnlyList<string> values, bool names)
    {
        for (var i = 0; i < values.Count; i++)
        {
            for (var j = i + 1; j < values.Count; j++)
            {
                if (!Compatible(values[i], values[j], names))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>Whether two given names (or two birth dates) could be one person's.</summary>
    public bool Compatible(string a, string b, bool names) =>
        string.Equals(a, b, StringComparison.Ordinal) || (names ? _names.Compare(a, b) >= ComparisonLevel.Loose : PersonSketch.CouldBeOneBirthDate(a, b));

    /// <summary>
    /// Whether a member of one cluster conflicts with a member of the other and nothing links those two directly: a
    /// profile stays coherent as a whole, not only along its links. Records that do link directly (a duplicate with a
    /// typo'd name beside one with a typo'd birth date, both matching the original and each other) are evidence enough.
    /// </summary>
    private bool Conflicts(IReadOnlyList<ResolutionNode> nodes, Traits a, Traits b, HashSet<(int, int)> linked)
    {
        foreach (var x in a.People)
        {
            foreach (var y in b.People)
            {
                if (Conflict(nodes[x].GivenName, nodes[x].DateOfBirth, nodes[y].GivenName, nodes[y].DateOfBirth) && !linked.Contains(x < y ? (x, y) : (y, x)))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool KeptApart(int[] parent, Traits a, Traits b, Dictionary<int, List<int>> apart)
    {
        // Walk the smaller side's members that a reviewer separated from someone.
        var (small, large) = a.Members.Count <= b.Members.Count ? (a, b) : (b, a);
        var largeRoot = Find(parent, large.Members[0]);
        foreach (var member in small.Members)
        {
            if (apart.TryGetValue(member, out var others))
            {
                foreach (var other in others)
                {
                    if (Find(parent, other) == largeRoot)
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void Join(int[] parent, Traits[] traits, int ra, int rb)
    {
        if (ra == rb)
        {
            return;
        }
        // The larger cluster absorbs the smaller: its lists grow by the fewest values.
        if (traits[ra].Members.Count < traits[rb].Members.Count)
        {
            (ra, rb) = (rb, ra);
        }
        parent[rb] = ra;
        traits[ra].Absorb(traits[rb]);
        traits[rb] = null!;
    }

    private static int Find(int[] parent, int x)
    {
        while (parent[x] != x)
        {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    /// <summary>Must-links in the order of their keys: joining needs no order, but refusals never depend on input order.</summary>
    private static List<(int A, int B)> Ordered(IReadOnlyList<ResolutionNode> nodes, IReadOnlyList<(int A, int B)> pairs)
    {
        var ordered = new List<(int A, int B)>(pairs);
        ordered.Sort((x, y) => ComparePair(nodes, x.A, x.B, y.A, y.B));
        return ordered;
    }

    /// <summary>
    /// One link per pair of records, its strength the sum of the pair's links (two identifiers shared outweigh one), its
    /// reason the strongest link's; then strongest first, ties by the two keys.
    /// </summary>
    private static List<ResolutionLink> OrderedLinks(IReadOnlyList<ResolutionNode> nodes, IReadOnlyList<ResolutionLink> links)
    {
        var byPair = new Dictionary<(int, int), List<ResolutionLink>>(links.Count);
        foreach (var link in links)
        {
            var pair = link.A < link.B ? (link.A, link.B) : (link.B, link.A);
            if (!byPair.TryGetValue(pair, out var same))
            {
                same = new List<ResolutionLink>(1);
                byPair[pair] = same;
            }
            same.Add(link);
        }
        var ordered = new List<ResolutionLink>(byPair.Count);
        foreach (var ((a, b), same) in byPair)
        {
            // Strongest first, then by reason: the sum is added up in the same order whatever order the links came in.
            same.Sort(static (x, y) => x.Strength != y.Strength ? y.Strength.CompareTo(x.Strength) : string.CompareOrdinal(x.Reason, y.Reason));
            var sum = 0.0;
            foreach (var link in same)
            {
                sum += link.Strength;
            }
            ordered.Add(new ResolutionLink(a, b, sum, same[0].Reason));
        }
        ordered.Sort((x, y) =>
        {
            var byStrength = y.Strength.CompareTo(x.Strength);
            return byStrength != 0 ? byStrength : ComparePair(nodes, x.A, x.B, y.A, y.B);
        });
        return ordered;
    }

    /// <summary>Orders two unordered pairs of nodes by their smaller key, then their larger one.</summary>
    private static int ComparePair(IReadOnlyList<ResolutionNode> nodes, int a1, int b1, int a2, int b2)
    {
        var (lo1, hi1) = Sorted(nodes, a1, b1);
        var (lo2, hi2) = Sorted(nodes, a2, b2);
        var byLow = string.CompareOrdinal(lo1, lo2);
        return byLow != 0 ? byLow : string.CompareOrdinal(hi1, hi2);
    }

    private static (string Low, string High) Sorted(IReadOnlyList<ResolutionNode> nodes, int a, int b)
    {
        var (x, y) = (nodes[a].Key, nodes[b].Key);
        return string.CompareOrdinal(x, y) <= 0 ? (x, y) : (y, x);
    }

    private static ResolutionResult Collect(IReadOnlyList<ResolutionNode> nodes, int[] parent, List<RefusedLink> refused)
    {
        var byRoot = new Dictionary<int, List<int>>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var root = Find(parent, i);
            ref var members = ref CollectionsMarshal.GetValueRefOrAddDefault(byRoot, root, out _);
            (members ??= []).Add(i);
        }
        var clusters = new List<ResolvedCluster>(byRoot.Count);
        foreach (var members in byRoot.Values)
        {
            members.Sort((x, y) => string.CompareOrdinal(nodes[x].Key, nodes[y].Key));
            var minKey = nodes[members[0]].Key;
            clusters.Add(new ResolvedCluster(ProfileIds.For(minKey), minKey, members));
        }
        clusters.Sort(static (x, y) => string.CompareOrdinal(x.MinKey, y.MinKey));
        var clusterOf = new int[nodes.Count];
        for (var c = 0; c < clusters.Count; c++)
        {
            foreach (var member in clusters[c].Members)
            {
                clusterOf[member] = c;
            }
        }
        return new ResolutionResult(clusterOf, clusters, refused);
    }

    private static void Add(Dictionary<int, List<int>> map, int key, int value)
    {
        ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(map, key, out _);
        (list ??= []).Add(value);
    }

    /// <summary>
    /// A cluster's members while it is being built, those with both a given name and a birth date (only they can
    /// conflict with anyone), and the bytes their records add to a profile document.
    /// </summary>
    private sealed class Traits
    {
        public Traits(int index, ResolutionNode node)
        {
            Members = [index];
            People = string.IsNullOrEmpty(node.GivenName) || string.IsNullOrEmpty(node.DateOfBirth) ? [] : [index];
            Bytes = node.Bytes;
        }

        public List<int> Members { get; }
        public List<int> People { get; }
        public long Bytes { get; private set; }

        public void Absorb(Traits other)
        {
            Members.AddRange(other.Members);
            People.AddRange(other.People);
            Bytes += other.Bytes;
        }
    }
}
