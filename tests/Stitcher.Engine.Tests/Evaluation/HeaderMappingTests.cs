using Stitcher.Engine.Evaluation;

namespace Stitcher.Engine.Tests.Evaluation;

public sealed class HeaderMappingTests
{
    [Fact]
    public void Infer_FebrlHeaders_MapByAliasAndSkipTheTruthColumn()
    {
        string[] headers = ["record_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state", "date_of_birth", "soc_sec_id", "entity_id"];

        var mapping = HeaderMapping.Infer(headers, "entity_id", null);

        Assert.Equal("record_id", mapping["record_id"]);
        Assert.Equal("address_1", mapping["street"]);
        Assert.Equal("address_2", mapping["address_line_2"]);
        Assert.Equal("suburb", mapping["city"]);
        Assert.Equal("soc_sec_id", mapping["national_id"]);
        Assert.DoesNotContain("entity_id", mapping.Values);
        Assert.Equal(11, mapping.Count);
    }

    [Fact]
    public void Infer_ExplicitMap_WinsOverAlias()
    {
        var mapping = HeaderMapping.Infer(["id", "zip", "zip_plus"], null, new Dictionary<string, string> { ["zip_plus"] = "postcode" });

        Assert.Equal("zip_plus", mapping["postcode"]);
    }

    [Fact]
    public void Infer_MapToUnknownAttribute_FailsNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => HeaderMapping.Infer(["id"], null, new Dictionary<string, string> { ["id"] = "shoe" }));

        Assert.Contains("'shoe'", error.Message);
    }
}
