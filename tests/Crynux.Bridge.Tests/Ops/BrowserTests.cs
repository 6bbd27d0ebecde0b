using System.Text.Json;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Crypto;
using Microsoft.Playwright;

namespace Crynux.Bridge.Tests.Ops;

/// <summary>
/// The pages in Debian's Chromium (driven by Playwright, never downloading a browser) against the bridge on the devnet:
/// create a key on the access-token page, get a picture on the image page and hold a streamed two-turn chat.
/// Screenshots go to artifacts/test-results/screenshots.
/// </summary>
public sealed class BrowserTests : IAsyncLifetime
{
    private TestBridge _bridge = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        _bridge = await TestBridge.StartAsync();
        (_playwright, _browser) = await DebianChromium.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await DebianChromium.CloseAsync(_playwright, _browser);
        await _bridge.DisposeAsync();
    }

    private IBrowser Browser() => DebianChromium.Require(_browser);

    /// <summary>
    /// Clicks a link and waits until the next page's document is there (not its "load" event). On two loaded cores a click
    /// landing during the previous page's last layout was seen once to navigate nowhere; it is then clicked again, once.
    /// </summary>
    private static async Task FollowLinkAsync(IPage page, string selector, string urlGlob)
    {
        await page.ClickAsync(selector);
        try
        {
            await page.WaitForURLAsync(urlGlob, new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            Console.WriteLine($"browser test: clicking {selector} did not reach {urlGlob} within 15 s (now at {page.Url}); clicking again");
            await page.ClickAsync(selector);
            await page.WaitForURLAsync(urlGlob, new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 45_000 });
        }
    }

    private static Task ScreenshotAsync(IPage page, string name) => DebianChromium.ScreenshotAsync(page, name);

    [Fact]
    public void The_pages_and_their_signing_bundle_are_in_the_output()
    {
        foreach (var file in new[] { "access-token.html", "access-token.js", "image.html", "image.js", "finetune.js", "chat.html", "api_docs.html", "common.js", "site.css", "lib/crynux-crypto.js" })
        {
            Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot", file)), $"wwwroot/{file} is missing from the test output");
        }
    }

    [Fact]
    public async Task A_key_made_on_the_access_token_page_gets_a_picture_and_a_streamed_two_turn_chat()
    {
        var browser = Browser();
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.PageError += (_, error) => problems.Add("page error: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add("console error: " + message.Text);
            }
        };
        page.RequestFailed += (_, request) => problems.Add($"request failed: {request.Url} {request.Failure}");

        // 1. Access token page: root key, a client address, roles and limits; signed in the browser.
        await page.GotoAsync(new Uri(_bridge.BaseUrl, "static/access-token.html").ToString());
        Assert.Equal(_bridge.BaseUrl.ToString().TrimEnd('/'), await page.InputValueAsync("#bridge"));
        await page.FillAsync("#root-key", _bridge.Wallet.ExportHex());
        await page.WaitForFunctionAsync("() => document.getElementById('root-address').textContent.includes('Signs as')");
        Assert.Contains(_bridge.Wallet.Address, await page.TextContentAsync("#root-address"), StringComparison.Ordinal);
        var client = EthKey.Generate().Address;
        await page.FillAsync("#client-address", client.ToLowerInvariant());
        await page.FillAsync("#use-limit", "50");
        await page.FillAsync("#rate-limit", "120");
        await ScreenshotAsync(page, "1-access-token-form");
        await page.ClickAsync("#create");
        await page.WaitForSelectorAsync("#result:not(.hidden)");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#steps li.done').length === 5 || !document.getElementById('error').classList.contains('hidden')");
        Assert.True(await page.IsHiddenAsync("#error"), await page.TextContentAsync("#error"));
        Assert.Equal(client, await page.InputValueAsync("#client-address"));
        var apiKey = (await page.TextContentAsync("#api-key-output"))!.Trim();
        Assert.True(apiKey.Length >= 32, apiKey);
        await ScreenshotAsync(page, "2-access-token-created");
        var row = await _bridge.Service<ApiKeyStore>().FindByClientAsync(client, TestContext.Current.CancellationToken);
        Assert.NotNull(row);
        Assert.Equal(["chat", "image"], row.RoleList.Order(StringComparer.Ordinal));
        Assert.Equal(50, row.UseLimit);
        Assert.Equal(120, row.RateLimit);

        // 2. Image page: the key comes along in session storage (never in the URL).
        await FollowLinkAsync(page, "#use-image", "**/static/image.html");
        Assert.Equal(apiKey, await page.InputValueAsync("#api-key"));
        await page.FillAsync("#prompt", "a lighthouse on a cliff at dusk");
        await page.ClickAsync("#generate");
        var image = await page.WaitForSelectorAsync("#images figure img");
        await page.WaitForFunctionAsync("() => { const img = document.querySelector('#images figure img'); return img.complete && img.naturalWidth > 0; }");
        Assert.True(await page.IsHiddenAsync("#error"), await page.TextContentAsync("#error"));
        Assert.Equal(512, await image!.EvaluateAsync<int>("img => img.naturalWidth"));
        Assert.StartsWith("data:image/png;base64,", await image.GetAttributeAsync("src"), StringComparison.Ordinal);
        await ScreenshotAsync(page, "3-image-generated");

        // 3. Chat page: two turns, each streamed; the second request carries the first turn.
        await FollowLinkAsync(page, "nav a[href='chat.html']", "**/static/chat.html");
        Assert.Equal(apiKey, await page.InputValueAsync("#api-key"));
        var requests = new List<JsonElement>();
        var streamed = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.EndsWith("/v1/llm/chat/completions", StringComparison.Ordinal) && request.PostData is { } body)
            {
                requests.Add(JsonDocument.Parse(body).RootElement.Clone());
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Url.EndsWith("/v1/llm/chat/completions", StringComparison.Ordinal))
            {
                streamed.Add(response.Headers.GetValueOrDefault("content-type", ""));
            }
        };
        foreach (var (turn, text) in new[] { (1, "Hello! What can you do?"), (2, "Tell me more about the second point.") })
        {
            await page.FillAsync("#input", text);
            await page.PressAsync("#input", "Enter");
            await page.WaitForFunctionAsync(
                $"() => document.querySelectorAll('.message.assistant[data-meta]:not(.pending)').length === {turn} || !document.getElementById('error').classList.contains('hidden')");
            Assert.True(await page.IsHiddenAsync("#error"), await page.TextContentAsync("#error"));
        }
        var replies = await page.Locator(".message.assistant").AllTextContentsAsync();
        Assert.Equal(2, replies.Count);
        Assert.All(replies, r => Assert.False(string.IsNullOrWhiteSpace(r)));
        Assert.Equal(2, await page.Locator(".message.user").CountAsync());
        Assert.Equal(0, await page.Locator(".message.failed").CountAsync());
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.True(r.GetProperty("stream").GetBoolean()));
        Assert.Equal(1, requests[0].GetProperty("messages").GetArrayLength());
        var second = requests[1].GetProperty("messages");
        Assert.Equal(3, second.GetArrayLength());
        Assert.Equal("assistant", second[1].GetProperty("role").GetString());
        Assert.Equal(replies[0], second[1].GetProperty("content").GetString());
        Assert.All(streamed, t => Assert.StartsWith("text/event-stream", t, StringComparison.Ordinal));
        await ScreenshotAsync(page, "4-chat-two-turns");

        // 4. The API docs page is reachable from the nav and renders the OpenAPI document.
        await FollowLinkAsync(page, "nav a[href='api_docs.html']", "**/static/api_docs.html");
        await page.WaitForFunctionAsync("() => document.body.innerText.includes('/v1/chat/completions')");
        await ScreenshotAsync(page, "5-api-docs");

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        var tasks = await _bridge.Service<TaskStore>().ListClientTasksAsync(client, 10, TestContext.Current.CancellationToken);
        Assert.Equal(3, tasks.Count(t => t.Status == ClientTaskStatus.Success));
    }
}
