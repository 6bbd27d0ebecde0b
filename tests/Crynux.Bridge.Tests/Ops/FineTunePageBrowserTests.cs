using System.Text.Json;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.FineTune;
using Crynux.Bridge.Tests.Support;
using Crynux.Devnet;
using Microsoft.Playwright;

namespace Crynux.Bridge.Tests.Ops;

/// <summary>
/// The image page's Fine-tune tab in Debian's Chromium against the bridge on the devnet (two rounds a job): an API error
/// is shown, a job started from the form is followed to its end, its LoRA ZIP downloads with the key, and a reload
/// follows the same job again. Screenshot: artifacts/test-results/screenshots/image-finetune.png.
/// </summary>
public sealed class FineTunePageBrowserTests : IAsyncLifetime
{
    private const string Finished = "() => !document.getElementById('ft-download').classList.contains('hidden') || !document.getElementById('ft-job-error').classList.contains('hidden')";

    private TestBridge _bridge = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _bridge = await TestBridge.StartAsync(devnet: o => o.DefaultNodeBehaviour = new NodeBehaviour { FinetuneRounds = 2 });
        (_playwright, _browser) = await DebianChromium.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await DebianChromium.CloseAsync(_playwright, _browser);
        await _bridge.DisposeAsync();
    }

    [Fact]
    public async Task The_fine_tune_tab_starts_a_job_follows_it_to_success_and_downloads_the_lora()
    {
        var browser = DebianChromium.Require(_browser);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });
        context.SetDefaultTimeout(60_000);
        await context.AddInitScriptAsync(DebianChromium.CspRecorder);
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.PageError += (_, error) => problems.Add("page error: " + error);
        page.Console += (_, message) =>
        {
            // Chromium logs every non-2xx fetch; the one 401 of the wrong key below is expected.
            if (message.Type == "error" && !message.Text.Contains("status of 401", StringComparison.Ordinal))
            {
                problems.Add("console error: " + message.Text);
            }
        };
        var creates = new List<JsonElement>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/v1/images/models", StringComparison.Ordinal) && request.PostData is { } body)
            {
                creates.Add(JsonDocument.Parse(body).RootElement.Clone());
            }
        };

        // The tab: Generate is shown first; Fine-tune swaps the panels and names itself in the URL.
        await page.GotoAsync(new Uri(_bridge.BaseUrl, "static/image.html").ToString());
        Assert.True(await page.IsVisibleAsync("#image-form"));
        Assert.True(await page.IsHiddenAsync("#finetune-form"));
        await page.ClickAsync("#tab-finetune");
        await page.WaitForSelectorAsync("#finetune-form");
        Assert.True(await page.IsHiddenAsync("#image-form"));
        Assert.EndsWith("#fine-tune", page.Url, StringComparison.Ordinal);
        Assert.Equal("true", await page.GetAttributeAsync("#tab-finetune", "aria-selected"));

        // An API error: the envelope's message is shown, and nothing is admitted.
        await page.FillAsync("#api-key", "not-a-key");
        await page.FillAsync("#ft-dataset", "lambdalabs/naruto-blip-captions");
        await page.ClickAsync("#ft-start");
        await page.WaitForSelectorAsync("#ft-error:not(.hidden)");
        Assert.Equal("HTTP 401: Incorrect API key provided.", await page.TextContentAsync("#ft-error"));
        Assert.True(await page.IsHiddenAsync("#ft-job"));
        Assert.Empty(await _bridge.Service<TaskStore>().ListClientTasksAsync(null, 10, Ct));

        // A job from the form, followed until the page says it ended.
        await page.FillAsync("#api-key", _bridge.ApiKey);
        await page.FillAsync("#ft-steps", "150");
        await page.FillAsync("#ft-learning-rate", "0.0002");
        await page.FillAsync("#ft-validation-prompt", "a naruto character");
        await page.ClickAsync("#ft-start");
        await page.WaitForSelectorAsync("#ft-job:not(.hidden)");
        Assert.True(await page.IsHiddenAsync("#ft-error"), await page.TextContentAsync("#ft-error"));
        await page.WaitForFunctionAsync(Finished);
        Assert.True(await page.IsHiddenAsync("#ft-job-error"), await page.TextContentAsync("#ft-job-error"));
        Assert.Equal("success", await page.TextContentAsync("#ft-status"));
        Assert.Equal("2", await page.TextContentAsync("#ft-rounds"));
        Assert.Equal("0", await page.TextContentAsync("#ft-failed-rounds"));
        Assert.True(await page.IsVisibleAsync("#ft-done"));
        Assert.True(await page.IsHiddenAsync("#ft-progress"));
        Assert.True(await page.IsEnabledAsync("#ft-start"));
        await DebianChromium.ScreenshotAsync(page, "image-finetune");

        // The request carried the form's fields, and the bridge holds the job as succeeded after two rounds with them.
        Assert.Equal(2, creates.Count); // the first with the wrong key
        var create = creates[1];
        Assert.Equal("crynux-network/stable-diffusion-v1-5", create.GetProperty("model_name").GetString());
        Assert.Equal("lambdalabs/naruto-blip-captions", create.GetProperty("dataset_name").GetString());
        Assert.False(create.TryGetProperty("dataset_url", out _));
        Assert.Equal(150, create.GetProperty("max_train_steps").GetInt32());
        var id = long.Parse((await page.TextContentAsync("#ft-job-id"))!.TrimStart('#'), System.Globalization.CultureInfo.InvariantCulture);
        var job = await _bridge.Service<TaskStore>().GetClientTaskAsync(id, Ct);
        Assert.NotNull(job);
        Assert.Equal(ClientTaskKind.FineTune, job.Kind);
        Assert.Equal(ClientTaskStatus.Success, job.Status);
        var rounds = await FineTuneClient.RoundsAsync(_bridge, id);
        Assert.Equal(2, rounds.Count);
        var control = _bridge.Devnet.Control;
        using (var args = JsonDocument.Parse(control.GetTask(rounds[0].TaskIdCommitment)!.TaskArgs))
        {
            var root = args.RootElement;
            Assert.Equal("lambdalabs/naruto-blip-captions", root.GetProperty("dataset").GetProperty("name").GetString());
            Assert.Equal(150, root.GetProperty("train_args").GetProperty("max_train_steps").GetInt32());
            Assert.Equal(0.0002, root.GetProperty("train_args").GetProperty("learning_rate").GetDouble());
            Assert.Equal("a naruto character", root.GetProperty("validation").GetProperty("prompt").GetString());
        }

        // Download LoRA: the final round's checkpoint, byte for byte, saved from the fetch made with the key.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#ft-download"));
        Assert.Equal($"crynux-lora-{id}.zip", download.SuggestedFilename);
        var saved = await File.ReadAllBytesAsync((await download.PathAsync())!, Ct);
        Assert.Equal(control.GetResultCheckpoint(rounds[1].TaskIdCommitment), saved);
        Assert.Contains("FINISH", FineTuneClient.EntryNames(saved));
        Assert.True(await page.IsHiddenAsync("#ft-job-error"), await page.TextContentAsync("#ft-job-error"));

        // A reload opens the tab again and follows the same job from this browser tab's session storage.
        await page.ReloadAsync();
        await page.WaitForFunctionAsync(Finished);
        Assert.True(await page.IsVisibleAsync("#finetune-form"));
        Assert.Equal($"#{id}", await page.TextContentAsync("#ft-job-id"));
        Assert.Equal("success", await page.TextContentAsync("#ft-status"));
        Assert.Equal("2", await page.TextContentAsync("#ft-rounds"));

        var violations = await page.EvaluateAsync<string[]>("() => window.__csp");
        Assert.True(violations.Length == 0, string.Join("; ", violations));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Single(await _bridge.Service<TaskStore>().ListClientTasksAsync(null, 10, Ct));
    }
}
