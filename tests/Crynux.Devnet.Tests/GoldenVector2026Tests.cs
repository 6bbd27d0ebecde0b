using System.Net;
using System.Text.Json.Nodes;
using Crynux.Crypto;
using Microsoft.Extensions.Time.Testing;

namespace Crynux.Devnet.Tests;

/// <summary>
/// The signatures of the 2026 routes (computed outside this project) must be accepted as-is: the devnet re-renders each
/// batch body as the Relay does. Each step's answer shows the recovered signer was the vector's address.
/// </summary>
public class GoldenVector2026Tests
{
    private const string Address = "0xd075aB490857256e6fc85d75d8315e7c9914e008";
    private const string Commitment = "0x3e92e0db88d6afea9edc4eedf62fffa4d92bcdfc310dccbe943747fe8302e871";

    [Fact]
    public async Task Golden_batch_create_status_results_validate_and_abort_signatures_are_accepted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1700000000));
        var options = new DevnetOptions { TimeProvider = time, Protocol = 2026 };
        options.Nodes.Clear();
        await using var host = await DevnetHost.StartAsync(options, TestContext.Current.CancellationToken);
        host.Control.Fund(Address, TestDevnet.Cnx * 10);
        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        var client = new SigningClient(http, EthKey.Generate(), () => 1700000000);

        var create = await client.PostJsonAsync("v1/inference_tasks/batch", JsonNode.Parse("""
            {"items":[{"task_id_commitment":"0x3e92e0db88d6afea9edc4eedf62fffa4d92bcdfc310dccbe943747fe8302e871","task_args":"{\"model\":\"Qwen/Qwen2.5-7B\",\"messages\":[{\"role\":\"user\",\"content\":\"a<b & c>d 你好\"}]}","task_type":1,"nonce":"0x2222222222222222222222222222222222222222222222222222222222222222","task_model_ids":["base:Qwen/Qwen2.5-7B"],"min_vram":24,"required_gpu":"","required_gpu_vram":0,"task_version":"3.0.0","task_size":1,"task_fee":"6000000000000000000"}],
             "timestamp":1700000000,"signature":"0xb80dbdc2ae2ce643955583714ea94963d93920f38c12c0efedd49cc1969e291523c6d3a514a564d96791500618933e953d3ac3d520f4ee35e838f695b0cc859d01"}
            """)!);
        Assert.Equal(("created", null), create.Outcomes().Single());
        Assert.Equal(TestDevnet.Cnx * 4, host.Control.GetBalance(Address));

        var status = await client.PostJsonAsync("v1/inference_tasks/batch/status", new JsonObject
        {
            ["task_id_commitments"] = new JsonArray(Commitment),
            ["timestamp"] = 1700000000,
            ["signature"] = "0x946b020b74adea81c018195a076bb199c792f5f912a0a9a62911d3ecb64569bf3cac5080674fe8fabd261e378aabb1757639ebdfa570a2f49e7565a786a3de8600",
        });
        Assert.True(status.Data![0]!["found"]!.GetValue<bool>());

        var results = await client.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{Commitment}/results?timestamp=1700000000&signature=" +
            "0xcbd9ac8e026ad0f79d68774072eb1d3ae236ad77557502fda9f2361d6daa9bb052a39db59c533ca7ec5d87029b6d07c308d1da3e461080446989235b76b5524a00");
        Assert.Equal(("task_id", "Task results not uploaded"), results.Validation);

        var validate = await client.PostJsonAsync("v1/inference_tasks/batch/validate", new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject
            {
                ["task_id_commitments"] = new JsonArray(Commitment),
                ["task_id"] = "0x" + new string('1', 64),
                ["vrf_proof"] = "0x" + new string('0', 162),
                ["public_key"] = "0x57c360de911edfd7002b179ed072d185bfa7116da4c4dfe991a24dfecb410ad4d22b74f8c010d8086a161b205563816fa05c054d062dde0aed77c48474f45e9b",
            }),
            ["timestamp"] = 1700000000,
            ["signature"] = "0xa5c4ea9f2b7e8414efe60f97dddacd372b77a5fe485fdf9838558675d0b1e13d6e013f85343bb8b2e043b1816a428732d248f6f6ecaa5fb0815fa9293c2ef58400",
        });
        // Owned by the signer (else "task not found"), but still Queued.
        Assert.Equal(("permanent_error", "illegal task state"), validate.Outcomes().Single());

        var abort = await client.PostJsonAsync("v1/inference_tasks/batch/abort", new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["task_id_commitment"] = Commitment, ["abort_reason"] = 7 }),
            ["timestamp"] = 1700000000,
            ["signature"] = "0x6a49caef8c057dfc91b6e10b98e1ffe6b1b23c2d3513207c0114b91c36b0d55f0aae5887c9fc39e1dd6c4c71a37fbb595d58829d948d8d59bde327de099be02e01",
        });
        Assert.Equal(("cancelled", null), abort.Outcomes().Single());
        Assert.Equal(TestDevnet.Cnx * 10, host.Control.GetBalance(Address));
        Assert.Equal(HttpStatusCode.OK, abort.Status);
    }
}
