using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

/// <summary>Malformed requests to every 2026 route: the Relay's 400 envelope, never a 500, and no state change.</summary>
public class BadInput2026Tests
{
    private static readonly string[] BatchPaths =
        ["v1/inference_tasks/batch", "v1/inference_tasks/batch/status", "v1/inference_tasks/batch/validate", "v1/inference_tasks/batch/abort"];

    private static readonly string[] Bodies =
    [
        "", "{", "[]", "null", "123", "\"x\"", "{\"items\":\"x\"}", "{\"items\":{}}", "{\"items\":[1]}", "{\"items\":[null]}", "{\"items\":[[]]}",
        "{\"items\":[{\"task_type\":-1}],\"timestamp\":1,\"signature\":\"0x00\"}", "{\"items\":[{\"task_type\":300}]}",
        "{\"items\":[{\"task_fee\":{}}]}", "{\"items\":[{\"task_fee\":\"1e18\"}]}", "{\"items\":[{\"task_model_ids\":\"x\"}]}",
        "{\"items\":[{\"task_model_ids\":[1]}]}", "{\"items\":[{\"min_vram\":1.5}]}", "{\"items\":[{\"abort_reason\":\"7\"}]}",
        "{\"items\":[{\"task_id_commitments\":[null]}]}", "{\"items\":[{\"task_id_commitments\":\"x\"}]}",
        "{\"task_id_commitments\":\"x\"}", "{\"task_id_commitments\":[1]}", "{\"task_id_commitments\":[null]}", "{\"task_id_commitments\":{}}",
        "{\"timestamp\":\"x\"}", "{\"timestamp\":1e400}", "{\"timestamp\":1.5}", "{\"signature\":5}",
        "{\"items\":[{}],\"task_id_commitments\":[\"a\"],\"timestamp\":1,\"signature\":\"x\"}",
        "{\"items\":[{}],\"task_id_commitments\":[\"a\"],\"timestamp\":1,\"signature\":\"0xzz\"}",
        "{\"items\":[{}],\"task_id_commitments\":[\"a\"],\"timestamp\":-5,\"signature\":\"0x" + new string('1', 130) + "\"}",
        new string('[', 5000),
    ];

    private static readonly string[] GetPaths =
    [
        "v1/inference_tasks/{c}/results?timestamp=x&signature=0x00", "v1/inference_tasks/{c}/results?timestamp=99999999999999999999&signature=0x00",
        "v1/inference_tasks/{c}/results?timestamp=1&signature=0", "v1/inference_tasks/{c}/results?timestamp=1&signature=0x" + "zz",
        "v1/inference_tasks/zz/results?timestamp=1&signature=0x" + "11",
        "v2/models/sd/execution-time?model=m&quantize_bits=1.5&min_vram=8", "v2/models/llm/execution-time?model=m&gpu_name=x&gpu_vram=-1",
        "v2/models/sd/execution-time?model=m&min_vram=99999999999999999999", "v2/models/llm/execution-time?model=m&min_vram=-3",
    ];

    [Fact]
    public async Task Every_malformed_request_to_a_new_route_gets_a_relay_400_and_changes_nothing()
    {
        await using var devnet = await Protocol2026.StartAsync(o => o.DefaultNodeBehaviour = new NodeBehaviour { NeverFinish = true });
        var queued = await devnet.CreateAsync(TaskSpec.Sd() with { MinVram = 1000 });
        var running = await devnet.CreateAsync(TaskSpec.Llm());
        await devnet.WaitAsync(running.Commitment, RelayTaskStatus.Started);
        var before = State(devnet);

        var checkedCount = 0;
        foreach (var path in BatchPaths)
        {
            foreach (var body in Bodies)
            {
                await AssertRelay400Async(devnet, HttpMethod.Post, path, new StringContent(body, Encoding.UTF8, "application/json"), body);
                checkedCount++;
            }
            await AssertRelay400Async(devnet, HttpMethod.Post, path, new FormUrlEncodedContent([new("items", "x")]), "form");
        }
        foreach (var path in GetPaths)
        {
            await AssertRelay400Async(devnet, HttpMethod.Get, path.Replace("{c}", queued.Commitment, StringComparison.Ordinal), null, path);
            checkedCount++;
        }
        Assert.True(checkedCount > 100);
        Assert.Equal(before, State(devnet));
    }

    [Fact]
    public async Task A_2026_single_create_without_min_vram_or_task_size_is_a_400_before_any_charge()
    {
        await using var devnet = await Protocol2026.StartAsync();
        foreach (var missing in new[] { "min_vram", "task_size" })
        {
            var spec = TaskSpec.Sd();
            var signed = BatchRequests.Item(spec);
            signed[missing] = null;
            var (ts, sig) = devnet.Creator.Sign(signed);
            var form = signed.Where(p => p.Value is not null && p.Key != "task_model_ids")
                .Select(p => new KeyValuePair<string, string>(p.Key, p.Value!.GetValueKind() == System.Text.Json.JsonValueKind.String ? p.Value.GetValue<string>() : p.Value.ToJsonString()))
                .Append(new("task_model_ids", spec.ModelIds[0])).Append(new("timestamp", ts)).Append(new("signature", sig));
            var reply = await devnet.Creator.SendAsync(HttpMethod.Post, $"v1/inference_tasks/{spec.Commitment}", new FormUrlEncodedContent(form));
            Assert.Equal((missing, "required"), reply.Validation);
        }
        Assert.Empty(devnet.Control.GetTasks());
        Assert.Equal(TestDevnet.InitialFunds, devnet.Control.GetBalance(devnet.Creator.Address));
    }

    private static async Task AssertRelay400Async(TestDevnet devnet, HttpMethod method, string path, HttpContent? content, string what)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        using var response = await devnet.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} with {what}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(text)!;
        Assert.Equal("validation_error", body["message"]!.GetValue<string>());
        Assert.NotNull(body["data"]!["field_name"]);
    }

    private static string State(TestDevnet devnet) => string.Join('|',
        devnet.Control.GetTasks().Count, devnet.Control.GetLedger().Count, devnet.Control.GetEvents().Count,
        devnet.Control.GetBalance(devnet.Creator.Address),
        string.Join(',', devnet.Control.GetTasks().Select(t => $"{t.Status}:{t.TaskId}")));
}
