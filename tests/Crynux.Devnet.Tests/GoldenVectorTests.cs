using System.Net;
using Crynux.Crypto;
using Microsoft.Extensions.Time.Testing;

namespace Crynux.Devnet.Tests;

/// <summary>
/// The signatures of docs/protocol.md §2.7 (computed outside this project) must be accepted as-is: this checks that the
/// devnet rebuilds each endpoint's signed object exactly as the Relay does.
/// </summary>
public class GoldenVectorTests
{
    private const string Address = "0xd075aB490857256e6fc85d75d8315e7c9914e008";
    private const string Commitment = "0x3e92e0db88d6afea9edc4eedf62fffa4d92bcdfc310dccbe943747fe8302e871";

    [Fact]
    public async Task Golden_create_get_balance_and_abort_signatures_are_accepted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1700000000));
        var options = new DevnetOptions { TimeProvider = time, Protocol = 2025 };
        options.Nodes.Clear();
        await using var host = await DevnetHost.StartAsync(options, TestContext.Current.CancellationToken);
        host.Control.Fund(Address, TestDevnet.Cnx * 10);
        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        var client = new SigningClient(http, EthKey.Generate(), () => 1700000000);

        var form = new FormUrlEncodedContent(
        [
            new("task_args", "{\"model\":\"Qwen/Qwen2.5-7B\",\"messages\":[{\"role\":\"user\",\"content\":\"a<b & c>d 你好\"}]}"),
            new("task_type", "1"),
            new("nonce", "0x" + new string('2', 64)),
            new("task_model_ids", "base:Qwen/Qwen2.5-7B"),
            new("min_vram", "24"),
            new("required_gpu", ""),
            new("required_gpu_vram", "0"),
            new("task_version", "3.0.0"),
            new("task_size", "1"),
            new("task_fee", "6000000000000000000"),
            new("timestamp", "1700000000"),
            new("signature", "0x58d066201450043b948f0f59ba0d5358e268d20b1b82c126bba5ffe622a027aa76cbc48298df597dfa48e4d448ac29cec0af2b91845f165f031e43d6e7fa48cf01"),
        ]);
        var created = await client.SendAsync(HttpMethod.Post, $"v1/inference_tasks/{Commitment}", form);
        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal(Address, created.Data!["creator"]!.GetValue<string>());
        Assert.Equal(TestDevnet.Cnx * 4, host.Control.GetBalance(Address));

        var get = await client.SendAsync(HttpMethod.Get, $"v1/inference_tasks/{Commitment}?timestamp=1700000000&signature=" +
            "0xcbd9ac8e026ad0f79d68774072eb1d3ae236ad77557502fda9f2361d6daa9bb052a39db59c533ca7ec5d87029b6d07c308d1da3e461080446989235b76b5524a00");
        Assert.Equal(HttpStatusCode.OK, get.Status);

        var balance = await client.SendAsync(HttpMethod.Get, $"v2/relay_account/{Address}/balance?timestamp=1700000000&signature=" +
            "0xa11786f36cc2d1c5a19ec9267df301d37d6c15f91030a4646f5f1ff6a880006b116b58253b266cf35c10f5e8e884a0dfe230605e01373e63bfa622b6c3e63b0200");
        Assert.Equal((TestDevnet.Cnx * 4).ToString(), balance.Data!.GetValue<string>());

        var abort = await client.PostJsonAsync($"v1/inference_tasks/{Commitment}/abort_reason", System.Text.Json.Nodes.JsonNode.Parse(
            "{\"task_id_commitment\":\"" + Commitment + "\",\"abort_reason\":7,\"timestamp\":1700000000,\"signature\":\"0xb5acd9c6622f913e49ac0281d3ea8334c3fc01b6d1a0306c0d95d421d94034fc6c85260190ec9771f8b55747ebea8baacf86c618c246000d91e81ee9fff05adb00\"}")!);
        Assert.Equal(HttpStatusCode.OK, abort.Status);
        Assert.Equal(TestDevnet.Cnx * 10, host.Control.GetBalance(Address));
    }
}
