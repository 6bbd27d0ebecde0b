using System.Net;
using Crynux.Bridge.Api;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Relay;
using Crynux.Bridge.Tests.Api;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;

namespace Crynux.Bridge.Tests.Relay2026;

/// <summary>A 2026 Relay's base-model check at create: what its two answers become for the client.</summary>
public sealed class BaseModelErrorTests
{
    [Fact]
    public void An_invalid_base_model_is_the_clients_404_model_not_found()
    {
        var rejected = new RelayException(RelayErrorKind.Rejected, 400, "task_model_ids", "invalid base model\nhuggingface model not found");
        var failure = Failure.Prefix(rejected) + rejected.RelayMessage;
        Assert.StartsWith("model_not_found: ", failure, StringComparison.Ordinal);
        var problem = TaskRuns.FailureProblem(failure);
        Assert.Equal((404, "model_not_found", "invalid_request_error"), (problem.Status, problem.Code, problem.Type));
        Assert.Null(problem.RetryAfterOrDefault);
    }

    [Fact]
    public void A_base_model_check_outage_is_the_clients_503_with_retry_after()
    {
        var outage = new RelayException(RelayErrorKind.ServerError, 500, null, "base model check temporarily unavailable");
        var problem = TaskRuns.FailureProblem(Failure.Prefix(outage) + outage.RelayMessage);
        Assert.Equal((503, "model_check_unavailable"), (problem.Status, problem.Code));
        Assert.NotNull(problem.RetryAfterOrDefault);
    }

    [Fact]
    public void Other_rejections_keep_their_codes()
    {
        Assert.Equal("relay_rejected: ", Failure.Prefix(new RelayException(RelayErrorKind.Rejected, 400, "task_args", "Invalid task_args")));
        Assert.Equal("insufficient_balance: ", Failure.Prefix(new RelayException(RelayErrorKind.Rejected, 400, "task_fee", "Insufficient relay account balance")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_chat_for_a_model_the_relay_cannot_find_gets_404_or_503_and_costs_nothing(bool hubDown)
    {
        // No node holds any model and the hub knows none (or is down): the 2026 create's base-model check refuses.
        await using var bridge = await TestBridge.StartAsync(devnet: o =>
        {
            o.Protocol = 2026;
            o.Nodes.Clear();
            o.Nodes.Add(new NodeOptions { Models = [] });
            o.Hub.Models.Clear();
            o.Hub.ForcedStatus = hubDown ? 503 : null;
        });
        using var chat = await bridge.PostAsync("v1/chat/completions", new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "hi" } } });
        var body = await chat.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(hubDown ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.NotFound, chat.StatusCode);
        Assert.Equal(hubDown ? null : "model", SafetyChecks.AssertEnvelope("/v1/chat/completions", body, hubDown ? 503 : 404)); // OpenAI's envelope
        Assert.Contains(hubDown ? "model_check_unavailable" : "model_not_found", body, StringComparison.Ordinal);
        Assert.Equal(hubDown, chat.Headers.RetryAfter is not null);
        Assert.Empty(bridge.Devnet.Control.GetTasks());
        Assert.Equal(0, bridge.CountLedger("TaskPayment"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_base_model_error_gives_the_keys_use_back(bool hubDown)
    {
        await using var bridge = await TestBridge.StartAsync(devnet: o =>
        {
            o.Protocol = 2026;
            o.Nodes.Clear();
            o.Nodes.Add(new NodeOptions { Models = [] });
            o.Hub.Models.Clear();
            o.Hub.ForcedStatus = hubDown ? 503 : null;
        });
        var client = "0x" + new string('5', 40);
        var key = await bridge.CreateKeyAsync(client, "chat", useLimit: 1, rateLimit: 0);
        for (var i = 0; i < 2; i++)
        {
            // With its one use given back each time, the key's single use is there for the second request too.
            using var chat = await bridge.PostAsync("v1/chat/completions", new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "hi" } } }, key);
            Assert.Equal(hubDown ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.NotFound, chat.StatusCode);
        }
        var row = await bridge.Service<ApiKeyStore>().FindByClientAsync(client, TestContext.Current.CancellationToken);
        Assert.Equal(0, row!.UsedCount);
        Assert.Equal(0, bridge.CountLedger("TaskPayment"));
    }
}
