using Crynux.Bridge.Api;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Relay;

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
}
