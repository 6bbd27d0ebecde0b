using System.Net;
using Crynux.Bridge.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace Crynux.Bridge.Tests.Api;

/// <summary>What no handler answers itself: an unexpected exception and an unreadable request, in each family's envelope.</summary>
public sealed class ErrorEnvelopeMiddlewareTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        var app = builder.Build();
        ErrorEnvelopes.Use(app);
        foreach (var path in new[] { "/v1/chat/completions", "/v1/inference_tasks" })
        {
            app.MapGet(path, string () => throw new InvalidOperationException("a bug"));
            app.MapPost(path, string () => throw new BadHttpRequestException("Bad chunk size data.", 400));
        }
        await app.StartAsync(Ct);
        return app;
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/inference_tasks")]
    public async Task An_unexpected_exception_is_a_500_and_an_unreadable_request_a_400_in_the_envelope(string path)
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();
        using var crash = await client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, crash.StatusCode);
        var body = await crash.Content.ReadAsStringAsync(Ct);
        SafetyChecks.AssertEnvelope(path, body, 500);
        Assert.DoesNotContain("a bug", body, StringComparison.Ordinal);

        using var unreadable = await client.PostAsync(path, new StringContent("{}"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        SafetyChecks.AssertEnvelope(path, await unreadable.Content.ReadAsStringAsync(Ct), 400);
    }
}
