using System.Collections.Frozen;

namespace Stitcher.Engine.Normalization;

/// <summary>Maps the ways channels write a country ("USA", "South Korea", "대한민국", "U.K.") to an ISO 3166 alpha-2 region.</summary>
public static class CountryNormalizer
{
    private const int MaxKeyLength = 48;

    // Keys are written as LookupKey produces them: lowercase, dots removed, other punctuation a single space.
    private static readonly (string Region, string[] Names)[] s_table =
    [
        ("US", ["us", "usa", "united states", "united states of america", "america", "미국"]),
        ("KR", ["kr", "kor", "korea", "south korea", "republic of korea", "korea republic of", "korea south", "rok",
                "대한민국", "한국", "남한", "韓國", "韩国"]),
        ("KP", ["kp", "prk", "north korea", "dprk", "democratic people s republic of korea", "korea democratic people s republic of", "북한", "조선"]),
        ("AU", ["au", "aus", "australia", "호주"]),
        ("GB", ["gb", "gbr", "uk", "united kingdom", "great britain", "britain", "england", "scotland", "wales", "northern ireland", "영국"]),
        ("DE", ["de", "deu", "germany", "deutschland", "독일"]),
        ("FR", ["fr", "fra", "france", "프랑스"]),
        ("CA", ["ca", "can", "canada", "캐나다"]),
        ("JP", ["jp", "jpn", "japan", "nippon", "日本", "일본"]),
        ("CN", ["cn", "chn", "china", "people s republic of china", "prc", "中国", "中國", "중국"]),
        ("TW", ["tw", "twn", "taiwan", "台灣", "台湾", "대만"]),
        ("HK", ["hk", "hkg", "hong kong", "香港", "홍콩"]),
        ("SG", ["sg", "sgp", "singapore", "싱가포르"]),
        ("NZ", ["nz", "nzl", "new zealand", "뉴질랜드"]),
        ("IN", ["in", "ind", "india", "인도"]),
        ("IE", ["ie", "irl", "ireland", "아일랜드"]),
        ("ES", ["es", "esp", "spain", "españa", "espana", "스페인"]),
        ("IT", ["it", "ita", "italy", "italia", "이탈리아"]),
        ("NL", ["nl", "nld", "netherlands", "the netherlands", "holland", "네덜란드"]),
        ("CH", ["ch", "che", "switzerland", "스위스"]),
        ("SE", ["se", "swe", "sweden", "스웨덴"]),
        ("MX", ["mx", "mex", "mexico", "méxico", "멕시코"]),
        ("BR", ["br", "bra", "brazil", "brasil", "브라질"]),
        ("VN", ["vn", "vnm", "vietnam", "viet nam", "베트남"]),
        ("PH", ["ph", "phl", "philippines", "필리핀"]),
        ("TH", ["th", "tha", "thailand", "태국"]),
    ];

    private static readonly FrozenDictionary<string, string> s_byName = BuildIndex();

    /// <summary>
    /// The ISO 3166 alpha-2 region of <paramref name="raw"/>: a common name (English or Korean), an alpha-3 code
    /// of a listed country, or any alpha-2 code; case-insensitive. False when the country is not recognised.
    /// </summary>
    public static bool TryGetRegion(string? raw, out string region)
    {
        region = "";
        if (raw is null || raw.Length > MaxKeyLength * 2)
        {
            return false;
        }
        Span<char> key = stackalloc char[MaxKeyLength];
        var length = LookupKey(raw, key);
        if (length <= 0)
        {
            return false;
        }
        var lookupKey = key[..length];
        if (s_byName.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(lookupKey, out var found))
        {
            region = found;
            return true;
        }
        // Any other alpha-2 code is accepted when the phone metadata knows the region.
        return PhoneNormalizer.TryGetSupportedRegion(lookupKey, out region);
    }

    // Lowercase, dots removed ("U.S.A." → "usa"), other punctuation and whitespace collapsed to one space.
    // Returns -1 when the key does not fit, which no listed name needs.
    private static int LookupKey(ReadOnlySpan<char> raw, Span<char> key)
    {
        var length = 0;
        var pendingSpace = false;
        foreach (var c in raw)
        {
            if (c == '.')
            {
                continue;
            }
            if (char.IsLetterOrDigit(c))
            {
                if (length + 2 > key.Length)
                {
                    return -1;
                }
                if (pendingSpace && length > 0)
                {
                    key[length++] = ' ';
                }
                pendingSpace = false;
                key[length++] = char.ToLowerInvariant(c);
            }
            else
            {
                pendingSpace = true;
            }
        }
        return length;
    }

    private static FrozenDictionary<string, string> BuildIndex()
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (region, names) in s_table)
        {
            foreach (var name in names)
            {
                index.Add(name, region);
            }
        }
        return index.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
