using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Crypto;

namespace Crynux.Bridge.Tests.FineTune;

/// <summary>A bridge process killed (SIGKILL) after a round's checkpoint was downloaded and before the next round reached the Relay.</summary>
public sealed class FineTuneCrashTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_bridge_killed_between_a_rounds_download_and_the_next_create_resumes_with_exactly_one_next_round()
    {
        var dir = Directory.CreateTempSubdirectory("crynux-bridge-ft-kill-").FullName;
        var wallet = EthKey.Generate();
        var relayPort = TestBridge.FreePort().ToString(CultureInfo.InvariantCulture);
        var port = TestBridge.FreePort().ToString(CultureInfo.InvariantCulture);
        var dbFile = Path.Combine(dir, "bridge.db");
        var relay = new Uri($"http://127.0.0.1:{relayPort}/");
        await using var devnet = ChildProcess.Start("Crynux.Devnet", dir, "--port", relayPort, "--matching-interval-ms", "0", "--finetune-rounds", "3",
            "--fund", $"{wallet.Address}=1000000000000000000000000");
        try
        {
            await devnet.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
            var db = Database.FromOptions(new Configuration.DbOptions { Driver = "sqlite", Connection = dbFile }, dir);
            await db.MigrateAsync(Ct);
            var key = ApiKeys.NewKey();
            var now = DateTimeOffset.UtcNow;
            var keys = new ApiKeyStore(db, TimeProvider.System);
            var row = await keys.CreateOrRotateAsync(EthAddress.ToChecksum("0x" + new string('6', 40)), ApiKeys.Hash(key), ApiKeys.Preview(key),
                now.AddDays(1).ToUnixTimeSeconds(), 0, 0, now.ToUnixTimeMilliseconds(), Ct);
            await keys.SetRolesAsync(row.Id, Roles.Image, now.ToUnixTimeMilliseconds(), Ct);

            var environment = new Dictionary<string, string> { ["CRYNUX_BRIDGE_PRIVATE_KEY"] = wallet.ExportHex() };
            string[] args =
            [
                $"--relay:base_url={relay}", "--db:driver=sqlite", $"--db:connection={dbFile}",
                $"--data_dir:inference_tasks={Path.Combine(dir, "results")}", "--http:host=127.0.0.1", $"--http:port={port}",
                "--engine:instance_id=ft-crash", "--log:level=debug",
            ];
            var baseUrl = new Uri($"http://127.0.0.1:{port}/");
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(90) };

            var first = ChildProcess.Start("Crynux.Bridge", dir, environment, args);
            await first.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
            // Every create after the first round's is held 5 s at the Relay: the kill lands with the next round written
            // (or about to be) and its create not yet answered.
            var store = new TaskStore(db);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "v1/images/models")) { Content = JsonContent.Create(FineTuneClient.Body()) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            using (var created = await http.SendAsync(request, Ct))
            {
                Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            }
            var job = (await store.ListClientTasksAsync(null, 10, Ct)).Single();
            await WaitAsync(async () => (await store.GetMembersAsync(job.Id, Ct)).Any(m => m.Stage >= (int)TaskStage.Created));
            using (var fault = await http.PostAsync(new Uri(relay, "devnet/faults"),
                JsonContent.Create(new { route = "create", kind = "delay", delay_ms = 5000, count = 1 }), Ct))
            {
                Assert.True(fault.IsSuccessStatusCode, await fault.Content.ReadAsStringAsync(Ct));
            }
            await WaitAsync(async () => (await store.GetMembersAsync(job.Id, Ct)).Any(m => m.State == InferenceStatus.ResultDownloaded));
            await first.KillAsync();
            var killedOutput = first.Output;
            await first.DisposeAsync();
            var atKill = await store.GetMembersAsync(job.Id, Ct);
            Assert.True(atKill.Count(m => m.IsOriginal) <= 2, "no more than the next round can have been written");

            await using var second = ChildProcess.Start("Crynux.Bridge", dir, environment, args);
            await second.WaitForAsync("listening on", TimeSpan.FromSeconds(60));
            await WaitAsync(async () => (await store.GetClientTaskAsync(job.Id, Ct))!.Status != ClientTaskStatus.Running, seconds: 90,
                describe: async () => string.Join("; ", (await store.GetMembersAsync(job.Id, Ct)).Select(m => $"#{m.Id} stage {m.Stage} status {m.Status} unknown {m.OutcomeUnknown} err {m.LastError}"))
                    + "\n--- devnet:\n" + devnet.Output + "\n--- killed bridge:\n" + killedOutput + "\n--- restarted bridge:\n" + second.Output);
            Assert.Equal(ClientTaskStatus.Success, (await store.GetClientTaskAsync(job.Id, Ct))!.Status);

            var rows = await store.GetMembersAsync(job.Id, Ct);
            Assert.Equal(3, rows.Count(r => r.IsOriginal));
            var relayTasks = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri(relay, "devnet/tasks"), Ct)).RootElement;
            var list = relayTasks.ValueKind == System.Text.Json.JsonValueKind.Array ? relayTasks : relayTasks.GetProperty("data");
            var commitments = list.EnumerateArray().Select(t => t.GetProperty("task_id_commitment").GetString()!).ToList();
            Assert.Equal(rows.Select(r => r.TaskIdCommitment).Order(), commitments.Order());
            var ledger = await http.GetStringAsync(new Uri(relay, $"devnet/ledger?address={wallet.Address}"), Ct);
            Assert.Equal(rows.Count, (ledger.Length - ledger.Replace("TaskPayment", "", StringComparison.Ordinal).Length) / "TaskPayment".Length);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, int seconds = 60, Func<Task<string>>? describe = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail("the condition did not come true in time" + (describe is null ? "" : ": " + await describe()));
            }
            await Task.Delay(20, Ct);
        }
    }
}
