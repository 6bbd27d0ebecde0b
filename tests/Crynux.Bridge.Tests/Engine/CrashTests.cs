using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Crypto;

namespace Crynux.Bridge.Tests.Engine;

/// <summary>A bridge process killed (SIGKILL) while its tasks are in flight, against a standalone devnet, then started again.</summary>
public sealed class CrashTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_bridge_killed_mid_flight_resumes_every_task_without_a_second_task_or_fee()
    {
        var dir = Directory.CreateTempSubdirectory("crynux-bridge-kill-").FullName;
        var wallet = EthKey.Generate();
        var relayPort = TestBridge.FreePort().ToString(CultureInfo.InvariantCulture);
        var port = TestBridge.FreePort().ToString(CultureInfo.InvariantCulture);
        var dbFile = Path.Combine(dir, "bridge.db");
        await using var devnet = ChildProcess.Start("Crynux.Devnet", dir, "--port", relayPort, "--matching-interval-ms", "0",
            "--min-delay-ms", "300", "--max-delay-ms", "900", "--fund", $"{wallet.Address}=1000000000000000000000000");
        try
        {
            await devnet.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
            // The schema and an API key, written before the bridge starts (the bridge process shares the file).
            var db = Database.FromOptions(new Configuration.DbOptions { Driver = "sqlite", Connection = dbFile }, dir);
            await db.MigrateAsync(Ct);
            var key = ApiKeys.NewKey();
            var now = DateTimeOffset.UtcNow;
            var keys = new ApiKeyStore(db, TimeProvider.System);
            var row = await keys.CreateOrRotateAsync(EthAddress.ToChecksum("0x" + new string('3', 40)), ApiKeys.Hash(key), ApiKeys.Preview(key),
                now.AddDays(1).ToUnixTimeSeconds(), 0, 0, now.ToUnixTimeMilliseconds(), Ct);
            await keys.SetRolesAsync(row.Id, $"{Roles.Chat},{Roles.Image}", now.ToUnixTimeMilliseconds(), Ct);

            var environment = new Dictionary<string, string> { ["CRYNUX_BRIDGE_PRIVATE_KEY"] = wallet.ExportHex() };
            string[] args =
            [
                $"--relay:base_url=http://127.0.0.1:{relayPort}/", "--db:driver=sqlite", $"--db:connection={dbFile}",
                $"--data_dir:inference_tasks={Path.Combine(dir, "results")}", "--http:host=127.0.0.1", $"--http:port={port}",
                "--engine:instance_id=crash", "--log:level=warning",
            ];
            var baseUrl = new Uri($"http://127.0.0.1:{port}/");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(90) };

            var first = ChildProcess.Start("Crynux.Bridge", dir, environment, args);
            await first.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
            var inFlight = Enumerable.Range(0, 10).Select(i => ChatAsync(http, baseUrl, key, i)).ToList();
            // Kill it once some tasks are at the Relay and others not yet.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && !await AnyTaskCreatedAsync(db))
            {
                await Task.Delay(20, Ct);
            }
            await first.KillAsync();
            await first.DisposeAsync();
            await Task.WhenAll(inFlight.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

            await using var second = ChildProcess.Start("Crynux.Bridge", dir, environment, args);
            await second.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
            var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => ChatAsync(http, baseUrl, key, i)));
            Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, a.Body));

            // One original Relay task and one fee per Relay task, whatever the kill interrupted (a task drawn for validation
            // adds its group of two, paid for like any task: the standalone devnet draws seeds at random).
            var store = new TaskStore(db);
            var tasks = await store.ListClientTasksAsync(null, 100, Ct);
            Assert.Equal(10, tasks.Count);
            var rows = new List<InferenceTaskRow>();
            foreach (var task in tasks)
            {
                rows.AddRange(await store.GetMembersAsync(task.Id, Ct));
            }
            Assert.Equal(10, rows.Count(r => r.IsOriginal));
            var relayTasks = Items(System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{relayPort}/devnet/tasks"), Ct)).RootElement);
            var commitments = relayTasks.EnumerateArray().Select(t => t.GetProperty("task_id_commitment").GetString()!).ToList();
            Assert.Equal(commitments.Count, commitments.Distinct().Count());
            Assert.Equal(rows.Select(r => r.TaskIdCommitment).Order(), commitments.Order());
            var ledger = await http.GetStringAsync(new Uri($"http://127.0.0.1:{relayPort}/devnet/ledger?address={wallet.Address}"), Ct);
            Assert.Equal(rows.Count, CountOccurrences(ledger, "TaskPayment"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The admin API's array, bare or in its "data" envelope.</summary>
    private static System.Text.Json.JsonElement Items(System.Text.Json.JsonElement root) =>
        root.ValueKind == System.Text.Json.JsonValueKind.Array ? root : root.GetProperty("data");

    private static int CountOccurrences(string text, string word) => (text.Length - text.Replace(word, "", StringComparison.Ordinal).Length) / word.Length;

    private static async Task<bool> AnyTaskCreatedAsync(Database db)
    {
        await using var connection = await db.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM inference_tasks WHERE stage >= 1";
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), CultureInfo.InvariantCulture) > 0;
    }

    private static async Task<(HttpStatusCode Status, string Body)> ChatAsync(HttpClient http, Uri baseUrl, string key, int i)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "v1/chat/completions"))
        {
            Content = JsonContent.Create(new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = $"crash {i}" } }, max_tokens = 6 }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", $"crash-{i}");
        try
        {
            using var response = await http.SendAsync(request, Ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
        }
        catch (HttpRequestException e)
        {
            return (0, e.Message);
        }
    }
}
