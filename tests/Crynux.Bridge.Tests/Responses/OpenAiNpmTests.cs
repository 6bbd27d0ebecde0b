using System.Diagnostics;
using System.Reflection;
using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.Responses;

/// <summary>
/// The openai npm client, unmodified, against the bridge: tests/openai-npm/responses.mjs (node) checks responses (plain,
/// streamed, a function round trip with previous_response_id, retrieve and delete, a 404) and the chat model echo. Its
/// packages come from the committed package-lock.json (npm ci, once per checkout).
/// </summary>
public sealed class OpenAiNpmTests
{
    private static readonly string Folder = Path.Combine(typeof(OpenAiNpmTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!, "tests", "openai-npm");

    private static readonly SemaphoreSlim Install = new(1, 1);

    [Fact]
    public async Task The_openai_npm_client_works_unmodified()
    {
        await EnsurePackagesAsync();
        await using var bridge = await TestBridge.StartAsync();
        var (code, output) = await RunAsync("node", ["responses.mjs", new Uri(bridge.BaseUrl, "v1/").ToString(), bridge.ApiKey]);
        Assert.True(code == 0, output);
        Assert.Contains("\"ok\":true", output, StringComparison.Ordinal);
    }

    private static async Task EnsurePackagesAsync()
    {
        await Install.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            var stamp = Path.Combine(Folder, "node_modules", ".package-lock.json");
            if (File.Exists(stamp) && File.GetLastWriteTimeUtc(stamp) >= File.GetLastWriteTimeUtc(Path.Combine(Folder, "package-lock.json")))
            {
                return;
            }
            var (code, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"]);
            Assert.True(code == 0, "npm ci failed: " + output);
        }
        finally
        {
            Install.Release();
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
