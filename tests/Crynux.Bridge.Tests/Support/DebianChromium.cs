using Microsoft.Playwright;

namespace Crynux.Bridge.Tests.Support;

/// <summary>Debian's Chromium driven by Playwright (never a downloaded browser), started as the browser tests need it.</summary>
internal static class DebianChromium
{
    public const string Executable = "/usr/bin/chromium";

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
}
