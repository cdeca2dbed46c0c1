using System.Globalization;
using BenchmarkDotNet.Attributes;
using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Benchmarks.Matching;

/// <summary>
/// Every comparator over 1,000 candidate pairs of the kinds blocking produces: equal values, typos, nicknames,
/// Hangul against romanized spellings, and unrelated values. Figures are per pair; each must allocate 0 B.
/// </summary>
[MemoryDiagnoser]
public class ComparatorBenchmarks
{
    private const int PairCount = 1_000;
    private const int Seed = 20240415;

    private static readonly string[] s_given =
    [
        "john", "mary", "robert", "william", "margaret", "catherine", "stephen", "philip", "thomas", "elizabeth",
        "michael", "sarah", "james", "jennifer", "richard", "patricia", "christopher", "jessica", "daniel", "emily",
    ];

    private static readonly (string Nickname, string Name)[] s_nicknames =
    [
        ("bob", "robert"), ("bill", "william"), ("peggy", "margaret"), ("kate", "catherine"), ("steve", "stephen"),
        ("phil", "philip"), ("tom", "thomas"), ("liz", "elizabeth"), ("mike", "michael"), ("jim", "james"),
        ("jen", "jennifer"), ("dick", "richard"), ("pat", "patricia"), ("chris", "christopher"), ("jess", "jessica"),
    ];

    private static readonly (string Hangul, string Romanized)[] s_koreanGiven =
    [
        ("민준", "minjun"), ("서연", "seoyeon"), ("지훈", "jihun"), ("하은", "haeun"), ("도윤", "doyun"),
        ("서준", "seojun"), ("예은", "yeeun"), ("지우", "jiu"), ("수아", "sua"), ("현우", "hyeonu"),
    ];

    private static readonly string[] s_surnames =
    [
        "smith", "johnson", "williams", "brown", "jones", "miller", "davis", "wilson", "anderson", "taylor",
        "thompson", "schmidt", "obrien", "nguyen", "garcia",
    ];

    private static readonly (string Hangul, string Spelling, string OtherSpelling)[] s_koreanSurnames =
    [
        ("김", "kim", "gim"), ("이", "lee", "rhee"), ("박", "park", "bak"), ("최", "choi", "choe"), ("정", "jung", "jeong"),
        ("강", "kang", "gang"), ("조", "cho", "jo"), ("윤", "yoon", "yun"),
    ];

    private static readonly string[] s_streets = ["high", "station", "church", "main", "park", "victoria", "green", "mill"];
    private static readonly string[] s_domains = ["gmail.com", "example.com", "naver.com", "outlook.com"];

    private readonly NameComparator _names = new();
    private string[] _givenA = [];
    private string[] _givenB = [];
    private string[] _surnameA = [];
    private string[] _surnameB = [];
    private string[] _addressA = [];
    private string[] _addressB = [];
    private string[] _emailA = [];
    private string[] _emailB = [];
    private string[] _postcodeA = [];
    private string[] _postcodeB = [];
    private int[] _dateA = [];
    private int[] _dateB = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(Seed);
        (_givenA, _givenB) = Pairs(random, GivenNamePair);
        (_surnameA, _surnameB) = Pairs(random, SurnamePair);
        (_addressA, _addressB) = Pairs(random, AddressPair);
        (_emailA, _emailB) = Pairs(random, EmailPair);
        (_postcodeA, _postcodeB) = Pairs(random, PostcodePair);
        _dateA = new int[PairCount];
        _dateB = new int[PairCount];
        for (var i = 0; i < PairCount; i++)
        {
            (_dateA[i], _dateB[i]) = DatePair(random);
        }

        // Load the nickname table and the Korean surname index outside the measurement.
        _names.Compare("bob", "robert");
        _names.CompareSurname("lee", "yi");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PairCount)]
    public double JaroWinkler_GivenNames()
    {
        var sum = 0.0;
        for (var i = 0; i < _givenA.Length; i++)
        {
            sum += JaroWinkler.Similarity(_givenA[i], _givenB[i]);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairCount)]
    public int DamerauLevenshtein_GivenNames()
    {
        var sum = 0;
        for (var i = 0; i < _givenA.Length; i++)
        {
            sum += DamerauLevenshtein.Distance(_givenA[i], _givenB[i]);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairCount)]
    public int DamerauLevenshtein_GivenNamesWithin2()
    {
        var sum = 0;
        for (var i = 0; i < _givenA.Length; i++)
        {
            sum += DamerauLevenshtein.Distance(_givenA[i], _givenB[i], maxDistance: 2);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairCount)]
    public double MongeElkan_Addresses()
    {
        var sum = 0.0;
        for (var i = 0; i < _addressA.Length; i++)
        {
            sum += TokenSimilarity.MongeElkan(_addressA[i], _addressB[i]);
        }
        return sum;
    }

    /// <summary>What street comparison asks: Monge–Elkan only where it reaches the loose level (0.8).</summary>
    [Benchmark(OperationsPerInvoke = PairCount)]
    public double MongeElkan_AddressesFlooredAtLoose()
    {
        var sum = 0.0;
        for (var i = 0; i < _addressA.Length; i++)
        {
            sum += TokenSimilarity.MongeElkan(_addressA[i], _addressB[i], 0.8);
        }
        return sum;
    }

    /// <summary>The token mask a record's street gets once, when it is prepared for matching.</summary>
    [Benchmark(OperationsPerInvoke = PairCount)]
    public ulong TokenMask_Addresses()
    {
        var mask = 0UL;
        for (var i = 0; i < _addressA.Length; i++)
        {
            mask ^= TokenSimilarity.TokenMask(_addressA[i]);
        }
        return mask;
    }

    [Benchmark(OperationsPerInvoke = PairCount)]
    public double TokenSetRatio_Addresses()
    {
        var sum = 0.0;
        for (var i = 0; i < _addressA.Length; i++)
        {
            sum += TokenSimilarity.TokenSetRatio(_addressA[i], _addressB[i]);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairCount)]
    public ulong DoubleMetaphone_KeyBothNames()
    {
        var sum = 0UL;
        for (var i = 0; i < _givenA.Length; i++)
        {
            sum += DoubleMetaphone.Key(_givenA[i]) ^ DoubleMetaphone.Key(_givenB[i]);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairCount)]
    public int NicknameTable_AreVariants()
    {
        var table = NicknameTable.Default;
        var count = 0;
        for (var i = 0; i < _givenA.Length; i++)
        {
            if (table.AreVariants(_givenA[i], _givenB[i]))
            {
                count++;
            }
        }
        return count;
    }

    [Benchmark(OperationsPerInvoke = PairCount)]
    public int NameComparator_GivenNames()
    {
        var sum = 0;
        for (var i = 0; i < _givenA.Length; i++)
        {
            sum += (int)_names.Compare(_givenA[i], _givenB[i]);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairCount)]
    public int NameComparator_Surnames()
    {
        var sum = 0;
        for (var i = 0; i < _surnameA.Length; i++)
        {
            sum += (int)_names.CompareSurname(_surnameA[i], _surnameB[i]);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairCount)]
    public int DateComparator_Dates()
    {
        var sum = 0;
        for (var i = 0; i < _dateA.Length; i++)
        {
            sum += (int)DateComparator.Compare(_dateA[i], _dateB[i]);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairCount)]
    public int NumericComparator_Postcodes()
    {
        var sum = 0;
        for (var i = 0; i < _postcodeA.Length; i++)
        {
            sum += (int)NumericComparator.Postcode(_postcodeA[i], _postcodeB[i]);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairCount)]
    public int EmailComparator_Emails()
    {
        var sum = 0;
        for (var i = 0; i < _emailA.Length; i++)
        {
            sum += (int)EmailComparator.Compare(_emailA[i], _emailB[i]);
        }
        return sum;
    }

    private static (string[] A, string[] B) Pairs(Random random, Func<Random, (string, string)> pair)
    {
        var a = new string[PairCount];
        var b = new string[PairCount];
        for (var i = 0; i < PairCount; i++)
        {
            (a[i], b[i]) = pair(random);
        }
        return (a, b);
    }

    private static (string, string) GivenNamePair(Random random)
    {
        var name = Pick(random, s_given);
        return random.Next(6) switch
        {
            0 => (name, name),
            1 => (name, Typo(random, name)),
            2 => Pick(random, s_nicknames),
            3 => Korean(random),
            4 => (name[..1], name),
            _ => (name, Pick(random, s_given)),
        };

        static (string, string) Korean(Random random)
        {
            var (hangul, romanized) = Pick(random, s_koreanGiven);
            return random.Next(3) switch
            {
                0 => (hangul, romanized),
                1 => (hangul, romanized.Length > 3 ? $"{romanized[..3]} {romanized[3..]}" : romanized),
                _ => (hangul, Pick(random, s_koreanGiven).Hangul),
            };
        }
    }

    private static (string, string) SurnamePair(Random random)
    {
        var surname = Pick(random, s_surnames);
        var (hangul, spelling, other) = Pick(random, s_koreanSurnames);
        return random.Next(5) switch
        {
            0 => (surname, surname),
            1 => (surname, Typo(random, surname)),
            2 => (hangul, random.Next(2) == 0 ? spelling : other),
            3 => (spelling, other),
            _ => (surname, Pick(random, s_surnames)),
        };
    }

    private static (string, string) AddressPair(Random random)
    {
        var number = random.Next(1, 200);
        var street = Pick(random, s_streets);
        var address = $"{number} {street} street";
        return random.Next(4) switch
        {
            0 => (address, address),
            1 => (address, $"{number} {street} st"),
            2 => (address, $"flat {random.Next(1, 20)} {address}"),
            _ => (address, $"{random.Next(1, 200)} {Pick(random, s_streets)} road"),
        };
    }

    private static (string, string) EmailPair(Random random)
    {
        var given = Pick(random, s_given);
        var surname = Pick(random, s_surnames);
        var domain = Pick(random, s_domains);
        var email = $"{given}.{surname}@{domain}";
        return random.Next(5) switch
        {
            0 => (email, email),
            1 => (email, $"{given}.{surname}@{Pick(random, s_domains)}"),
            2 => (email, $"{given}{surname}@{domain}"),
            3 => (email, $"{given}.{surname}+shop@{domain}"),
            _ => (email, $"{Pick(random, s_given)}.{Pick(random, s_surnames)}@{domain}"),
        };
    }

    private static (string, string) PostcodePair(Random random)
    {
        var postcode = random.Next(10_000, 99_999).ToString("D5", CultureInfo.InvariantCulture);
        return random.Next(4) switch
        {
            0 => (postcode, postcode),
            1 => (postcode, Typo(random, postcode)),
            2 => (postcode, postcode[..3] + random.Next(100).ToString("D2", CultureInfo.InvariantCulture)),
            _ => (postcode, random.Next(10_000, 99_999).ToString("D5", CultureInfo.InvariantCulture)),
        };
    }

    private static (int, int) DatePair(Random random)
    {
        var year = random.Next(1940, 2005);
        var month = random.Next(1, 13);
        var day = random.Next(1, 29);
        var date = (year * 10_000) + (month * 100) + day;
        return random.Next(5) switch
        {
            0 => (date, date),
            1 => (date, (year * 10_000) + (day <= 12 ? (day * 100) + month : (month * 100) + day)),
            2 => (date, date + 1),
            3 => (date, date + 10_000),
            _ => (date, (random.Next(1940, 2005) * 10_000) + (random.Next(1, 13) * 100) + random.Next(1, 29)),
        };
    }

    // An adjacent transposition or a substituted letter, as typing slips make.
    private static string Typo(Random random, string value)
    {
        var chars = value.ToCharArray();
        var i = random.Next(chars.Length - 1);
        if (random.Next(2) == 0)
        {
            (chars[i], chars[i + 1]) = (chars[i + 1], chars[i]);
        }
        else
        {
            chars[i] = chars[i] switch
            {
                'z' => 'a',
                '9' => '0',
                var c => (char)(c + 1),
            };
        }
        return new string(chars);
    }

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];
}
