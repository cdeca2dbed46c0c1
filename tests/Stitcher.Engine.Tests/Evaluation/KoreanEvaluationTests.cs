using System.Globalization;
using Stitcher.Engine.Evaluation;
using Stitcher.Engine.Normalization;

namespace Stitcher.Engine.Tests.Evaluation;

/// <summary>
/// Korean customers: each written once in Hangul with a domestic phone format and once romanized with the
/// international format, from a small pool of names so that exact-name namesakes are everywhere.
/// </summary>
public sealed class KoreanEvaluationTests : IDisposable
{
    private static readonly string[] s_surnames = ["김", "이", "박", "최", "정"];
    private static readonly string[] s_given = ["민준", "서연", "도윤", "지우", "하준", "서윤"];

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Evaluate_HangulAndRomanizedSpellingsWithNamesakes_LinksPeopleNotNamesakes()
    {
        var random = new Random(2026);
        var rows = new List<string> { "id,first_name,last_name,dob,phone,city,person" };
        for (var p = 0; p < 200; p++)
        {
            var surname = s_surnames[random.Next(s_surnames.Length)];
            var given = s_given[random.Next(s_given.Length)];
            var (year, month, day) = (random.Next(1950, 2005), random.Next(1, 13), random.Next(1, 29));
            var mobile = $"{random.Next(2000, 9999)}{random.Next(1000, 9999)}";
            var city = random.Next(2) == 0 ? "서울특별시" : "부산광역시";
            rows.Add($"h{p},{given},{surname},{year}.{month:00}.{day:00},010-{mobile[..4]}-{mobile[4..]},{city},K{p}");
            if (p % 4 != 3)
            {
                var romanGiven = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(HangulRomanizer.Romanize(given).Replace(" ", ""));
                var romanSurname = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(HangulRomanizer.RomanizeSurname(surname));
                // Half the romanized records carry no phone: name, birth date and city must do.
                var phone = p % 2 == 0 ? $"+82 10 {mobile[..4]} {mobile[4..]}" : "";
                rows.Add($"r{p},{romanGiven},{romanSurname},{year}-{month:00}-{day:00},{phone},{(city == "서울특별시" ? "Seoul" : "Busan")},K{p}");
            }
        }
        var path = _temp.File("korean.csv");
        File.WriteAllLines(path, rows);

        var report = await LabelledFileEvaluator.EvaluateAsync(path, "person", defaultRegion: "KR");

        Assert.True(report.Metrics.Precision >= 0.98, $"precision {report.Metrics.Precision:F4} recall {report.Metrics.Recall:F4}");
        Assert.True(report.Metrics.F1 >= 0.95, $"F1 {report.Metrics.F1:F4} precision {report.Metrics.Precision:F4} recall {report.Metrics.Recall:F4}");
    }
}
