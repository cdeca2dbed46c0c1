namespace Stitcher.Engine.Matching.Comparators;

/// <summary>
/// How well two values of one attribute agree, in the few levels a probabilistic (Fellegi–Sunter) model
/// weighs: each level gets its own m/u probabilities, so the comparators only have to sort pairs, not score them.
/// </summary>
public enum ComparisonLevel : byte
{
    /// <summary>One side or both has no value; the attribute says nothing about the pair.</summary>
    Missing = 0,

    /// <summary>The values disagree.</summary>
    Different = 1,

    /// <summary>The values share something (a phonetic code, part of a date) but could well belong to different people.</summary>
    Loose = 2,

    /// <summary>The values differ only as a typo, a variant spelling or a nickname would.</summary>
    Close = 3,

    /// <summary>The values are the same once normalized.</summary>
    Exact = 4,
}
