using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Api;

/// <summary>Issue item 5: pages with a strict CSP and no inline script; image URLs never built from the client's Host header.</summary>
public sealed partial class PageSecurityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Pages = ["access-token.html", "image.html", "chat.html", "api_docs.html"];

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|javascript:", RegexOptions.IgnoreCase)]
    private static partial Regex InlineCode();

    [Fact]
    public async Task Every_page_and_its_scripts_are_sent_with_a_strict_csp_nosniff_no_framing_and_no_referrer()
    {
        await using var bridge = await TestBridge.StartAsync(configure: o => o.Api.PublicBaseUrl = "https://bridge.example.com/base/");
        foreach (var file in Pages.Concat(["access-token.js", "image.js", "finetune.js", "common.js", "site.css", "lib/crynux-crypto.js"]))
        {
            using var response = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, "static/" + file), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
            Assert.Contains("connect-src 'self' https://bridge.example.com;", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            if (file.EndsWith(".html", StringComparison.Ordinal))
            {
                var html = await response.Content.ReadAsStringAsync(Ct);
                Assert.False(InlineCode().IsMatch(html), $"{file} has inline script or style: {InlineCode().Match(html).Value}");
            }
        }
        Assert.Equal("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            global::Crynux.Bridge.Api.StaticPages.ContentSecurityPolicy(""));
    }

    [Fact]
    public async Task Image_urls_are_relative_or_from_public_base_url_never_from_a_forged_host()
    {
        await using var bridge = await TestBridge.StartAsync();
        var relative = await ImageUrlAsync(bridge);
        Assert.StartsWith("/v1/images/files/", relative, StringComparison.Ordinal);
        using (var image = await bridge.Http.GetAsync(new Uri(bridge.BaseUrl, relative.TrimStart('/')), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
        }
        bridge.Options.Api.PublicBaseUrl = "https://bridge.example.com/";
        var absolute = await ImageUrlAsync(bridge);
        Assert.StartsWith("https://bridge.example.com/v1/images/files/", absolute, StringComparison.Ordinal);
    }

    private static async Task<string> ImageUrlAsync(TestBridge bridge)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(bridge.BaseUrl, "v1/images/generations"))
        {
            Content = JsonContent(new { prompt = "a fox", size = "256x256", response_format = "url" }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bridge.ApiKey);
        request.Headers.Host = "evil.example";
        using var response = await bridge.Http.SendAsync(request, Ct);
        var json = await TestBridge.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        var url = json.GetProperty("data")[0].GetProperty("url").GetString()!;
        Assert.DoesNotContain("evil", url, StringComparison.Ordinal);
        return url;
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
