using System.Text;
using System.Text.Json;
using Crynux.Bridge.Llm;

namespace Crynux.Bridge.Tests.Llm;

/// <summary>The field readers every route shares: integers read exactly, and nothing unreadable gets through.</summary>
public sealed class JsonChecksTests
{
    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Theory]
    [InlineData("1", 1L)]
    [InlineData("1.0", 1L)]
    [InlineData("1e0", 1L)]
    [InlineData("2.50e1", 25L)]
    [InlineData("-3.000", -3L)]
    [InlineData("9007199254740993.0", 9007199254740993L)]
    [InlineData("9223372036854775807.0", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void Integral_numbers_in_any_form_are_that_integer_exactly(string json, long expected)
    {
        Assert.True(JsonChecks.TryInteger(Parse(json), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("1e-30")]
    [InlineData("0.1")]
    [InlineData("1e19")]
    [InlineData("9223372036854775808")]
    [InlineData("1e30")]
    [InlineData("1e309")]
    [InlineData("-1e309")]
    [InlineData("\"1\"")]
    [InlineData("true")]
    public void Fractions_numbers_beyond_int64_and_other_kinds_are_not_integers(string json) =>
        Assert.False(JsonChecks.TryInteger(Parse(json), out _));

    [Theory]
    [InlineData("""{"a":"\ud800"}""", "x.a")]
    [InlineData("""{"a":["ok","\udc00x"]}""", "x.a[1]")]
    [InlineData("""{"\ud800":1}""", "x")]
    [InlineData("""{"a":1,"a":2}""", "x.a")]
    [InlineData("""{"a":{"b":1e30}}""", "x.a.b")]
    [InlineData("""{"a":-1e309}""", "x.a")]
    public void Readable_names_the_first_thing_that_cannot_be_read_or_forwarded(string json, string path)
    {
        var error = JsonChecks.Readable(Parse(json), "x");
        Assert.NotNull(error);
        Assert.Equal(400, error.Status);
        Assert.Equal(path, error.Param);
    }

    [Fact]
    public void Raw_invalid_utf8_is_unreadable_text_and_valid_json_is_readable()
    {
        byte[] bytes = [.. "{\"a\":\""u8.ToArray(), 0xC3, 0x28, .. "\"}"u8.ToArray()];
        var invalid = JsonDocument.Parse(bytes).RootElement;
        Assert.Equal("x.a", JsonChecks.Readable(invalid, "x")!.Param);
        Assert.NotNull(JsonChecks.Text(invalid, "a", out _));
        Assert.Null(JsonChecks.Readable(Parse("""{"a":[1,2.5,"text",{"b":null,"c":true}],"d":7.9e28}"""), "x"));
        Assert.Null(JsonChecks.Text(Parse(Encoding.UTF8.GetString("{\"a\":\"fine\"}"u8)), "a", out var text));
        Assert.Equal("fine", text);
    }
}
