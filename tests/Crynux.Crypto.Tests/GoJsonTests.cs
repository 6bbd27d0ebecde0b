using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crynux.Crypto.Tests;

public class GoJsonTests
{
    [Theory]
    [InlineData("\"<>&\"", "\"\\u003c\\u003e\\u0026\"")]
    [InlineData("\"\\u2028\\u2029\"", "\"\\u2028\\u2029\"")]
    [InlineData("\"\\b\\f\\n\\r\\t\"", "\"\\b\\f\\n\\r\\t\"")]
    [InlineData("\"\\u0000\\u0001\\u001f\\u007f\"", "\"\\u0000\\u0001\\u001f\u007f\"")]
    [InlineData("\"quote \\\" backslash \\\\ slash /\"", "\"quote \\\" backslash \\\\ slash /\"")]
    [InlineData("\"é ☃ 你好 😀\"", "\"é ☃ 你好 😀\"")]
    [InlineData("\"\\u00e9\"", "\"é\"")]
    [InlineData("\"'+\"", "\"'+\"")]
    public void Strings_are_escaped_as_go_does(string input, string expected) =>
        Assert.Equal(expected, GoJson.CanonicalizeToString(JsonNode.Parse(input)));

    [Fact]
    public void Lone_surrogates_become_replacement_characters() =>
        Assert.Equal("\"a\uFFFDb\"", GoJson.CanonicalizeToString(JsonValue.Create("a\uD800b")));

    [Theory]
    [InlineData("0", "0")]
    [InlineData("-0", "-0")]
    [InlineData("1", "1")]
    [InlineData("-1.5", "-1.5")]
    [InlineData("1.50", "1.5")]
    [InlineData("0.1", "0.1")]
    [InlineData("1e2", "100")]
    [InlineData("100000000000000000000", "100000000000000000000")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1.5e300", "1.5e+300")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("0.0000001", "1e-7")]
    [InlineData("1.25e-10", "1.25e-10")]
    [InlineData("9007199254740993", "9007199254740992")]
    [InlineData("12345678901234567890", "12345678901234567000")]
    [InlineData("123456789.125", "123456789.125")]
    public void Numbers_print_as_go_float64(string input, string expected) =>
        Assert.Equal(expected, GoJson.CanonicalizeToString(JsonNode.Parse(input)));

    [Fact]
    public void Clr_numbers_print_the_same_as_parsed_ones()
    {
        Assert.Equal("12345678901234567000", GoJson.CanonicalizeToString(JsonValue.Create(12345678901234567890UL)));
        Assert.Equal("0.1", GoJson.CanonicalizeToString(JsonValue.Create(0.1)));
        Assert.Equal("600", GoJson.CanonicalizeToString(JsonValue.Create(600)));
        Assert.Equal("2.5", GoJson.CanonicalizeToString(JsonValue.Create(2.5m)));
    }

    [Fact]
    public void Out_of_range_numbers_are_rejected() =>
        Assert.Throws<CryptoFormatException>(() => GoJson.Canonicalize(JsonNode.Parse("1e400")));

    [Fact]
    public void Keys_sort_by_utf8_bytes_at_every_level_and_output_is_compact()
    {
        var node = JsonNode.Parse("""{ "b": {"z": 1, "a": [ {"y":null,"x":true} ]}, "a": false, "\uE000": 1, "\ud83d\ude00": 2, "A": "" }""");
        Assert.Equal("{\"A\":\"\",\"a\":false,\"b\":{\"a\":[{\"x\":true,\"y\":null}],\"z\":1},\"\uE000\":1,\"\U0001F600\":2}", GoJson.CanonicalizeToString(node));
    }

    [Fact]
    public void Elements_and_nodes_agree_and_duplicate_keys_keep_the_last()
    {
        const string json = """{"k":[1,2.50,"<"],"d":1,"d":2}""";
        using var document = JsonDocument.Parse(json);
        Assert.Equal("""{"d":2,"k":[1,2.5,"\u003c"]}""", System.Text.Encoding.UTF8.GetString(GoJson.Canonicalize(document.RootElement)));
    }

    [Fact]
    public void Null_and_empty_containers()
    {
        Assert.Equal("null", GoJson.CanonicalizeToString(null));
        Assert.Equal("""{"a":[],"b":{},"c":null}""", GoJson.CanonicalizeToString(JsonNode.Parse("""{"c":null,"b":{},"a":[]}""")));
    }
}
