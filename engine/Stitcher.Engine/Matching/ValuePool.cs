namespace Stitcher.Engine.Matching;

/// <summary>
/// One shared copy of each value seen, up to <see cref="MaxValues"/> values; past that, values are kept as they come.
/// Names, cities and postcodes repeat across millions of records, so the matcher's index keeps one string per value
/// instead of one per record.
/// </summary>
internal sealed class ValuePool
{
    public const int MaxValues = 1 << 21;

    private readonly HashSet<string> _values = new(StringComparer.Ordinal);

    public int Count => _values.Count;

    public string? Share(string? value)
    {
        if (value is null)
        {
            return null;
        }
        if (_values.TryGetValue(value, out var shared))
        {
            return shared;
        }
        if (_values.Count < MaxValues)
        {
            _values.Add(value);
        }
        return value;
    }
}
