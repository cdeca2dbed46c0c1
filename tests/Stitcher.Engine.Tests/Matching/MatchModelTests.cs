using Stitcher.Engine.Matching;
using Stitcher.Engine.Matching.Comparators;

namespace Stitcher.Engine.Tests.Matching;

public sealed class MatchModelTests
{
    [Fact]
    public void Weight_LevelNoPairReached_NeverOutweighsAStrongerLevel()
    {
        // City as trained on 1M multi-channel records: "close" and "loose" were never seen among candidate pairs,
        // so u came out near zero while m kept its prior.
        var model = Model(city: new FieldParameters { M = [0, 0.15, 0.05, 0.05, 0.75], U = [0, 0.5, 1e-9, 1e-9, 0.5] });

        var exact = model.Weight(MatchField.City, ComparisonLevel.Exact);
        Assert.Equal(Math.Log2(0.75 / 0.5), exact, 9);
        Assert.Equal(exact, model.Weight(MatchField.City, ComparisonLevel.Close), 9);
        Assert.Equal(exact, model.Weight(MatchField.City, ComparisonLevel.Loose), 9);
        Assert.Equal(Math.Log2(0.15 / 0.5), model.Weight(MatchField.City, ComparisonLevel.Different), 9);
        // Ordered levels keep their own weights.
        Assert.Equal(Math.Log2(0.1 / 0.05), model.Weight(MatchField.Surname, ComparisonLevel.Close), 9);
        Assert.Equal(Math.Log2(0.05 / 0.1), model.Weight(MatchField.Surname, ComparisonLevel.Loose), 9);
    }

    private static MatchModel Model(FieldParameters city)
    {
        var model = new MatchModel { Prior = 0.01 };
        foreach (var field in Enum.GetValues<MatchField>())
        {
            model.Fields[field.ToString()] = field == MatchField.City
                ? city
                : new FieldParameters { M = [0, 0.05, 0.05, 0.1, 0.8], U = [0, 0.8, 0.1, 0.05, 0.05] };
        }
        return model;
    }
}
