using System.Buffers;

namespace Stitcher.Engine.Normalization;

/// <summary>Company names in the form the matcher compares: folded like names, legal forms dropped.</summary>
public static class CompanyNormalizer
{
    /// <summary>
    /// Folds a company name like a person's name and drops its legal form: trailing inc, ltd, llc, corp, co,
    /// gmbh, plc, pty, ... ("Samsung Electronics Co., Ltd." → "samsung electronics") and Korean 주식회사,
    /// 유한회사, (주), ㈜ (and Japanese 株式会社, ㈱) wherever they stand ("(주)카카오" → "카카오"). Adjacent Hangul tokens are joined.
    /// Null when nothing is left.
    /// </summary>
    public static string? NormalizeForMatch(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        var capacity = MatchText.MaxFoldedLength(raw);
        char[]? rented = null;
        try
        {
            Span<char> buffer = capacity <= MatchText.StackLimit
                ? stackalloc char[capacity * 2]
                : (rented = ArrayPool<char>.Shared.Rent(capacity * 2));
            var folded = buffer[..MatchText.Fold(raw, buffer)];
            var output = buffer[folded.Length..];
            var length = 0;
            // Length up to the last token that is not a trailing legal form.
            var committed = 0;
            var previousWasHangul = false;
            var position = 0;
            while (MatchText.TryReadToken(folded, ref position, out var token))
            {
                // "(주)" and "㈜" fold to the token "주", "(유)" to "유", "㈱" to "株".
                if (token is "주식회사" or "유한회사" or "주" or "유" or "株式会社" or "株")
                {
                    continue;
                }
                var isHangul = MatchText.IsAllHangul(token);
                if (isHangul && previousWasHangul)
                {
                    token.CopyTo(output[length..]);
                    length += token.Length;
                }
                else
                {
                    MatchText.Append(output, ref length, token);
                }
                previousWasHangul = isHangul;
                if (!IsLegalForm(token))
                {
                    committed = length;
                }
            }
            if (committed > 0)
            {
                length = committed;
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

    private static bool IsLegalForm(ReadOnlySpan<char> token)
        => token is "inc" or "incorporated" or "ltd" or "limited" or "llc" or "llp" or "corp" or "corporation"
            or "co" or "company" or "gmbh" or "plc" or "pty" or "pte" or "ag";
}
