using System.Globalization;
using BenchmarkDotNet.Attributes;
using Stitcher.Engine.Normalization;
using Stitcher.Engine.Schema;

namespace Stitcher.Benchmarks.Normalization;

/// <summary>Raw records in the mix channels send: half English, half Korean, a few bad values.</summary>
internal static class NormalizationInput
{
    internal const int Seed = 20240301;

    private static readonly string[] s_givenEn = ["John", "Mary", "José", "Zoë", "Jean-Luc", "Sean", "Aoife", "Michael", "Sarah", "Liam"];
    private static readonly string[] s_surnameEn = ["Smith", "O'Brien", "Müller", "Johnson", "Williams", "Brown", "García", "Nguyen", "Taylor", "Lee"];
    private static readonly string[] s_surnameKr = ["김", "이", "박", "최", "정", "강", "조", "윤", "남궁", "선우"];
    private static readonly string[] s_givenKr = ["민준", "서연", "지훈", "하은", "도윤", "서준", "예은", "지우", "수아", "현우"];
    private static readonly string[] s_streetNames = ["Main", "Oak", "Elm", "Pine", "Market", "Mission"];
    private static readonly string[] s_streetTypes = ["St.", "Ave", "Rd", "Blvd", "Street", "Dr"];
    private static readonly string[] s_streetsKr = ["서울특별시 강남구 테헤란로", "부산광역시 해운대구 해운대로", "경기도 성남시 분당구 판교역로", "서울시 종로구 세종대로"];
    private static readonly string[] s_areaCodes = ["212", "415", "646", "310", "617"];
    private static readonly string[] s_countriesEn = ["USA", "United States", "US", "U.S.A."];
    private static readonly string[] s_countriesKr = ["KR", "대한민국", "South Korea", "Korea"];
    private static readonly string[] s_companies = ["Acme, Inc.", "Globex Corp", "Initech LLC", "(주)카카오", "삼성전자 주식회사", "네이버 주식회사"];
    private static readonly string[] s_monthsEn = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    internal static string?[][] Records(int count)
    {
        var random = new Random(Seed);
        var records = new string?[count][];
        for (var i = 0; i < count; i++)
        {
            records[i] = random.Next(2) == 0 ? English(random, i) : Korean(random, i);
        }
        return records;
    }

    internal static string[] LatinNames(int count)
    {
        var random = new Random(Seed);
        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = $"{Pick(random, s_givenEn)} {Pick(random, s_surnameEn)}";
        }
        return names;
    }

    internal static string[] HangulNames(int count)
    {
        var random = new Random(Seed);
        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = Pick(random, s_surnameKr) + Pick(random, s_givenKr);
        }
        return names;
    }

    internal static string[] UsPhones(int count)
    {
        var random = new Random(Seed);
        var phones = new string[count];
        for (var i = 0; i < count; i++)
        {
            phones[i] = UsPhone(random);
        }
        return phones;
    }

    internal static string[] KrPhones(int count)
    {
        var random = new Random(Seed);
        var phones = new string[count];
        for (var i = 0; i < count; i++)
        {
            phones[i] = KrPhone(random);
        }
        return phones;
    }

    private static string?[] English(Random random, int i)
    {
        var record = new string?[CanonicalAttributes.Count];
        var given = Pick(random, s_givenEn);
        var surname = Pick(random, s_surnameEn);
        record[(int)CanonicalAttribute.RecordId] = $"web-{i:D6}";
        record[(int)CanonicalAttribute.Timestamp] = random.Next(3) switch
        {
            0 => $"2024-03-{random.Next(1, 29):D2}T{random.Next(24):D2}:{random.Next(60):D2}:00-07:00",
            1 => (1_700_000_000 + random.Next(50_000_000)).ToString(CultureInfo.InvariantCulture),
            _ => $"2024-03-{random.Next(1, 29):D2} {random.Next(24):D2}:{random.Next(60):D2}:{random.Next(60):D2}",
        };
        record[(int)CanonicalAttribute.EventType] = "purchase";
        if (random.Next(4) == 0)
        {
            record[(int)CanonicalAttribute.FullName] = $"{surname}, {given}";
        }
        else
        {
            record[(int)CanonicalAttribute.GivenName] = given;
            record[(int)CanonicalAttribute.Surname] = surname;
        }
        record[(int)CanonicalAttribute.Email] = random.Next(20) == 0 ? "not-an-email" : $" {given}.{surname}{i}@Example.com ";
        record[(int)CanonicalAttribute.Phone] = random.Next(20) == 0 ? "555-01" : UsPhone(random);
        var year = random.Next(1950, 2005);
        var month = random.Next(1, 13);
        var day = random.Next(1, 29);
        record[(int)CanonicalAttribute.DateOfBirth] = random.Next(2) == 0
            ? $"{month:D2}/{day:D2}/{year}"
            : $"{s_monthsEn[month - 1]} {day}, {year}";
        record[(int)CanonicalAttribute.Street] = $"{random.Next(1, 9999)} {Pick(random, s_streetNames)} {Pick(random, s_streetTypes)}{(random.Next(3) == 0 ? $", Apt {random.Next(1, 40)}" : "")}";
        record[(int)CanonicalAttribute.City] = "San Francisco";
        record[(int)CanonicalAttribute.State] = "CA";
        record[(int)CanonicalAttribute.Postcode] = random.Next(2) == 0 ? $"941{random.Next(100):D2}" : $"941{random.Next(100):D2}-{random.Next(10000):D4}";
        record[(int)CanonicalAttribute.Country] = Pick(random, s_countriesEn);
        record[(int)CanonicalAttribute.Company] = Pick(random, s_companies);
        record[(int)CanonicalAttribute.CustomerId] = $"C{random.Next(1_000_000):D7}";
        record[(int)CanonicalAttribute.LoyaltyId] = random.Next(2) == 0 ? null : $" L-{random.Next(100_000)} ";
        return record;
    }

    private static string?[] Korean(Random random, int i)
    {
        var record = new string?[CanonicalAttributes.Count];
        var surname = Pick(random, s_surnameKr);
        var given = Pick(random, s_givenKr);
        record[(int)CanonicalAttribute.RecordId] = $"app-{i:D6}";
        record[(int)CanonicalAttribute.Timestamp] = random.Next(2) == 0
            ? $"2024-03-{random.Next(1, 29):D2}T{random.Next(24):D2}:{random.Next(60):D2}:{random.Next(60):D2}+09:00"
            : (1_700_000_000_000 + random.NextInt64(50_000_000_000)).ToString(CultureInfo.InvariantCulture);
        record[(int)CanonicalAttribute.EventType] = "login";
        if (random.Next(2) == 0)
        {
            record[(int)CanonicalAttribute.FullName] = random.Next(3) == 0 ? $"{surname} {given}" : surname + given;
        }
        else
        {
            record[(int)CanonicalAttribute.GivenName] = given;
            record[(int)CanonicalAttribute.Surname] = surname;
        }
        record[(int)CanonicalAttribute.Email] = $"user{i}@NAVER.COM";
        record[(int)CanonicalAttribute.Phone] = random.Next(20) == 0 ? "010-1234" : KrPhone(random);
        var year = random.Next(1950, 2005);
        var month = random.Next(1, 13);
        var day = random.Next(1, 29);
        record[(int)CanonicalAttribute.DateOfBirth] = random.Next(2) == 0 ? $"{year}.{month:D2}.{day:D2}." : $"{year}년 {month}월 {day}일";
        record[(int)CanonicalAttribute.Street] = $"{Pick(random, s_streetsKr)} {random.Next(1, 500)}";
        record[(int)CanonicalAttribute.City] = "서울특별시";
        record[(int)CanonicalAttribute.Postcode] = $"0{random.Next(1000, 9999)}";
        record[(int)CanonicalAttribute.Country] = Pick(random, s_countriesKr);
        record[(int)CanonicalAttribute.Company] = Pick(random, s_companies);
        record[(int)CanonicalAttribute.DeviceId] = $"dev-{random.Next():x8}";
        return record;
    }

    private static string UsPhone(Random random) => random.Next(3) switch
    {
        0 => $"({Pick(random, s_areaCodes)}) {random.Next(200, 999)}-{random.Next(10000):D4}",
        1 => $"+1 {Pick(random, s_areaCodes)} {random.Next(200, 999)} {random.Next(10000):D4}",
        _ => $"{Pick(random, s_areaCodes)}.{random.Next(200, 999)}.{random.Next(10000):D4}",
    };

    private static string KrPhone(Random random) => random.Next(3) switch
    {
        0 => $"010-{random.Next(2000, 9999)}-{random.Next(10000):D4}",
        1 => $"+82 10 {random.Next(2000, 9999)} {random.Next(10000):D4}",
        _ => $"02-{random.Next(200, 999)}-{random.Next(10000):D4}",
    };

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}

/// <summary>Whole records through <see cref="RecordNormalizer"/>; figures are per record.</summary>
[MemoryDiagnoser]
public class RecordNormalizationBenchmarks
{
    private const int RecordCount = 10_000;

    private readonly RecordNormalizer _normalizer = new("US", dayFirst: false);
    private readonly string?[] _normalized = new string?[CanonicalAttributes.Count];
    private readonly List<FieldIssue> _issues = new(8);
    private string?[][] _records = [];

    [GlobalSetup]
    public void Setup() => _records = NormalizationInput.Records(RecordCount);

    [Benchmark(Baseline = true, OperationsPerInvoke = RecordCount)]
    public int Records_MixedEnKr()
    {
        var accepted = 0;
        foreach (var record in _records)
        {
            _issues.Clear();
            if (_normalizer.TryNormalize(record, _normalized, _issues))
            {
                accepted++;
            }
        }
        return accepted;
    }
}

/// <summary><see cref="NameNormalizer.NormalizeForMatch"/>; figures are per name.</summary>
[MemoryDiagnoser]
public class NameNormalizationBenchmarks
{
    private const int NameCount = 1_000;

    private string[] _latin = [];
    private string[] _hangul = [];

    [GlobalSetup]
    public void Setup()
    {
        _latin = NormalizationInput.LatinNames(NameCount);
        _hangul = NormalizationInput.HangulNames(NameCount);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = NameCount)]
    public int Name_Latin() => Normalize(_latin);

    [Benchmark(OperationsPerInvoke = NameCount)]
    public int Name_Hangul() => Normalize(_hangul);

    [Benchmark(OperationsPerInvoke = NameCount)]
    public int SplitFullName_Hangul()
    {
        var total = 0;
        foreach (var name in _hangul)
        {
            if (NameNormalizer.TrySplitFullName(name, out var given, out _))
            {
                total += given.Length;
            }
        }
        return total;
    }

    private static int Normalize(string[] names)
    {
        var total = 0;
        foreach (var name in names)
        {
            total += NameNormalizer.NormalizeForMatch(name)?.Length ?? 0;
        }
        return total;
    }
}

/// <summary><see cref="PhoneNormalizer.TryNormalize"/> through libphonenumber; figures are per number.</summary>
[MemoryDiagnoser]
public class PhoneNormalizationBenchmarks
{
    private const int PhoneCount = 1_000;

    private readonly PhoneNormalizer _us = new("US");
    private readonly PhoneNormalizer _kr = new("KR");
    private string[] _usPhones = [];
    private string[] _krPhones = [];

    [GlobalSetup]
    public void Setup()
    {
        _usPhones = NormalizationInput.UsPhones(PhoneCount);
        _krPhones = NormalizationInput.KrPhones(PhoneCount);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PhoneCount)]
    public int Phone_Us() => Normalize(_us, _usPhones);

    [Benchmark(OperationsPerInvoke = PhoneCount)]
    public int Phone_Kr() => Normalize(_kr, _krPhones);

    private static int Normalize(PhoneNormalizer normalizer, string[] phones)
    {
        var valid = 0;
        foreach (var phone in phones)
        {
            if (normalizer.TryNormalize(phone, regionHint: null, out _))
            {
                valid++;
            }
        }
        return valid;
    }
}
