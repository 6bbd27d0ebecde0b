using System.Net;
using System.Text;
using System.Text.Json;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;
using Crynux.Devnet.Relay;
using static Crynux.Bridge.Tests.Responses.ResponsesHttp;

namespace Crynux.Bridge.Tests.Responses;

/// <summary>
/// A stored response whose bridge stops while its task runs is finished by the next run: GET shows the answer, and
/// previous_response_id continues it, without a second task.
/// </summary>
public sealed class ResponseRestartTests
{
    [Theory]
    [MemberData(nameof(TestDatabases.All), MemberType = typeof(TestDatabases))]
    public async Task A_response_in_progress_when_the_bridge_stops_is_finished_after_the_restart(string driver)
    {
        // Each task runs for 10 s of devnet time, which stands still until the test advances it.
        await using var bridge = await TestBridge.StartAsync(driver, devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour
        {
            MinExecutionDelay = TimeSpan.FromSeconds(10),
            MaxExecutionDelay = TimeSpan.FromSeconds(10),
        });
        var id = await StartStreamAsync(bridge);
        await WaitForStatusAsync(bridge, id, "in_progress");
        Assert.Equal(1, await TaskCountAsync(bridge));
        // Stopped once a node runs the task, so that the devnet time advanced below is the task's running time.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!bridge.Devnet.Control.GetTasks().Any(t => t.Status == RelayTaskStatus.Started) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, Ct);
        }

        await bridge.StopBridgeAsync();
        await bridge.StartBridgeAsync();
        bridge.DevnetTime.Advance(TimeSpan.FromSeconds(11));

        var done = await WaitForStatusAsync(bridge, id, "completed");
        Assert.False(string.IsNullOrEmpty(OutputText(done)));
        Assert.Equal("Be brief.", done.GetProperty("instructions").GetString());
        Assert.Equal(1, await TaskCountAsync(bridge));

        // The recovered conversation continues like any other (the next task runs at once).
        bridge.Devnet.Control.DefaultNodeBehaviour = new NodeBehaviour();
        var next = await bridge.PostAsync("v1/responses", new { model = Model, input = "And?", previous_response_id = id, store = false });
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(id, (await TestBridge.JsonAsync(next)).GetProperty("previous_response_id").GetString());
    }

    /// <summary>Opens a stored streaming response and returns its id from response.created.</summary>
    private static async Task<string> StartStreamAsync(TestBridge bridge)
    {
        var body = JsonSerializer.Serialize(new { model = Model, input = "hello there", instructions = "Be brief.", stream = true });
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(bridge.BaseUrl, "v1/responses")) { Content = content };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bridge.ApiKey);
        using var response = await bridge.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        while (await reader.ReadLineAsync(Ct) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(line[6..]).RootElement.GetProperty("response").GetProperty("id").GetString()!;
            }
        }
        throw new InvalidOperationException("The stream ended before response.created.");
    }

    private static async Task<JsonElement> WaitForStatusAsync(TestBridge bridge, string id, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await SendAsync(bridge, HttpMethod.Get, "v1/responses/" + id);
            last = await response.Content.ReadAsStringAsync(Ct);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var json = JsonDocument.Parse(last).RootElement.Clone();
                if (json.GetProperty("status").GetString() == status)
                {
                    return json;
                }
            }
            await Task.Delay(50, Ct);
        }
        throw new Xunit.Sdk.XunitException($"Response {id} never reached {status}; last answer: {last}");
    }
}
