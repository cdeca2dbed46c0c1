namespace Stitcher.Engine.Matching.Comparators;

/// <summary>
/// Groups of English given names that stand for one another (robert, rob, bob, bobby). Two names are variants when
/// one group holds both; groups are not merged, so a name in several groups (kit: christopher, catherine) does not
/// make those groups' other names variants of each other.
/// </summary>
/// <remarks>
/// The bundled table is converted from the carltonnorthern/nicknames data set (Apache License 2.0); see the header
/// of nicknames.csv. Names are compared ordinally, so they must be normalized (lowercase, no diacritics) first.
/// </remarks>
public sealed class NicknameTable
{
    /// <summary>The name of the bundled table in the engine assembly.</summary>
    public const string ResourceName = "Stitcher.Engine.nicknames.csv";

    private const char CommentMarker = '#';
    private const char FieldSeparator = ',';

    private static readonly Lazy<NicknameTable> s_default = new(LoadDefault, LazyThreadSafetyMode.ExecutionAndPublication);

    // Each name → the ids of the groups it belongs to, ascending.
    private readonly Dictionary<string, int[]> _groupsByName;
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    private NicknameTable(Dictionary<string, int[]> groupsByName, int groupCount)
    {
        _groupsByName = groupsByName;
        _lookup = groupsByName.GetAlternateLookup<ReadOnlySpan<char>>();
        GroupCount = groupCount;
    }

    /// <summary>The table bundled with the engine, loaded on first use.</summary>
    public static NicknameTable Default => s_default.Value;

    /// <summary>The number of groups.</summary>
    public int GroupCount { get; }

    /// <summary>The number of distinct names across all groups.</summary>
    public int NameCount => _groupsByName.Count;

    /// <summary>
    /// Reads a table in the bundled format: one group a line, <c>canonical,nickname,nickname,...</c>; lines starting
    /// with '#' and blank lines are skipped; names are trimmed and lowercased.
    /// </summary>
    public static NicknameTable Load(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var groupCount = 0;
        while (reader.ReadLine() is { } line)
        {
            var text = line.AsSpan().Trim();
            if (text.IsEmpty || text[0] == CommentMarker)
            {
                continue;
            }
            var added = false;
            foreach (var range in text.Split(FieldSeparator))
            {
                var name = text[range].Trim();
                if (name.IsEmpty)
                {
                    continue;
                }
                var key = name.ToString().ToLowerInvariant();
                if (!groups.TryGetValue(key, out var ids))
                {
                    ids = [];
                    groups.Add(key, ids);
                }
                if (ids.Count == 0 || ids[^1] != groupCount)
                {
                    ids.Add(groupCount);
                }
                added = true;
            }
            if (added)
            {
                groupCount++;
            }
        }

        var groupsByName = new Dictionary<string, int[]>(groups.Count, StringComparer.Ordinal);
        foreach (var (name, ids) in groups)
        {
            groupsByName.Add(name, [.. ids]);
        }
        return new NicknameTable(groupsByName, groupCount);
    }

    /// <summary>True when <paramref name="name"/> is in some group.</summary>
    public bool Contains(ReadOnlySpan<char> name) => _lookup.ContainsKey(name);

    /// <summary>
    /// True when one group holds both names ("bob" and "robert", "peggy" and "maggie"), or when the names are equal
    /// and in the table. Ordinal: pass normalized names.
    /// </summary>
    public bool AreVariants(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (!_lookup.TryGetValue(a, out var groupsA) || !_lookup.TryGetValue(b, out var groupsB))
        {
            return false;
        }
        if (ReferenceEquals(groupsA, groupsB))
        {
            return true;
        }

        // Both lists are ascending and short: walk them together.
        var i = 0;
        var j = 0;
        while (i < groupsA.Length && j < groupsB.Length)
        {
            var difference = groupsA[i] - groupsB[j];
            if (difference == 0)
            {
                return true;
            }
            if (difference < 0)
            {
                i++;
            }
            else
            {
                j++;
            }
        }
        return false;
    }

    private static NicknameTable LoadDefault()
    {
        using var stream = typeof(NicknameTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The engine assembly has no embedded resource '{ResourceName}'.");
        using var reader = new StreamReader(stream);
        return Load(reader);
    }
}
