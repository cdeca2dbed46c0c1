using Stitcher.Engine.Matching;
using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Resolution;

/// <summary>
/// Whether an identifier value is carried by at least k clearly different people: k of its holders' sketches no two of
/// which could be one person (<see cref="PersonSketch.CouldBe"/>). It depends only on the set of sketches, not on the
/// order they came in, and only grows true as sketches are added, so a value disabled by it is the one a batch of the
/// same records would disable. (Counting greedily in arrival order is not: Mray, then John, is two people; Mary, then
/// Mray, then John, is one.)
/// </summary>
internal static class DifferentPeople
{
    public static bool AtLeast(IReadOnlyList<PersonSketch> people, int k, NameComparator names)
    {
        if (k <= 1)
        {
            return people.Count >= k;
        }
        var chosen = new List<int>(k);
        return Extend(people, k, names, chosen, 0);
    }

    // A small backtracking search: k is a handful and the list at most a few dozen sketches.
    private static bool Extend(IReadOnlyList<PersonSketch> people, int k, NameComparator names, List<int> chosen, int from)
    {
        if (chosen.Count == k)
        {
            return true;
        }
        for (var i = from; i < people.Count; i++)
        {
            var apart = true;
            foreach (var c in chosen)
            {
                if (people[i].CouldBe(people[c], names) || people[c].CouldBe(people[i], names))
                {
                    apart = false;
                    break;
                }
            }
            if (!apart)
            {
                continue;
            }
            chosen.Add(i);
            if (Extend(people, k, names, chosen, i + 1))
            {
                return true;
            }
            chosen.RemoveAt(chosen.Count - 1);
        }
        return false;
    }
}
