using System.Net;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Relay2026;

/// <summary>
/// A Relay upgraded to the 2026 generation under a running bridge: the bridge probed it as 2025 (the first probe here is
/// answered with the old Relay's plain-text 404), so it asks for <c>…/results/0</c>; the upgraded Relay answers that with
/// the plain-text 404, and the bridge switches to the whole result in the same pass, with no failure, and keeps it.
/// </summary>
public sealed class RelayUpgradeTests
{
    private sealed class FirstProbeAnswersOldRelay : DelegatingHandler
    {
        private int _probes;

        public FirstProbeAnswersOldRelay() : base(new SocketsHttpHandler()) { }

        public List<string> ResultGets { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Get && path.Contains("/results", StringComparison.Ordinal))
            {
                lock (ResultGets)
                {
                    ResultGets.Add(path);
                }
                if (path.Contains("0x0000000000000000000000000000000000000000000000000000000000000000", StringComparison.Ordinal)
                    && Interlocked.Increment(ref _probes) == 1)
                {
                    return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("404 page not found") });
                }
            }
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task A_relay_upgraded_under_the_bridge_has_its_whole_result_route_used_from_the_first_plain_404()
    {
        using var handler = new FirstProbeAnswersOldRelay();
        await using var bridge = await TestBridge.StartAsync(devnet: o => o.Protocol = 2026, relayHandler: handler);
        var sd = await bridge.RunRawAsync(TestTasks.SdTask(2));

        Assert.Equal(ClientTaskStatus.Success, sd.Status);
        var member = (await bridge.Service<TaskStore>().GetInferenceTaskAsync(sd.ResultTaskId!.Value, TestContext.Current.CancellationToken))!;
        var task = member.TaskIdCommitment;
        Assert.Equal(
            ["probe", $"{task}/results/0", $"{task}/results"],
            handler.ResultGets.Select(p => p.Contains("0x000000000000000000000000", StringComparison.Ordinal) ? "probe" : p[(p.IndexOf("0x", StringComparison.Ordinal))..]));
    }
}
