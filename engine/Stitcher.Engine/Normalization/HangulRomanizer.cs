using System.Buffers;
using System.Collections.Frozen;
using System.Collections.ObjectModel;

namespace Stitcher.Engine.Normalization;

/// <summary>
/// Revised Romanization of Korean, syllable by syllable, plus the conventional spellings people actually use
/// for surnames, so that a matcher can compare "김민준" with "Kim Min-jun" or "Minjun Kim".
/// </summary>
/// <remarks>
/// Given names are romanized without sound-change rules, which is also how Revised Romanization treats
/// personal names. The one rule applied is ㄹ+ㄹ → "ll" (설리 → seolli).
/// </remarks>
public static class HangulRomanizer
{
    private const char FirstSyllable = '\uAC00';
    private const char LastSyllable = '\uD7A3';
    private const int MedialCount = 21;
    private const int FinalCount = 28;
    private const int MaxCharsPerSyllable = 7;
    private const int RieulInitial = 5;
    private const int RieulFinal = 8;

    private static readonly string[] s_initials =
    [
        "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h",
    ];

    private static readonly string[] s_medials =
    [
        "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i",
    ];

    // Finals as pronounced at the end of a syllable: ㄱ ㄲ ㄳ → k, ㄷ ㅅ ㅆ ㅈ ㅊ ㅌ ㅎ → t, clusters by their spoken consonant.
    private static readonly string[] s_finals =
    [
        "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l",
        "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
    ];

    // Conventional spelling first, then the other spellings seen on passports and in records; each list
    // contains the Revised Romanization too.
    private static readonly (string Surname, string[] Variants)[] s_surnameTable =
    [
        ("김", ["kim", "gim"]),
        ("이", ["lee", "yi", "rhee", "i", "ri", "rhie", "yie"]),
        ("박", ["park", "bak", "pak", "bahk"]),
        ("최", ["choi", "choe", "chey", "choy", "chwe"]),
        ("정", ["jung", "jeong", "chung", "cheong"]),
        ("강", ["kang", "gang"]),
        ("조", ["cho", "jo", "joh"]),
        ("윤", ["yoon", "yun"]),
        ("장", ["jang", "chang"]),
        ("임", ["lim", "im", "rim", "yim"]),
        ("한", ["han"]),
        ("오", ["oh", "o"]),
        ("서", ["seo", "suh", "sur"]),
        ("신", ["shin", "sin"]),
        ("권", ["kwon", "gwon"]),
        ("황", ["hwang"]),
        ("안", ["ahn", "an"]),
        ("송", ["song"]),
        ("류", ["yoo", "ryu", "ryoo", "yu", "lyu", "rhyu"]),
        ("유", ["yoo", "yu", "you"]),
        ("전", ["jeon", "jun", "chun", "chon"]),
        ("홍", ["hong"]),
        ("고", ["ko", "go", "koh"]),
        ("문", ["moon", "mun"]),
        ("양", ["yang"]),
        ("손", ["son", "sohn"]),
        ("배", ["bae", "bai", "pae"]),
        ("백", ["baek", "paik", "baik", "paek"]),
        ("허", ["heo", "hur", "huh"]),
        ("노", ["noh", "no", "roh", "ro"]),
        ("남", ["nam"]),
        ("심", ["shim", "sim"]),
        ("하", ["ha"]),
        ("곽", ["kwak", "gwak"]),
        ("성", ["sung", "seong"]),
        ("차", ["cha"]),
        ("주", ["joo", "ju", "chu"]),
        ("우", ["woo", "u"]),
        ("구", ["koo", "gu", "ku"]),
        ("나", ["na", "ra"]),
        ("민", ["min"]),
        ("진", ["jin", "chin"]),
        ("지", ["ji", "chi"]),
        ("엄", ["um", "eom", "uhm"]),
        ("채", ["chae", "chai"]),
        ("원", ["won"]),
        ("천", ["chun", "cheon"]),
        ("방", ["bang"]),
        ("공", ["kong", "gong"]),
        ("현", ["hyun", "hyeon"]),
        ("함", ["ham"]),
        ("변", ["byun", "byeon", "pyun"]),
        ("염", ["yeom", "yum", "youm"]),
        ("여", ["yeo", "yoh"]),
        ("추", ["choo", "chu"]),
        ("도", ["do", "doh", "to"]),
        ("소", ["so"]),
        ("석", ["seok", "suk"]),
        ("선", ["sun", "seon"]),
        ("설", ["seol", "sul", "sol"]),
        ("마", ["ma"]),
        ("길", ["gil", "kil"]),
        ("연", ["yeon", "yun", "youn"]),
        ("위", ["wi", "wee"]),
        ("표", ["pyo"]),
        ("명", ["myung", "myeong"]),
        ("기", ["ki", "gi"]),
        ("반", ["ban", "pan"]),
        ("라", ["ra", "la"]),
        ("왕", ["wang"]),
        ("금", ["keum", "geum", "kum"]),
        ("옥", ["ok", "ock"]),
        ("육", ["yook", "yuk"]),
        ("인", ["in"]),
        ("맹", ["maeng"]),
        ("제", ["je", "jae"]),
        ("모", ["mo"]),
        ("탁", ["tak"]),
        ("국", ["kook", "guk", "kuk"]),
        ("어", ["eo", "uh"]),
        ("은", ["eun"]),
        ("편", ["pyun", "pyeon"]),
        ("용", ["yong"]),
        ("남궁", ["namgung", "namkung"]),
        ("제갈", ["jegal", "chegal"]),
        ("선우", ["sunwoo", "seonu", "sunwu"]),
        ("황보", ["hwangbo"]),
        ("독고", ["dokgo", "dokko", "tokko"]),
        ("사공", ["sagong"]),
        ("서문", ["seomun", "seomoon"]),
        ("동방", ["dongbang"]),
        ("을지", ["eulji"]),
        ("어금", ["eogeum"]),
    ];

    private static readonly FrozenDictionary<string, ReadOnlyCollection<string>> s_variants = BuildVariants();

    private static readonly FrozenSet<string> s_romanizedSurnames = BuildRomanizedSurnames();

    /// <summary>The surnames of two syllables (남궁, 제갈, ...), which a full name written without spaces starts with.</summary>
    internal static readonly string[] CompoundSurnames = ["남궁", "제갈", "선우", "황보", "독고", "사공", "서문", "동방", "을지", "어금"];

    /// <summary>True for a precomposed Hangul syllable (가..힣).</summary>
    public static bool IsSyllable(char c) => (uint)(c - FirstSyllable) <= LastSyllable - FirstSyllable;

    /// <summary>
    /// Revised Romanization of <paramref name="hangul"/>, lowercase, syllable by syllable; anything that is not a
    /// Hangul syllable is copied unchanged. "김민준" → "gimminjun", "서울" → "seoul".
    /// </summary>
    public static string Romanize(ReadOnlySpan<char> hangul)
    {
        var capacity = hangul.Length * MaxCharsPerSyllable;
        char[]? rented = null;
        try
        {
            Span<char> buffer = capacity <= 512 ? stackalloc char[capacity] : (rented = ArrayPool<char>.Shared.Rent(capacity));
            var written = RomanizeInto(hangul, buffer);
            return new string(buffer[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Romanizes into <paramref name="destination"/> without allocating. Fails when it is shorter than
    /// the result; seven chars per syllable is always enough.
    /// </summary>
    public static bool TryRomanize(ReadOnlySpan<char> hangul, Span<char> destination, out int charsWritten)
    {
        if (destination.Length < hangul.Length * MaxCharsPerSyllable && destination.Length < RomanizedLength(hangul))
        {
            charsWritten = 0;
            return false;
        }
        charsWritten = RomanizeInto(hangul, destination);
        return true;
    }

    /// <summary>
    /// The usual spelling of a Korean surname (김 → kim, 이 → lee, 박 → park); the Revised Romanization for
    /// surnames not in the table.
    /// </summary>
    public static string RomanizeSurname(string hangulSurname)
    {
        ArgumentNullException.ThrowIfNull(hangulSurname);
        var trimmed = hangulSurname.AsSpan().Trim();
        var lookup = s_variants.GetAlternateLookup<ReadOnlySpan<char>>();
        return lookup.TryGetValue(trimmed, out var variants) ? variants[0] : Romanize(trimmed);
    }

    /// <summary>
    /// The common romanized spellings of a Korean surname, conventional first (이 → lee, yi, rhee, i, ...);
    /// a single Revised Romanization for surnames not in the table.
    /// </summary>
    public static IReadOnlyList<string> SurnameVariants(string hangulSurname)
    {
        ArgumentNullException.ThrowIfNull(hangulSurname);
        var trimmed = hangulSurname.AsSpan().Trim();
        var lookup = s_variants.GetAlternateLookup<ReadOnlySpan<char>>();
        return lookup.TryGetValue(trimmed, out var variants) ? variants : [Romanize(trimmed)];
    }

    /// <summary>True when <paramref name="latinLowercase"/> is a romanized spelling of a Korean surname in the table.</summary>
    internal static bool IsRomanizedSurname(ReadOnlySpan<char> latinLowercase)
        => s_romanizedSurnames.GetAlternateLookup<ReadOnlySpan<char>>().Contains(latinLowercase);

    private static int RomanizedLength(ReadOnlySpan<char> hangul)
    {
        var length = 0;
        for (var i = 0; i < hangul.Length; i++)
        {
            var c = hangul[i];
            if (!IsSyllable(c))
            {
                length++;
                continue;
            }
            var index = c - FirstSyllable;
            var initial = index / (MedialCount * FinalCount);
            length += InitialAfter(hangul, i, initial).Length + s_medials[index % (MedialCount * FinalCount) / FinalCount].Length + s_finals[index % FinalCount].Length;
        }
        return length;
    }

    private static int RomanizeInto(ReadOnlySpan<char> hangul, Span<char> destination)
    {
        var written = 0;
        for (var i = 0; i < hangul.Length; i++)
        {
            var c = hangul[i];
            if (!IsSyllable(c))
            {
                destination[written++] = c;
                continue;
            }
            var index = c - FirstSyllable;
            var initial = index / (MedialCount * FinalCount);
            written += Write(destination[written..], InitialAfter(hangul, i, initial));
            written += Write(destination[written..], s_medials[index % (MedialCount * FinalCount) / FinalCount]);
            written += Write(destination[written..], s_finals[index % FinalCount]);
        }
        return written;
    }

    // ㄹ after a final ㄹ is written "l" (the final already wrote the first "l").
    private static string InitialAfter(ReadOnlySpan<char> hangul, int i, int initial)
    {
        if (initial == RieulInitial && i > 0 && IsSyllable(hangul[i - 1]) && (hangul[i - 1] - FirstSyllable) % FinalCount == RieulFinal)
        {
            return "l";
        }
        return s_initials[initial];
    }

    private static int Write(Span<char> destination, string text)
    {
        text.CopyTo(destination);
        return text.Length;
    }

    private static FrozenDictionary<string, ReadOnlyCollection<string>> BuildVariants()
    {
        var map = new Dictionary<string, ReadOnlyCollection<string>>(s_surnameTable.Length, StringComparer.Ordinal);
        foreach (var (surname, variants) in s_surnameTable)
        {
            map[surname] = Array.AsReadOnly(variants);
        }
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static FrozenSet<string> BuildRomanizedSurnames()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, variants) in s_surnameTable)
        {
            foreach (var variant in variants)
            {
                // One-letter spellings ("i", "o", "u") would make any initial look like a Korean surname.
                if (variant.Length > 1)
                {
                    set.Add(variant);
                }
            }
        }
        return set.ToFrozenSet(StringComparer.Ordinal);
    }
}
