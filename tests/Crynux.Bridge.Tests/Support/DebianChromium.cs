using Crynux.Bridge.Tests.Ops;
using Microsoft.Playwright;

namespace Crynux.Bridge.Tests.Support;

/// <summary>Debian's Chromium driven by Playwright (never a downloaded browser), started as the browser tests need it.</summary>
internal static class DebianChromium
{
    public const string Executable = "/usr/bin/chromium";

    /// <summary>
    /// An init script for a browser context: runs before any page script, outside the page's CSP, and records in
    /// window.__csp what the browser refused.
    /// </summary>
    public const string CspRecorder = """
        window.__csp = [];
        document.addEventListener('securitypolicyviolation', e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ''}`));
        """;

    private static readonly string Screenshots = Repository.PathOf("artifacts/test-results/screenshots");

    /// <summary>Playwright and a headless Chromium, or nulls when Chromium is not installed (the caller skips with a reason).</summary>
    public static async Task<(IPlaywright? Playwright, IBrowser? Browser)> LaunchAsync()
    {
        if (!File.Exists(Executable))
        {
            return (null, null);
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            // Without the background-networking flags Chromium keeps dialling hosts this closed network refuses.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return (playwright, browser);
    }

    /// <summary>Closes what <see cref="LaunchAsync"/> started (either may be null when Chromium was not there).</summary>
    public static async Task CloseAsync(IPlaywright? playwright, IBrowser? browser)
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }
        playwright?.Dispose();
    }

    /// <summary>The launched browser; without one the test skips, or fails under CI (where Chromium must be there).</summary>
    public static IBrowser Require(IBrowser? browser)
    {
        if (browser is null)
        {
            var reason = $"{Executable} is not installed (apt-get install chromium; .ci/run installs it)";
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail(reason);
            }
            Assert.Skip(reason);
        }
        return browser!;
    }

    /// <summary>A full-page screenshot as artifacts/test-results/screenshots/<paramref name="name"/>.png.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }
}
