namespace Stitcher.Engine.Matching.Comparators;

/// <summary>
/// Dates of birth as yyyymmdd numbers (19850412; 0 when missing). Exact: equal. Close: the kind of slip a form
/// invites — day and month swapped, one digit mistyped, or the same day with the year one or ten off.
/// Loose: same year and month, or same day and month. Different: anything else. Missing: either is 0.
/// </summary>
public static class DateComparator
{
    /// <summary>Years apart that still read as a typo of the same date: a slipped last digit.</summary>
    public const int CloseYearDifference = 1;

    /// <summary>Years apart that still read as a typo of the same date: a slipped decade digit (1985 / 1995).</summary>
    public const int CloseDecadeDifference = 10;

    /// <summary>A yyyymmdd date has this many digits.</summary>
    private const int DigitCount = 8;

    /// <summary>How <paramref name="a"/> and <paramref name="b"/>, yyyymmdd with 0 for missing, agree.</summary>
    public static ComparisonLevel Compare(int a, int b)
    {
        if (a <= 0 || b <= 0)
        {
            return ComparisonLevel.Missing;
        }
        if (a == b)
        {
            return ComparisonLevel.Exact;
        }

        var yearA = a / 10_000;
        var monthA = a / 100 % 100;
        var dayA = a % 100;
        var yearB = b / 10_000;
        var monthB = b / 100 % 100;
        var dayB = b % 100;

        var sameMonthAndDay = monthA == monthB && dayA == dayB;
        var yearDifference = Math.Abs(yearA - yearB);
        if ((yearA == yearB && monthA == dayB && dayA == monthB)
            || DifferInOneDigit(a, b)
            || (sameMonthAndDay && yearDifference is CloseYearDifference or CloseDecadeDifference))
        {
            return ComparisonLevel.Close;
        }
        if ((yearA == yearB && monthA == monthB) || sameMonthAndDay)
        {
            return ComparisonLevel.Loose;
        }
        return ComparisonLevel.Different;
    }

    private static bool DifferInOneDigit(int a, int b)
    {
        var differences = 0;
        for (var i = 0; i < DigitCount && (a > 0 || b > 0); i++)
        {
            if (a % 10 != b % 10)
            {
                differences++;
            }
            a /= 10;
            b /= 10;
        }
        return differences == 1 && a == b;
    }
}
