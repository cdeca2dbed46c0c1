namespace Stitcher.Engine.Profiles;

/// <summary>Key layout of the store. One letter per document type, then '|'-separated parts.</summary>
internal static class StoreKeys
{
    public static string Record(string channel, string recordId) => string.Concat(RecordPrefix, channel, "|", recordId);

    public const string RecordPrefix = "R|";

    /// <summary><c>R|crm|C42</c> → <c>crm:C42</c>, the way people and the command line name a record.</summary>
    public static string DisplayRecord(string recordKey)
    {
        if (!recordKey.StartsWith(RecordPrefix, StringComparison.Ordinal))
        {
            return recordKey;
        }
        var bar = recordKey.IndexOf('|', RecordPrefix.Length);
        return bar < 0 ? recordKey : string.Concat(recordKey.AsSpan(RecordPrefix.Length, bar - RecordPrefix.Length), ":", recordKey.AsSpan(bar + 1));
    }

    public static string Profile(string profileId) => string.Concat(ProfilePrefix, profileId);

    public const string ProfilePrefix = "P|";

    public static string Alias(string retiredProfileId) => string.Concat("A|", retiredProfileId);

    public static string Identifier(string rule, string? channel, string value) =>
        channel is null ? string.Concat("I|", rule, "||", value) : string.Concat("I|", rule, "|", channel, "|", value);

    public static string SourceProgress(string channel, string fullPath) => string.Concat("S|", channel, "|", fullPath);

    public static string Review(string recordA, string recordB) => string.Concat("Q|", recordA, "#", recordB);

    public const string ReviewPrefix = "Q|";

    /// <summary>A record's reviewer decisions (must-link and cannot-link to other records), by its record key.</summary>
    public static string Decisions(string recordKey) => string.Concat("D|", recordKey);

    public const string DecisionsPrefix = "D|";

    /// <summary>Change events sort by sequence number: fixed width keeps key order equal to sequence order.</summary>
    public static string Change(long sequence) => string.Concat("C|", sequence.ToString("D19", System.Globalization.CultureInfo.InvariantCulture));

    public const string ChangePrefix = "C|";

    /// <summary>A page of the change log: up to <see cref="ChangeLog.PageSize"/> events in one document (see <see cref="ChangeLog"/>).</summary>
    public static string ChangePage(long page) => string.Concat("L|", page.ToString("D16", System.Globalization.CultureInfo.InvariantCulture));

    public const string Counters = "M|counters";
}
