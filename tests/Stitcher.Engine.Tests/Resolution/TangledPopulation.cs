using System.Globalization;
using Stitcher.Engine.Configuration;

namespace Stitcher.Engine.Tests.Resolution;

/// <summary>
/// A small labelled multi-channel file built to make resolution depend on arrival order if anything can: households
/// sharing a landline, a street and a surname; twins (one birth date, two given names); dense namesakes drawn from
/// tiny name pools, in Hangul and romanized; junk values many people carry (a placeholder email, 000 phones,
/// 1900-01-01); typos; and records of one person spread over a CRM, a till, a web log and a call centre.
/// </summary>
internal static class TangledPopulation
{
    public const string Header = "record_id,given_name,surname,email,phone,date_of_birth,street,city,postcode,loyalty_id,device_id,person";

    private static readonly string[] s_given = ["James", "Mary", "John", "Linda", "Robert", "Susan", "Michael", "Sarah"];
    private static readonly string[] s_surnames = ["Smith", "Johnson", "Lee", "Garcia", "Kim"];
    private static readonly string[] s_hangulGiven = ["민준", "서연", "지우"];
    private static readonly string[] s_romanGiven = ["Minjun", "Seoyeon", "Jiwoo"];
    private static readonly string[] s_hangulSurnames = ["김", "이", "박"];
    private static readonly string[] s_romanSurnames = ["Kim", "Lee", "Park"];
    private static readonly string[] s_streets = ["Oak St", "Main St", "Elm Ave", "Pine Rd"];
    private static readonly string[] s_cities = ["Springfield", "Riverside"];

    /// <summary>The rows (header first), in generation order.</summary>
    public static List<string> Rows(int households, int seed)
    {
        var random = new Random(seed);
        var rows = new List<string> { Header };
        var person = 0;
        var record = 0;
        for (var h = 0; h < households; h++)
        {
            var korean = h % 5 == 4;
            var surnameIndex = random.Next(korean ? s_hangulSurnames.Length : s_surnames.Length);
            var street = $"{random.Next(1, 60)} {s_streets[random.Next(s_streets.Length)]}";
            var city = s_cities[random.Next(s_cities.Length)];
            var postcode = (10000 + random.Next(0, 30)).ToString(CultureInfo.InvariantCulture);
            var landline = $"(415) {random.Next(200, 999)}-{random.Next(1000, 9999)}";
            var members = 1 + random.Next(3);
            var twins = members >= 2 && random.Next(4) == 0;
            var householdDob = RandomDate(random);
            for (var m = 0; m < members; m++)
            {
                person++;
                var givenIndex = (random.Next(korean ? s_hangulGiven.Length : s_given.Length) + m) % (korean ? s_hangulGiven.Length : s_given.Length);
                var dob = twins && m < 2 ? householdDob : RandomDate(random);
                var given = korean ? s_hangulGiven[givenIndex % s_hangulGiven.Length] : s_given[givenIndex];
                var surname = korean ? s_hangulSurnames[surnameIndex] : s_surnames[surnameIndex];
                var roman = korean ? s_romanGiven[givenIndex % s_romanGiven.Length] : given;
                var romanSurname = korean ? s_romanSurnames[surnameIndex] : surname;
                var email = $"{roman.ToLowerInvariant()}.{romanSurname.ToLowerInvariant()}{person}@mail.example";
                var mobile = $"(628) {random.Next(200, 999)}-{random.Next(1000, 9999)}";
                var loyalty = $"L{person:00000}";
                var device = $"d-{person}";
                var junkEmail = random.Next(6) == 0 ? "noemail@example.com" : email;
                var junkPhone = random.Next(8) == 0 ? "000-000-0000" : mobile;
                var junkDob = random.Next(10) == 0 ? "1900-01-01" : dob;
                // CRM: everything, sometimes with the household landline instead of the mobile.
                rows.Add(Row(++record, given, surname, junkEmail, random.Next(3) == 0 ? landline : junkPhone, junkDob, street, city, postcode, loyalty, "", person));
                // Till: a romanized or typo'd name, the landline or the mobile, the loyalty card.
                if (random.Next(4) != 0)
                {
                    var tillGiven = korean ? roman : Typo(random, given);
                    rows.Add(Row(++record, tillGiven, romanSurname, "", random.Next(2) == 0 ? landline : mobile, "", "", city, "", loyalty, "", person));
                }
                // Web: the email and a device, a name half the time.
                if (random.Next(3) != 0)
                {
                    rows.Add(Row(++record, random.Next(2) == 0 ? roman : "", "", email, "", "", "", "", "", "", device, person));
                }
                // Call centre: name, birth date and the landline, a moved address now and then.
                if (random.Next(3) == 0)
                {
                    var movedStreet = random.Next(4) == 0 ? $"{random.Next(1, 60)} {s_streets[random.Next(s_streets.Length)]}" : street;
                    rows.Add(Row(++record, given, surname, "", landline, dob, movedStreet, city, postcode, "", "", person));
                }
                // A namesake's noise: a second web visit on a shared kiosk device.
                if (random.Next(10) == 0)
                {
                    rows.Add(Row(++record, roman, "", email, "", "", "", "", "", "", "kiosk-1", person));
                }
            }
        }
        return rows;
    }

    /// <summary>The rows with a timestamp column after the record id (one instant for all), for channels that need one.</summary>
    public static List<string> WithTimestamps(List<string> rows) =>
        [rows[0].Replace("record_id,", "record_id,timestamp,", StringComparison.Ordinal),
            .. rows.Skip(1).Select(r => r.Insert(r.IndexOf(',', StringComparison.Ordinal), ",2024-01-01T00:00:00Z"))];

    /// <summary>The same rows with the body in another order, the header first.</summary>
    public static List<string> Shuffled(List<string> rows, int seed)
    {
        var body = rows.Skip(1).ToArray();
        new Random(seed).Shuffle(body);
        return [rows[0], .. body];
    }

    private static string RandomDate(Random random) =>
        new DateTime(1950, 1, 1).AddDays(random.Next(0, 365 * 55)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Typo(Random random, string name)
    {
        if (random.Next(3) != 0 || name.Length < 4)
        {
            return name;
        }
        var at = 1 + random.Next(name.Length - 2);
        var chars = name.ToCharArray();
        (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
        return new string(chars);
    }

    private static string Row(int record, string given, string surname, string email, string phone, string dob, string street, string city,
        string postcode, string loyalty, string device, int person) =>
        string.Create(CultureInfo.InvariantCulture, $"r{record:00000},{given},{surname},{email},{phone},{dob},{street},{city},{postcode},{loyalty},{device},P{person}");

    /// <summary>Engine options for the file (with timestamps) as channel <c>people</c>, with the email, phone and loyalty rules.</summary>
    public static StitcherOptions Options(string baseDirectory, string dataDirectory, string input) => new()
    {
        BaseDirectory = baseDirectory,
        DataDirectory = dataDirectory,
        Channels =
        {
            ["people"] = new ChannelOptions
            {
                Path = input,
                Mapping = new Dictionary<string, string>
                {
                    ["record_id"] = "record_id", ["timestamp"] = "timestamp", ["given_name"] = "given_name", ["surname"] = "surname",
                    ["email"] = "email", ["phone"] = "phone", ["date_of_birth"] = "date_of_birth", ["street"] = "street", ["city"] = "city",
                    ["postcode"] = "postcode", ["loyalty_id"] = "loyalty_id", ["device_id"] = "device_id",
                },
            },
        },
        Rules =
        [
            new IdentifierRuleOptions { Name = "email", Attribute = "email", IgnoreValues = ["noemail@example.com"] },
            new IdentifierRuleOptions { Name = "phone", Attribute = "phone" },
            new IdentifierRuleOptions { Name = "loyalty", Attribute = "loyalty_id" },
        ],
    };
}
