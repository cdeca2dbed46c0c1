using System.Buffers;
using System.Collections.Frozen;

namespace Stitcher.Engine.Normalization;

/// <summary>
/// Street addresses in the form the matcher compares: folded like names, abbreviations spelled out one way
/// ("St." → "street", "Apt"/"#" → "unit"), Korean province and city suffixes dropped ("서울특별시" → "서울").
/// </summary>
public static class StreetNormalizer
{
    // The longest replacement ("northeast") is 9 chars for a 1–2 char token; 5× the folded length always fits.
    private const int ExpansionFactor = 5;

    // Korean provinces and metropolitan cities, full and short forms, to the short form used in addresses.
    private static readonly FrozenDictionary<string, string> s_koreanRegions = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["서울특별시"] = "서울", ["서울시"] = "서울",
        ["부산광역시"] = "부산", ["부산시"] = "부산",
        ["대구광역시"] = "대구", ["대구시"] = "대구",
        ["인천광역시"] = "인천", ["인천시"] = "인천",
        ["광주광역시"] = "광주",
        ["대전광역시"] = "대전", ["대전시"] = "대전",
        ["울산광역시"] = "울산", ["울산시"] = "울산",
        ["세종특별자치시"] = "세종", ["세종시"] = "세종",
        ["경기도"] = "경기",
        ["강원도"] = "강원", ["강원특별자치도"] = "강원",
        ["충청북도"] = "충북", ["충청남도"] = "충남",
        ["전라북도"] = "전북", ["전북특별자치도"] = "전북",
        ["전라남도"] = "전남",
        ["경상북도"] = "경북", ["경상남도"] = "경남",
        ["제주특별자치도"] = "제주", ["제주도"] = "제주",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly string[] s_koreanRegionSuffixes = ["특별자치시", "특별자치도", "특별시", "광역시"];

    /// <summary>
    /// Folds a street address: lowercase, diacritics and punctuation out, whitespace collapsed, abbreviations
    /// (st, ave, rd, dr, ln, blvd, ct, pl, hwy, pkwy, cres, tce, sq, apt/unit/#, n/s/e/w) spelled out, and
    /// Korean 특별시/광역시/특별자치시/도 forms shortened; 로/길/동/구 tokens and ordinals stay as written.
    /// Null when nothing is left.
    /// </summary>
    public static string? NormalizeForMatch(string? raw) => Normalize(raw, expandAbbreviations: true);

    /// <summary>City or state: folded like a name, with Korean province and city suffixes shortened.</summary>
    internal static string? NormalizePlaceForMatch(string? raw) => Normalize(raw, expandAbbreviations: false);

    /// <summary>
    /// The short form of a Korean province or city token ("서울특별시" → "서울", "경기도" → "경기",
    /// "수원시" → "수원"), or the token itself.
    /// </summary>
    internal static ReadOnlySpan<char> ShortenKoreanRegion(ReadOnlySpan<char> token)
    {
        if (token.Length < 3 || !HangulRomanizer.IsSyllable(token[^1]))
        {
            return token;
        }
        if (s_koreanRegions.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(token, out var shortForm))
        {
            return shortForm;
        }
        foreach (var suffix in s_koreanRegionSuffixes)
        {
            if (token.Length > suffix.Length && token.EndsWith(suffix, StringComparison.Ordinal))
            {
                return token[..^suffix.Length];
            }
        }
        // A city ("수원시"); roads end in 로/길 and districts in 구/동, which stay.
        return token[^1] == '시' && MatchText.IsAllHangul(token) ? token[..^1] : token;
    }

    // A switch on the span compiles to length and char tests, cheaper per token than a dictionary lookup.
    private static string? Expand(ReadOnlySpan<char> token) => token switch
    {
        "st" or "str" => "street",
        "ave" or "av" or "avn" => "avenue",
        "rd" => "road",
        "dr" => "drive",
        "ln" => "lane",
        "blvd" => "boulevard",
        "ct" => "court",
        "pl" => "place",
        "hwy" => "highway",
        "pkwy" => "parkway",
        "cres" => "crescent",
        "tce" or "ter" => "terrace",
        "sq" => "square",
        "cir" => "circle",
        "apt" or "apartment" or "#" or "ste" or "suite" => "unit",
        "fl" => "floor",
        "n" => "north",
        "s" => "south",
        "e" => "east",
        "w" => "west",
        "ne" => "northeast",
        "nw" => "northwest",
        "se" => "southeast",
        "sw" => "southwest",
        _ => null,
    };

    private static string? Normalize(string? raw, bool expandAbbreviations)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        var foldCapacity = MatchText.MaxFoldedLength(raw) * 2;
        var capacity = foldCapacity * (ExpansionFactor + 1);
        char[]? rented = null;
        try
        {
            Span<char> buffer = capacity <= MatchText.StackLimit * 8
                ? stackalloc char[capacity]
                : (rented = ArrayPool<char>.Shared.Rent(capacity));
            var folded = buffer[..MatchText.Fold(raw, buffer, keepHash: expandAbbreviations)];
            var output = buffer[foldCapacity..];
            var length = 0;
            var previousWasUnit = false;
            var position = 0;
            while (MatchText.TryReadToken(folded, ref position, out var token))
            {
                var word = ShortenKoreanRegion(token);
                if (expandAbbreviations && Expand(word) is { } expanded)
                {
                    word = expanded;
                }
                // "Apt #5" names the unit once.
                var isUnit = word is "unit";
                if (isUnit && previousWasUnit)
                {
                    continue;
                }
                previousWasUnit = isUnit;
                MatchText.Append(output, ref length, word);
            }
            return length == 0 ? null : new string(output[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
