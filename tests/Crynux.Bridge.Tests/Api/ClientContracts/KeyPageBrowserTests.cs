using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Crypto;
using Microsoft.Playwright;

namespace Crynux.Bridge.Tests.Api.ClientContracts;

/// <summary>
/// Bridge-minted keys from a browser (Debian's Chromium through Playwright): the access-token page's "bridge-minted key"
/// mode, and the flow of the Crynux docs' hosted key page, served from its own https origin so that every call is a
/// cross-origin request with a CORS preflight.
/// </summary>
public sealed class KeyPageBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private const string HostedPage = "https://crynux-network.github.io/crynux-bridge/examples/access-key-generation.html";

    // The hosted page's calls, in its order and form: JSON bodies with Content-Type and Accept, the key put in the URL as
    // it is, every answer read as JSON, and steps 2-4 run even when one fails. Signing is the test's (signRoot below).
    private const string HostedFlow = """
        <!doctype html><html><head><meta charset="utf-8"><title>access key</title></head><body><pre id="log"></pre><script>
        async function generate(bridge, role, rateLimit, useLimit) {
          let base = bridge.trim();
          if (!/^https?:\/\//.test(base)) base = 'http://' + base;
          base = base.replace(/\/$/, '');
          const log = [];
          async function call(url, object, fields) {
            const timestamp = Math.floor(Date.now() / 1000);
            const signature = await signRoot(JSON.stringify(object), timestamp);
            const response = await fetch(url, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
              body: JSON.stringify({ ...fields, timestamp, signature }),
            });
            const data = await response.json();
            if (!response.ok) { log.push(`API Error (${response.status}) for ${url}: ${data.message}`); return null; }
            log.push(data.message);
            return data;
          }
          const created = await call(base + '/v1/api_key', {}, {});
          if (!created) return { log };
          const key = created.data.api_key;
          await call(`${base}/v1/api_key/${key}/role`, { api_key: key, role }, { role });
          await call(`${base}/v1/api_key/${key}/rate_limit`, { api_key: key, rate_limit: rateLimit }, { rate_limit: rateLimit });
          await call(`${base}/v1/api_key/${key}/use_limit`, { api_key: key, use_limit: useLimit }, { use_limit: useLimit });
          document.getElementById('log').textContent = log.join('\n');
          return { key, expires_at: created.data.expires_at, log };
        }
        </script></body></html>
        """;

    private TestBridge _bridge = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _bridge = await TestBridge.StartAsync();
        if (!File.Exists(Chromium))
        {
            return;
        }
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        await DebianChromium.CloseAsync(_playwright, _browser);
        await _bridge.DisposeAsync();
    }

    private async Task<IPage> PageAsync(List<string> problems)
    {
        if (_browser is null)
        {
            var reason = $"{Chromium} is not installed (apt-get install chromium)";
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail(reason);
            }
            Assert.Skip(reason);
        }
        var context = await _browser!.NewContextAsync();
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => problems.Add("page error: " + error);
        page.RequestFailed += (_, request) => problems.Add($"request failed: {request.Url} {request.Failure}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add("console error: " + message.Text);
            }
        };
        return page;
    }

    private static object Chat() => new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "Hi" } } };

    [Fact]
    public async Task The_access_token_page_mints_a_key_and_sets_its_roles_and_limits()
    {
        var problems = new List<string>();
        var page = await PageAsync(problems);
        await page.GotoAsync(new Uri(_bridge.BaseUrl, "static/access-token.html").ToString());
        await page.FillAsync("#root-key", _bridge.Wallet.ExportHex());
        await page.CheckAsync("#mode-minted");
        Assert.True(await page.IsHiddenAsync("#client-field"));
        await page.UncheckAsync("#role-image");
        await page.FillAsync("#use-limit", "7");
        await page.FillAsync("#rate-limit", "30");
        await page.ClickAsync("#create");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#steps li.done').length === 4 || !document.getElementById('error').classList.contains('hidden')");
        Assert.True(await page.IsHiddenAsync("#error"), await page.TextContentAsync("#error"));
        var key = (await page.TextContentAsync("#api-key-output"))!.Trim();
        var row = await _bridge.Service<ApiKeyStore>().FindByClientAsync((await page.TextContentAsync("#result-client"))!.Trim(), Ct);
        Assert.NotNull(row);
        Assert.Equal(ApiKeys.Hash(key), row.KeyHash);
        Assert.Equal(["chat"], row.RoleList);
        Assert.Equal((7, 30), (row.UseLimit, row.RateLimit));
        using var chat = await _bridge.PostAsync("v1/chat/completions", Chat(), key);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_hosted_pages_flow_works_cross_origin_with_its_preflights()
    {
        var problems = new List<string>();
        var page = await PageAsync(problems);
        // Chromium asks the user before a public page reaches a loopback address (Local Network Access); a user of the
        // hosted page answers "Allow", which is this grant.
        await page.Context.GrantPermissionsAsync(["local-network-access"], new BrowserContextGrantPermissionsOptions { Origin = "https://crynux-network.github.io" });
        await page.RouteAsync(HostedPage, route => route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = HostedFlow }));
        await page.ExposeFunctionAsync<string, long, string>("signRoot",
            (json, timestamp) => Hex.Encode(_bridge.Wallet.Sign(Keccak256.Hash(SignedRequest.Message(JsonNode.Parse(json), timestamp)))));
        var preflights = 0;
        page.Request += (_, request) =>
        {
            if (request.Method == "OPTIONS")
            {
                Interlocked.Increment(ref preflights);
            }
        };
        await page.GotoAsync(HostedPage);
        var bridge = $"127.0.0.1:{_bridge.Options.Http.Port}";
        JsonElement result;
        try
        {
            result = await page.EvaluateAsync<JsonElement>("([b]) => generate(b, 'chat', 60, 1000)", new object[] { bridge });
        }
        catch (PlaywrightException e)
        {
            Assert.Fail(e.Message + " | " + string.Join(" | ", problems));
            throw;
        }
        var log = result.GetProperty("log").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.True(log.All(l => l == "success") && log.Count == 4, string.Join(" | ", log) + " " + string.Join(" | ", problems));
        var key = result.GetProperty("key").GetString()!;
        var row = await _bridge.Service<ApiKeyStore>().FindByHashAsync(ApiKeys.Hash(key), Ct);
        Assert.Equal(["chat"], row!.RoleList);
        Assert.Equal((1000, 60), (row.UseLimit, row.RateLimit));
        Assert.Empty(problems);
        TestContext.Current.TestOutputHelper?.WriteLine($"preflights seen by the page: {preflights}");

        // The preflight itself, as Chromium sends it from the hosted page's origin (private network access included).
        using var preflight = new HttpRequestMessage(HttpMethod.Options, new Uri(_bridge.BaseUrl, $"v1/api_key/{key}/role"));
        preflight.Headers.Add("Origin", "https://crynux-network.github.io");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        preflight.Headers.Add("Access-Control-Request-Private-Network", "true");
        using var answer = await _bridge.Http.SendAsync(preflight, Ct);
        Assert.True(answer.IsSuccessStatusCode, answer.StatusCode.ToString());
        Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", string.Join(',', answer.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        Assert.Contains("content-type", string.Join(',', answer.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("true", answer.Headers.GetValues("Access-Control-Allow-Private-Network").Single());
    }
}
