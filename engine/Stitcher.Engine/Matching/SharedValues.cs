using Stitcher.Engine.Matching.Comparators;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Matching;

/// <summary>
/// Identifier values that many different people carry: a call centre's placeholder phone, <c>test@test.com</c>,
/// a household landline. Found at training time (a value seen with at least <see cref="DefaultMinPeople"/>
/// different given names) and treated as missing when comparing and blocking, so they neither link strangers
/// nor make giant blocks.
/// </summary>
public sealed class SharedValues
{
    public const int DefaultMinPeople = 3;

    private static readonly (MatchField Field, CanonicalAttribute Attribute)[] s_identifiers =
    [
        (MatchField.Email, CanonicalAttribute.Email),
        (MatchField.Phone, CanonicalAttribute.Phone),
        (MatchField.NationalId, CanonicalAttribute.NationalId),
    ];

    private readonly HashSet<string>[] _byField;

    private SharedValues(HashSet<string>[] byField) => _byField = byField;

    public static SharedValues None { get; } = new(NewSets());

    public bool IsShared(MatchField field, string? value) => value is not null && _byField[(int)field].Contains(value);

    public int Count(MatchField field) => _byField[(int)field].Count;

    /// <summary>For the model file: field name → sorted shared values.</summary>
    public Dictionary<string, List<string>> ToDictionary()
    {
        var result = new Dictionary<string, List<string>>();
        foreach (var (field, _) in s_identifiers)
        {
            var values = _byField[(int)field].ToList();
            values.Sort(StringComparer.Ordinal);
            result[field.ToString()] = values;
        }
        return result;
    }

    public static SharedValues FromDictionary(Dictionary<string, List<string>>? values)
    {
        var sets = NewSets();
        if (values is not null)
        {
            foreach (var (name, list) in values)
            {
                if (Enum.TryParse<MatchField>(name, out var field))
                {
                    sets[(int)field].UnionWith(list);
                }
            }
        }
        return new SharedValues(sets);
    }

    /// <summary>
    /// Finds the identifier values carried by at least <paramref name="minPeople"/> different people
    /// (see <see cref="PersonSketch.CouldBe"/>).
    /// </summary>
    public static SharedValues Find(IReadOnlyList<string?[]> records, int minPeople = DefaultMinPeople)
    {
        var sets = NewSets();
        var names = new NameComparator();
        foreach (var (field, attribute) in s_identifiers)
        {
            var people = new Dictionary<string, List<PersonSketch>>(StringComparer.Ordinal);
            foreach (var record in records)
            {
                var value = record[(int)attribute];
                var given = record[(int)CanonicalAttribute.GivenName];
                if (string.IsNullOrEmpty(value) || string.IsNullOrEmpty(given))
                {
                    continue;
                }
                if (!people.TryGetValue(value, out var seen))
                {
                    seen = new List<PersonSketch>(minPeople);
                    people[value] = seen;
                }
                var person = PersonSketch.Of(record);
                if (seen.Count < minPeople && !person.CouldBeAny(seen, names))
                {
                    seen.Add(person);
                }
            }
            foreach (var (value, seen) in people)
            {
                if (seen.Count >= minPeople)
                {
                    sets[(int)field].Add(value);
                }
            }
        }
        return new SharedValues(sets);
    }

    private static HashSet<string>[] NewSets()
    {
        var sets = new HashSet<string>[MatchRecord.FieldCount];
        for (var i = 0; i < sets.Length; i++)
        {
            sets[i] = new HashSet<string>(StringComparer.Ordinal);
        }
        return sets;
    }
}
