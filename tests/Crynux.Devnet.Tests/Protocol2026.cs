using System.Net;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Tests;

/// <summary>Shared steps of the 2026-protocol tests.</summary>
public static class Protocol2026
{
    public static Task<TestDevnet> StartAsync(Action<DevnetOptions>? configure = null) =>
        TestDevnet.StartAsync(o =>
        {
            o.Protocol = 2026;
            configure?.Invoke(o);
        });

    /// <summary>create → ScoreReady → validate → EndSuccess.</summary>
    public static async Task<TaskSpec> RunToSuccessAsync(TestDevnet devnet, TaskSpec spec)
    {
        devnet.Control.EnqueueSamplingSeed(TestDevnet.FindSeed(devnet.Creator.Key, selected: false));
        await devnet.CreateAsync(spec);
        var ready = await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.ScoreReady);
        Assert.Equal(HttpStatusCode.OK, (await devnet.Creator.ValidateAsync([spec.Commitment], spec.TaskId, TestDevnet.SeedOf(ready))).Status);
        await devnet.WaitAsync(spec.Commitment, RelayTaskStatus.EndSuccess);
        return spec;
    }

    public static async Task AssertGin404Async(HttpClient http, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (method == HttpMethod.Post)
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("404 page not found", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
