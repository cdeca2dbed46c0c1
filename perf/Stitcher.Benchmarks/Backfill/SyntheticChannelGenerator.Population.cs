using System.Globalization;
using System.Numerics;

namespace Stitcher.Benchmarks.Backfill;

/// <summary>The people: each one a pure function of (seed, index), rebuilt whenever a file needs them.</summary>
internal sealed partial class SyntheticChannelGenerator
{
    // Real area codes, each with a city of its own; exchanges 202–989, none ending in 11, not 555.
    private static readonly (int Code, string City, int Zip)[] s_usAreas =
    [
        (415, "San Francisco", 94102), (212, "New York", 10001), (312, "Chicago", 60601), (617, "Boston", 2108),
        (213, "Los Angeles", 90012), (310, "Santa Monica", 90401), (206, "Seattle", 98101), (512, "Austin", 78701),
        (303, "Denver", 80202), (404, "Atlanta", 30303), (305, "Miami", 33130), (702, "Las Vegas", 89101),
        (503, "Portland", 97201), (202, "Washington", 20001), (718, "Brooklyn", 11201), (646, "New York", 10011),
    ];

    private static readonly int[] s_usExchanges = Enumerable.Range(202, 989 - 202 + 1).Where(static e => e % 100 != 11 && e != 555).ToArray();

    // 010 mobiles; libphonenumber treats 010-597x … 010-599x as unassigned.
    private static readonly int[] s_krMiddles = Enumerable.Range(2000, 8000).Where(static m => m is < 5970 or > 5999).ToArray();

    private static readonly (string Name, string Latin)[] s_usGivenNames =
    [
        ("James", "james"), ("Mary", "mary"), ("Robert", "robert"), ("Patricia", "patricia"), ("John", "john"),
        ("Jennifer", "jennifer"), ("Michael", "michael"), ("Linda", "linda"), ("David", "david"), ("Elizabeth", "elizabeth"),
        ("William", "william"), ("Barbara", "barbara"), ("Richard", "richard"), ("Susan", "susan"), ("Joseph", "joseph"),
        ("Jessica", "jessica"), ("Thomas", "thomas"), ("Sarah", "sarah"), ("Christopher", "christopher"), ("Karen", "karen"),
        ("Daniel", "daniel"), ("Lisa", "lisa"), ("Matthew", "matthew"), ("Nancy", "nancy"), ("Anthony", "anthony"),
        ("Ashley", "ashley"), ("José", "jose"), ("Zoë", "zoe"), ("Chloé", "chloe"), ("Mei", "mei"), ("Priya", "priya"),
    ];

    private static readonly (string Name, string Latin)[] s_usSurnames =
    [
        ("Smith", "smith"), ("Johnson", "johnson"), ("Williams", "williams"), ("Brown", "brown"), ("Jones", "jones"),
        ("Garcia", "garcia"), ("Miller", "miller"), ("Davis", "davis"), ("Rodriguez", "rodriguez"), ("Martinez", "martinez"),
        ("Hernandez", "hernandez"), ("Lopez", "lopez"), ("Gonzalez", "gonzalez"), ("Wilson", "wilson"), ("Anderson", "anderson"),
        ("Taylor", "taylor"), ("Moore", "moore"), ("Jackson", "jackson"), ("Martin", "martin"), ("Lee", "lee"),
        ("Perez", "perez"), ("Thompson", "thompson"), ("White", "white"), ("Harris", "harris"), ("Clark", "clark"),
        ("O'Brien", "obrien"), ("Nguyen", "nguyen"), ("Müller", "muller"), ("Patel", "patel"), ("Chen", "chen"),
    ];

    private static readonly (string Name, string Latin)[] s_krGivenNames =
    [
        ("민준", "minjun"), ("서연", "seoyeon"), ("도윤", "doyun"), ("지우", "jiwoo"), ("서준", "seojun"), ("하은", "haeun"),
        ("예준", "yejun"), ("지민", "jimin"), ("시우", "siwoo"), ("수아", "sua"), ("주원", "juwon"), ("지호", "jiho"),
        ("하윤", "hayun"), ("유진", "yujin"), ("현우", "hyunwoo"), ("은서", "eunseo"), ("건우", "gunwoo"), ("채원", "chaewon"),
    ];

    private static readonly (string Name, string Latin)[] s_krSurnames =
    [
        ("김", "kim"), ("이", "lee"), ("박", "park"), ("최", "choi"), ("정", "jung"), ("강", "kang"), ("조", "cho"),
        ("윤", "yoon"), ("장", "jang"), ("임", "lim"), ("한", "han"), ("오", "oh"), ("서", "seo"), ("신", "shin"), ("권", "kwon"),
    ];

    private static readonly (string City, string District, int Zip)[] s_krPlaces =
    [
        ("서울특별시", "강남구", 6000), ("서울특별시", "종로구", 3000), ("서울특별시", "마포구", 4000), ("부산광역시", "해운대구", 48000),
        ("인천광역시", "연수구", 21900), ("대구광역시", "수성구", 42000), ("성남시", "분당구", 13400),
    ];

    private static readonly string[] s_krRoads = ["테헤란로", "세종대로", "해운대로", "월드컵로", "판교역로", "올림픽로", "중앙대로"];
    private static readonly string[] s_usStreets = ["Main", "Oak", "Maple", "Cedar", "Elm", "Pine", "Washington", "Lake", "Hill", "Park", "Sunset", "Market", "Mission", "Broadway"];
    private static readonly string[] s_usStreetSuffixes = ["St", "Street", "Ave", "Avenue", "Rd", "Blvd", "Dr"];
    private static readonly string[] s_usDomains = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "aol.com", "proton.me"];
    private static readonly string[] s_krDomains = ["naver.com", "daum.net", "gmail.com", "kakao.com", "hanmail.net"];
    private static readonly string[] s_usCountryNames = ["US", "US", "US", "USA", "USA", "United States", "United States of America"];
    private static readonly string[] s_krCountryNames = ["KR", "KR", "KR", "South Korea", "South Korea", "대한민국", "Korea, Republic of", "한국"];
    private static readonly string[] s_webEvents = ["page_view", "page_view", "page_view", "product_view", "product_view", "add_to_cart", "login", "checkout", "signup", "search"];
    private static readonly string[] s_deviceOs = ["ios", "android", "windows", "macos"];

    /// <summary>A person's phone: US (area, exchange, line) or Korean mobile (10, middle four, last four).</summary>
    private readonly record struct Phone(bool Korean, int Area, int Exchange, int Line);

    /// <summary>One person, refilled in place for each person a file visits.</summary>
    private sealed class Person
    {
        public int Index { get; set; }
        public bool Korean { get; set; }
        public string Given { get; set; } = "";
        public string GivenLatin { get; set; } = "";
        public string Surname { get; set; } = "";
        public string SurnameLatin { get; set; } = "";
        public string Email { get; set; } = "";
        public string AltEmail { get; set; } = "";
        public Phone Phone { get; set; }
        public string? Loyalty { get; set; }
        public string[] Devices { get; set; } = [];
        public DateOnly BirthDate { get; set; }
        public string Street { get; set; } = "";
        public string City { get; set; } = "";
        public string Zip { get; set; } = "";
        public int CrmRecords { get; set; }
        public int PosRecords { get; set; }
        public int WebRecords { get; set; }
    }

    /// <summary>The smallest population whose records reach <paramref name="targetRecords"/>.</summary>
    private static int PersonsFor(ulong seed, long targetRecords)
    {
        long records = 0;
        var persons = 0;
        while (records < targetRecords)
        {
            var (crm, pos, web) = DrawCounts(seed, persons);
            records += crm + pos + web;
            persons++;
            if (persons == int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(targetRecords), targetRecords, "Too many records for one population.");
            }
        }
        return persons;
    }

    // About 2.7 records a person: mostly one CRM row, a few purchases, a few web events.
    private static (int Crm, int Pos, int Web) DrawCounts(ulong seed, int index)
    {
        var rng = new SplitMix64(Hash(seed, (ulong)index, StreamCounts));
        var roll = rng.NextDouble();
        var crm = roll < 0.15 ? 0 : roll < 0.95 ? 1 : 2;
        roll = rng.NextDouble();
        var pos = roll < 0.35 ? 0 : roll < 0.70 ? 1 : roll < 0.90 ? 2 : 3;
        roll = rng.NextDouble();
        var web = roll < 0.55 ? 0 : roll < 0.80 ? 1 : roll < 0.95 ? 2 : 3;
        return crm + pos + web == 0 ? (1, 0, 0) : (crm, pos, web);
    }

    // The first draw of a person's identity stream; Load draws it first too.
    private bool IsKorean(int index) => KoreanFrom(new SplitMix64(Hash(_seed, (ulong)index, StreamIdentity)).NextDouble());

    private bool KoreanFrom(double draw) => _mix switch
    {
        PopulationMix.Korean => true,
        PopulationMix.Dense => false,
        _ => draw < KoreanShare,
    };

    private void Load(Person person, int index)
    {
        var rng = new SplitMix64(Hash(_seed, (ulong)index, StreamIdentity));
        var korean = KoreanFrom(rng.NextDouble());
        (person.CrmRecords, person.PosRecords, person.WebRecords) = DrawCounts(_seed, index);
        person.Index = index;
        person.Korean = korean;
        // Dense and Korean populations draw names as real ones do: a few cover most people (김, 이, 박 are four in ten).
        var skewed = _mix != PopulationMix.Mixed;
        var (given, givenLatin) = skewed ? rng.PickSkewed(korean ? s_krGivenNames : s_usGivenNames) : rng.Pick(korean ? s_krGivenNames : s_usGivenNames);
        var (surname, surnameLatin) = skewed ? rng.PickSkewed(korean ? s_krSurnames : s_usSurnames) : rng.Pick(korean ? s_krSurnames : s_usSurnames);
        person.Given = given;
        person.GivenLatin = korean ? string.Concat(char.ToUpperInvariant(givenLatin[0]).ToString(), givenLatin.AsSpan(1)) : given;
        person.Surname = surname;
        person.SurnameLatin = korean ? string.Concat(char.ToUpperInvariant(surnameLatin[0]).ToString(), surnameLatin.AsSpan(1)) : surname;

        // Letters and dots, then the person's number: unique for everyone.
        var local = rng.Below(4) switch
        {
            0 => string.Concat(givenLatin, ".", surnameLatin),
            1 => string.Concat(givenLatin.AsSpan(0, 1), surnameLatin),
            2 => string.Concat(givenLatin, surnameLatin),
            _ => string.Concat(surnameLatin, ".", givenLatin),
        };
        var domains = korean ? s_krDomains : s_usDomains;
        var domain = rng.Below(domains.Length);
        var number = index.ToString(CultureInfo.InvariantCulture);
        person.Email = string.Concat(local, number, "@", domains[domain]);
        person.AltEmail = string.Concat(givenLatin, surnameLatin, number, "@", domains[(domain + 1 + rng.Below(domains.Length - 1)) % domains.Length]);

        // Two adults of a household may give the same phone everywhere.
        var phoneOwner = (index & 1) == 1
            && new SplitMix64(Hash(_seed, (ulong)index >> 1, StreamHousehold)).NextDouble() < HouseholdPairShare
            && IsKorean(index - 1) == korean
            ? index - 1
            : index;
        person.Phone = PhoneOf(phoneOwner, korean);

        person.Loyalty = rng.Chance(0.6)
            ? string.Concat("L", (10_000_000 + _loyaltyNumbers.Map((ulong)index)).ToString(CultureInfo.InvariantCulture))
            : null;
        var deviceCount = rng.Chance(0.4) ? 2 : 1;
        if (person.Devices.Length != deviceCount)
        {
            person.Devices = new string[deviceCount];
        }
        for (var d = 0; d < deviceCount; d++)
        {
            var id = Hash(_seed, ((ulong)index << 1) | (uint)d, StreamDevice) & 0xFFFF_FFFF_FFFF;
            person.Devices[d] = string.Create(CultureInfo.InvariantCulture, $"dev-{id:x12}");
        }

        var year = 1950 + rng.Below(57);
        var month = 1 + rng.Below(12);
        person.BirthDate = new DateOnly(year, month, 1 + rng.Below(DateTime.DaysInMonth(year, month)));

        if (korean)
        {
            var (city, district, zip) = rng.Pick(s_krPlaces);
            person.Street = string.Create(CultureInfo.InvariantCulture, $"{district} {rng.Pick(s_krRoads)} {1 + rng.Below(400)}");
            person.City = city;
            person.Zip = (zip + rng.Below(100)).ToString("D5", CultureInfo.InvariantCulture);
        }
        else
        {
            // Most people live where their area code is.
            var area = rng.Chance(0.85) ? s_usAreas[AreaIndexOf(person.Phone.Area)] : rng.Pick(s_usAreas);
            var apartment = rng.Chance(0.1) ? string.Create(CultureInfo.InvariantCulture, $" Apt {1 + rng.Below(30)}{(char)('A' + rng.Below(4))}") : "";
            person.Street = string.Create(CultureInfo.InvariantCulture, $"{1 + rng.Below(9999)} {rng.Pick(s_usStreets)} {rng.Pick(s_usStreetSuffixes)}{apartment}");
            person.City = area.City;
            person.Zip = rng.Chance(0.1)
                ? string.Create(CultureInfo.InvariantCulture, $"{area.Zip + rng.Below(20):D5}-{rng.Below(10_000):D4}")
                : (area.Zip + rng.Below(20)).ToString("D5", CultureInfo.InvariantCulture);
        }
    }

    private Phone PhoneOf(int index, bool korean)
    {
        if (korean)
        {
            var k = _krPhones.Map((ulong)index);
            return new Phone(true, 10, s_krMiddles[(int)(k / 10_000)], (int)(k % 10_000));
        }
        var u = _usPhones.Map((ulong)index);
        var line = (int)(u % 10_000);
        var rest = u / 10_000;
        return new Phone(false, s_usAreas[(int)(rest / (ulong)s_usExchanges.Length)].Code, s_usExchanges[(int)(rest % (ulong)s_usExchanges.Length)], line);
    }

    private static int AreaIndexOf(int code)
    {
        for (var i = 0; i < s_usAreas.Length; i++)
        {
            if (s_usAreas[i].Code == code)
            {
                return i;
            }
        }
        return 0;
    }

    private static ulong Hash(ulong seed, ulong value, ulong stream) =>
        Mix(seed ^ Mix((value * 0x9E37_79B9_7F4A_7C15UL) + (stream * 0xD1B5_4A32_D192_ED03UL)));

    // The SplitMix64 finalizer: a bijective, well-mixing 64-bit hash.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>SplitMix64: tiny, fast and the same on every runtime (System.Random's seeded sequence is not promised to be).</summary>
    private struct SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public ulong Next()
        {
            _state += 0x9E37_79B9_7F4A_7C15UL;
            return Mix(_state);
        }

        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

        public int Below(int bound) => (int)(Next() % (ulong)bound);

        public bool Chance(double probability) => NextDouble() < probability;

        public T Pick<T>(T[] items) => items[Below(items.Length)];

        /// <summary>The first items far more often than the last: the first of 15 about a third of the time, the first 3 half.</summary>
        public T PickSkewed<T>(T[] items) => items[Math.Min(items.Length - 1, (int)(items.Length * Math.Pow(NextDouble(), 2.5)))];
    }

    /// <summary>
    /// i → (a·i + b) mod n with a coprime to n: a bijection on [0, n), used to shuffle people into a file's order
    /// and to hand out phone and loyalty numbers without collisions and without remembering any.
    /// </summary>
    private readonly struct AffinePermutation
    {
        private readonly ulong _size;
        private readonly ulong _multiplier;
        private readonly ulong _offset;

        public AffinePermutation(ulong size, ulong salt)
        {
            ArgumentOutOfRangeException.ThrowIfZero(size);
            _size = size;
            _offset = salt % size;
            // Far from 0 and from n so neighbours land far apart.
            var multiplier = Math.Max(1, (ulong)(size * 0.6180339887) + (Mix(salt) % Math.Max(1, size / 16)));
            while (BigInteger.GreatestCommonDivisor(multiplier, size) != BigInteger.One)
            {
                multiplier++;
            }
            _multiplier = multiplier % size == 0 ? 1 : multiplier % size;
        }

        public ulong Map(ulong index) => (ulong)((((UInt128)index * _multiplier) + _offset) % _size);
    }
}
