using System.Net;
using Crynux.Bridge.Tests.Support;
using static Crynux.Bridge.Tests.Responses.ResponsesHttp;

namespace Crynux.Bridge.Tests.Responses;

/// <summary>The stored responses (the llm_responses table) on each database the bridge runs on.</summary>
public sealed class ResponseStoreDatabaseTests
{
    [Theory]
    [MemberData(nameof(TestDatabases.All), MemberType = typeof(TestDatabases))]
    public async Task A_conversation_is_stored_continued_read_and_deleted(string driver)
    {
        await using var bridge = await TestBridge.StartAsync(driver);
        using var first = await bridge.PostAsync("v1/responses", new { model = Model, input = "Hello there", metadata = new { k = "ü ✓" } });
        var firstJson = await TestBridge.JsonAsync(first);
        Assert.True(first.StatusCode == HttpStatusCode.OK, firstJson.ToString());
        using var second = await bridge.PostAsync("v1/responses", new { model = Model, input = "And then?", previous_response_id = firstJson.GetProperty("id").GetString() });
        var secondJson = await TestBridge.JsonAsync(second);
        Assert.True(second.StatusCode == HttpStatusCode.OK, secondJson.ToString());
        var id = secondJson.GetProperty("id").GetString()!;
        using var read = await SendAsync(bridge, HttpMethod.Get, "v1/responses/" + id);
        Assert.Equal(secondJson.ToString(), (await TestBridge.JsonAsync(read)).ToString());
        using var readFirst = await SendAsync(bridge, HttpMethod.Get, "v1/responses/" + firstJson.GetProperty("id").GetString());
        Assert.Equal("ü ✓", (await TestBridge.JsonAsync(readFirst)).GetProperty("metadata").GetProperty("k").GetString());
        using var deleted = await SendAsync(bridge, HttpMethod.Delete, "v1/responses/" + id);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        using var gone = await SendAsync(bridge, HttpMethod.Get, "v1/responses/" + id);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
