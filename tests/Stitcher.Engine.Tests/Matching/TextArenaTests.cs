using Stitcher.Engine.Matching;
using Stitcher.Engine.Matching.Comparators;
using Stitcher.Engine.Schema;

namespace Stitcher.Engine.Tests.Matching;

public sealed class TextArenaTests
{
    [Fact]
    public void Store_ManyValuesPastOneChunk_EachComesBackAsStoredAndLongOnesGetTheirOwnArray()
    {
        var arena = new TextArena();
        var random = new Random(3);
        var stored = new List<(string Text, char[] Array, int Start)>();
        long chars = 0;
        while (chars < 3L * TextArena.ChunkChars)
        {
            var text = new string((char)('a' + random.Next(26)), random.Next(1, 200));
            var (array, start) = arena.Store(text);
            stored.Add((text, array, start));
            chars += text.Length;
        }
        var longText = new string('x', TextArena.ChunkChars / 2);
        var (longArray, longStart) = arena.Store(longText);

        foreach (var (text, array, start) in stored)
        {
            Assert.Equal(text, new string(array, start, text.Length));
        }
        Assert.True(stored.Select(item => item.Array).Distinct().Count() is >= 3 and <= 4, "values share a few large arrays");
        Assert.Equal(longText.Length, longArray.Length);
        Assert.Equal(0, longStart);
        Assert.Equal(chars + longText.Length, arena.Chars);
        Assert.Empty(arena.Store("").Array);
    }

    [Fact]
    public void ShareValues_TextValuesMoveIntoTheArena_ValuesKeysAndLevelsStayTheSame()
    {
        // Every combination of present and missing street, email, phone and national id, a blank street among them.
        string?[] streets = [null, "12 high street", "  "];
        string?[] emails = [null, "ann.lee@example.com"];
        string?[] phones = [null, "+821012345678"];
        string?[] ids = [null, "800101-1234567"];
        var arena = new TextArena();
        var pool = new ValuePool();
        var comparer = new RecordComparer();
        var fresh = new List<MatchRecord>();
        var moved = new List<MatchRecord>();
        foreach (var street in streets)
        {
            foreach (var email in emails)
            {
                foreach (var phone in phones)
                {
                    foreach (var id in ids)
                    {
                        var values = new string?[CanonicalAttributes.Count];
                        values[(int)CanonicalAttribute.GivenName] = "ann";
                        values[(int)CanonicalAttribute.Postcode] = "04524";
                        values[(int)CanonicalAttribute.Street] = street;
                        values[(int)CanonicalAttribute.Email] = email;
                        values[(int)CanonicalAttribute.Phone] = phone;
                        values[(int)CanonicalAttribute.NationalId] = id;
                        fresh.Add(MatchRecord.From("r" + fresh.Count, values));
                        var record = MatchRecord.From("r" + moved.Count, values);
                        record.ShareValues(pool, arena);
                        moved.Add(record);

                        Assert.Equal(street is not null, record.HasStreet);
                        Assert.Equal(street ?? "", record.Street.ToString());
                        Assert.Equal(email is not null, record.HasEmail);
                        Assert.Equal(email ?? "", record.Email.ToString());
                        Assert.Equal(phone is not null, record.HasPhone);
                        Assert.Equal(phone ?? "", record.Phone.ToString());
                        Assert.Equal(id is not null, record.HasNationalId);
                        Assert.Equal(id ?? "", record.NationalId.ToString());
                    }
                }
            }
        }
        var freshLevels = new ComparisonLevel[MatchRecord.FieldCount];
        var movedLevels = new ComparisonLevel[MatchRecord.FieldCount];
        Span<ulong> freshKeys = stackalloc ulong[Blocking.MaxKeys];
        Span<ulong> movedKeys = stackalloc ulong[Blocking.MaxKeys];
        for (var i = 0; i < fresh.Count; i++)
        {
            var count = Blocking.Keys(fresh[i], freshKeys);
            Assert.Equal(count, Blocking.Keys(moved[i], movedKeys));
            Assert.True(freshKeys[..count].SequenceEqual(movedKeys[..count]));
            for (var j = 0; j < fresh.Count; j++)
            {
                comparer.Compare(fresh[i], fresh[j], freshLevels);
                comparer.Compare(moved[i], moved[j], movedLevels);
                Assert.Equal(freshLevels, movedLevels);
            }
        }
        // The four values of a record lie together, one record after another.
        Assert.Equal(moved.Sum(record => (long)record.Text.Length), arena.Chars);
    }
}
