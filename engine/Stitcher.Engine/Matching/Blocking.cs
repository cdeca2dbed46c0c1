using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Stitcher.Engine.Matching;

/// <summary>
/// Blocking keys: a record is compared only with records sharing at least one key. Several keys are unioned,
/// each robust to a different kind of error, so that a true pair is missed only when all of them break at once.
/// Keys are 64-bit hashes tagged with the rule that made them.
/// </summary>
internal static class Blocking
{
    public const int MaxKeys = 12;

    private enum Rule : byte
    {
        SurnameCodeBirthYear = 1,
        GivenCodeSurnameCode,
        PostcodeGivenInitial,
        BirthDate,
        NationalId,
        EmailLocalPart,
        PhoneSubscriber,
        SurnameCodePostcode,
        GivenCodeBirthDate,
        StreetPostcode,
        SurnameBirthMonthDay,
    }

    /// <summary>Writes the record's blocking keys; returns how many.</summary>
    public static int Keys(MatchRecord record, Span<ulong> keys)
    {
        var count = 0;
        var year = record.DateOfBirth / 10000;
        if (record.SurnameCode != 0 && year != 0)
        {
            keys[count++] = Mix(Rule.SurnameCodeBirthYear, record.SurnameCode, (ulong)year);
        }
        if (record.GivenCode != 0 && record.SurnameCode != 0)
        {
            // Order-free, so swapped given name and surname still meet.
            var (low, high) = record.GivenCode < record.SurnameCode ? (record.GivenCode, record.SurnameCode) : (record.SurnameCode, record.GivenCode);
            keys[count++] = Mix(Rule.GivenCodeSurnameCode, low, high);
        }
        if (record.Postcode is not null && record.GivenInitial != '\0')
        {
            keys[count++] = Mix(Rule.PostcodeGivenInitial, Hash(record.Postcode), record.GivenInitial);
        }
        if (record.DateOfBirth != 0)
        {
            keys[count++] = Mix(Rule.BirthDate, (ulong)record.DateOfBirth, 0);
        }
        if (record.HasNationalId)
        {
            keys[count++] = Mix(Rule.NationalId, Hash(record.NationalId), 0);
        }
        if (record.HasEmail)
        {
            var email = record.Email;
            var at = email.IndexOf('@');
            var local = at > 0 ? email[..at] : email;
            keys[count++] = Mix(Rule.EmailLocalPart, Hash(local), 0);
        }
        if (record.Phone is { Length: >= 7 } phone)
        {
            keys[count++] = Mix(Rule.PhoneSubscriber, Hash(phone[^7..]), 0);
        }
        if (record.SurnameCode != 0 && record.Postcode is not null)
        {
            keys[count++] = Mix(Rule.SurnameCodePostcode, record.SurnameCode, Hash(record.Postcode));
        }
        if (record.GivenCode != 0 && record.DateOfBirth != 0)
        {
            keys[count++] = Mix(Rule.GivenCodeBirthDate, record.GivenCode, (ulong)record.DateOfBirth);
        }
        if (record.HasStreet && record.Postcode is not null)
        {
            keys[count++] = Mix(Rule.StreetPostcode, Hash(record.Street), Hash(record.Postcode));
        }
        if (record.SurnameCode != 0 && record.DateOfBirth != 0)
        {
            keys[count++] = Mix(Rule.SurnameBirthMonthDay, record.SurnameCode, (ulong)(record.DateOfBirth % 10000));
        }
        return count;
    }

    /// <summary>Whether two records share at least one blocking key (block size caps aside).</summary>
    public static bool ShareKey(MatchRecord a, MatchRecord b)
    {
        Span<ulong> left = stackalloc ulong[MaxKeys];
        Span<ulong> right = stackalloc ulong[MaxKeys];
        var leftCount = Keys(a, left);
        var rightCount = Keys(b, right);
        for (var i = 0; i < leftCount; i++)
        {
            if (right[..rightCount].Contains(left[i]))
            {
                return true;
            }
        }
        return false;
    }

    private static ulong Hash(ReadOnlySpan<char> text) => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(text));

    private static ulong Mix(Rule rule, ulong a, ulong b)
    {
        Span<ulong> parts = [(ulong)rule, a, b];
        return XxHash64.HashToUInt64(MemoryMarshal.AsBytes(parts));
    }
}
