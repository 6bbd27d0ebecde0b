using Crynux.Bridge.Tests.Support;
using Microsoft.Playwright;

namespace Crynux.Bridge.Tests.Api;

/// <summary>
/// Every page under its Content-Security-Policy in Debian's Chromium: the browser reports no violation (a refused script,
/// style, image or request) while each page renders what it builds, including every operation of the API docs page.
/// </summary>
public sealed class PageCspBrowserTests : IAsyncLifetime
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

    [Fact]
    public async Task Every_page_works_under_its_csp_without_a_single_violation()
    {
        var browser = DebianChromium.Require(_browser);
        await using var context = await browser.NewContextAsync();
        context.SetDefaultTimeout(60_000);
        await context.AddInitScriptAsync(DebianChromium.CspRecorder);
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

        foreach (var name in new[] { "access-token.html", "image.html", "chat.html", "api_docs.html" })
        {
            var response = await page.GotoAsync(new Uri(_bridge.BaseUrl, "static/" + name).ToString());
            var csp = await response!.HeaderValueAsync("content-security-policy");
            Assert.NotNull(csp);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            switch (name)
            {
                case "access-token.html":
                    // The signing bundle runs: typing the root key shows its address.
                    await page.FillAsync("#root-key", _bridge.Wallet.ExportHex());
                    await page.WaitForFunctionAsync("() => document.getElementById('root-address').textContent.includes('Signs as')");
                    break;
                case "image.html":
                    // The fine-tune tab's form shows (finetune.js builds nothing inline either).
                    await page.ClickAsync("#tab-finetune");
                    await page.WaitForSelectorAsync("#finetune-form");
                    break;
                case "api_docs.html":
                    // Build every operation (their bodies are made on first open), then send one from its try-it box.
                    await page.WaitForFunctionAsync("() => document.querySelectorAll('details.op').length > 10");
                    await page.EvaluateAsync("() => document.querySelectorAll('details.op').forEach(d => d.open = true)");
                    await page.WaitForFunctionAsync("() => [...document.querySelectorAll('details.op')].every(d => d.querySelector('.op-body'))");
                    var models = page.Locator("details.op").Filter(new() { HasText = "/v1/models/base" }).First;
                    await models.Locator("button", new() { HasText = "Send" }).First.ClickAsync();
                    await page.WaitForFunctionAsync("() => document.body.innerText.includes('Stable Diffusion 1.5')");
                    break;
            }
            var violations = await page.EvaluateAsync<string[]>("() => window.__csp");
            Assert.True(violations.Length == 0, $"{name}: {string.Join("; ", violations)}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
