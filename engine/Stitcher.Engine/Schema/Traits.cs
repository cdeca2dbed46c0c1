namespace Stitcher.Engine.Schema;

/// <summary>
/// Custom attributes: what a business keeps beyond the canonical attributes (a shoe size, a diet, an account's plans).
/// A channel mapping names them <c>trait.&lt;name&gt;</c>; they are kept per record, survive by the survivorship rules
/// with their lineage like any attribute, and are shown and delivered under that same name. They are never matched on.
/// Names are lowercase ASCII letters, digits and underscores after the prefix, so that they are the same key in every
/// channel, sink and destination field mapping whatever case a configuration used.
/// </summary>
public static class Traits
{
    /// <summary>The prefix that marks a custom attribute in a mapping, a survivorship rule and a profile.</summary>
    public const string Prefix = "trait.";

    /// <summary>The longest name after the prefix.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Whether <paramref name="attributeName"/> names a custom attribute (it starts with <c>trait.</c>, any case).</summary>
    public static bool IsTrait(string attributeName) => attributeName.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The canonical spelling of a custom attribute name (<c>Trait.Shoe_Size</c> → <c>trait.shoe_size</c>), or why it is
    /// not one a configuration may use.
    /// </summary>
    public static bool TryParse(string attributeName, out string trait, out string? error)
    {
        trait = "";
        error = null;
        if (!IsTrait(attributeName))
        {
            error = $"a custom attribute is named '{Prefix}<name>'";
            return false;
        }
        var name = attributeName.AsSpan(Prefix.Length);
        if (name.IsEmpty || name.Length > MaxNameLength)
        {
            error = $"a custom attribute's name after '{Prefix}' has 1 to {MaxNameLength} characters";
            return false;
        }
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                error = $"a custom attribute's name after '{Prefix}' holds only letters a-z, digits and '_'";
                return false;
            }
        }
        trait = string.Concat(Prefix, name.ToString().ToLowerInvariant());
        return true;
    }

    /// <summary>
    /// The value a record carries, as it is shown: trimmed and in Unicode NFC, so that a value typed on two systems is one
    /// value; null when it is blank.
    /// </summary>
    public static string? DisplayValue(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        var value = raw.Trim();
        return value.IsNormalized() ? value : value.Normalize();
    }

    /// <summary>The key two values are one value by (<c>Vegan</c> and <c>vegan</c>): the display value, case-folded.</summary>
    public static string KeyOf(string display) => display.ToLowerInvariant();
}
