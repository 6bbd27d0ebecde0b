using System.Net;
using System.Text.RegularExpressions;
using Crynux.Bridge.Cli;
using Crynux.Bridge.Data;
using Crynux.Bridge.Tests.Support;
using Crynux.Crypto;
using Crynux.Devnet;

namespace Crynux.Bridge.Tests.Ops;

/// <summary>The operator CLI, run in-process against a bridge on the in-process devnet.</summary>
public sealed partial class CliTests : IAsyncLifetime
{
    private TestBridge _bridge = null!;
    private CliRunner _cli = null!;

    public async ValueTask InitializeAsync()
    {
        _bridge = await TestBridge.StartAsync();
        _cli = new CliRunner(_bridge);
    }

    public async ValueTask DisposeAsync() => await _bridge.DisposeAsync();

    private static string NewClient() => EthKey.Generate().Address;

    private async Task<HttpStatusCode> ChatAsync(string key)
    {
        using var response = await _bridge.PostAsync("v1/chat/completions",
            new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = "Hello" } } }, key);
        return response.StatusCode;
    }

    private static string ApiKeyIn(string output)
    {
        var match = ApiKeyLine().Match(output);
        Assert.True(match.Success, output);
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"^api_key: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex ApiKeyLine();

    [Fact]
    public async Task Help_lists_every_command_and_bad_usage_exits_2()
    {
        var (code, output) = await _cli.RunAsync("help");
        Assert.Equal(0, code);
        foreach (var command in new[] { "wallet address", "wallet balance", "key create", "key role add", "key role remove", "key limits", "key delete", "tasks list", "tasks show", "tasks wait" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
        Assert.True(BridgeCli.IsCommand(["tasks", "list"]));
        Assert.False(BridgeCli.IsCommand(["--devnet"]));
        Assert.False(BridgeCli.IsCommand([]));

        (code, output) = await _cli.RunAsync("key", "create", "0x1234");
        Assert.Equal(2, code);
        Assert.Contains("not a client address", output, StringComparison.Ordinal);
        (code, output) = await _cli.RunAsync("key", "role", "add", NewClient(), "superuser");
        Assert.Equal(2, code);
        Assert.Contains("role must be one of chat, image, admin", output, StringComparison.Ordinal);
        (code, output) = await _cli.RunAsync("tasks", "list", "--colour", "red");
        Assert.Equal(2, code);
        Assert.Contains("unknown option --colour", output, StringComparison.Ordinal);
        (code, output) = await _cli.RunAsync("key", "limits", NewClient());
        Assert.Equal(2, code);
        Assert.Contains("--use-limit", output, StringComparison.Ordinal);
        (code, output) = await _cli.RunAsync("wallet", "address", "--blockchain:account:private_key_file=" + Path.Combine(_bridge.DataDir, "missing.txt"));
        Assert.Equal(2, code);
        Assert.Contains("blockchain.account.private_key_file", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wallet_address_and_balance_read_the_configured_wallet_and_the_relay()
    {
        var (code, output) = await _cli.RunAsync("wallet", "address");
        Assert.Equal(0, code);
        Assert.Equal(_bridge.Wallet.Address, output.Trim());

        (code, output) = await _cli.RunAsync("wallet", "balance");
        Assert.True(code == 0, output);
        Assert.Contains($"{_bridge.Wallet.Address}: 1000000 CNX", output, StringComparison.Ordinal);
        Assert.Contains((1_000_000 * TestBridge.Cnx).ToString(System.Globalization.CultureInfo.InvariantCulture) + " wei", output, StringComparison.Ordinal);

        _bridge.Devnet.Control.Faults = new FaultOptions { FailureRate = 1 };
        (code, output) = await _cli.RunAsync("wallet", "balance", "--relay:max_attempts=1");
        _bridge.Devnet.Control.Faults = new FaultOptions();
        Assert.Equal(1, code);
        Assert.Contains("the Relay call failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_create_with_roles_and_limits_gives_a_working_key()
    {
        var client = NewClient();
        var (code, output) = await _cli.RunAsync("key", "create", client.ToLowerInvariant(), "--role", "chat", "--use-limit", "5", "--rate-limit", "100");
        Assert.True(code == 0, output);
        Assert.Contains($"client_id: {client}", output, StringComparison.Ordinal);
        Assert.Contains("roles: chat\n", output, StringComparison.Ordinal);
        Assert.Contains("use_limit: 5 (used 0)", output, StringComparison.Ordinal);
        Assert.Contains("rate_limit: 100 per minute", output, StringComparison.Ordinal);
        var key = ApiKeyIn(output);

        Assert.Equal(HttpStatusCode.OK, await ChatAsync(key));
        var row = await _bridge.Service<ApiKeyStore>().FindByClientAsync(client, TestContext.Current.CancellationToken);
        Assert.NotNull(row);
        Assert.Equal(["chat"], row.RoleList);
        Assert.Equal(5, row.UseLimit);
        Assert.Equal(1, row.UsedCount);
        Assert.Equal(100, row.RateLimit);
    }

    [Fact]
    public async Task Removing_a_role_makes_its_routes_403_and_adding_it_back_restores_them()
    {
        var client = NewClient();
        var (code, output) = await _cli.RunAsync("key", "create", client, "--role", "chat", "--role", "image", "--use-limit", "0", "--rate-limit", "0");
        Assert.True(code == 0, output);
        var key = ApiKeyIn(output);
        Assert.Contains("roles: chat, image", output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(key));

        (code, output) = await _cli.RunAsync("key", "role", "remove", client, "chat");
        Assert.True(code == 0, output);
        Assert.Contains("roles: image\n", output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, await ChatAsync(key));

        // The same signed payload as the removal, within the same second: the CLI signs it again with the next second.
        (code, output) = await _cli.RunAsync("key", "role", "add", client, "chat");
        Assert.True(code == 0, output);
        Assert.Contains("roles: image, chat", output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(key));
    }

    [Fact]
    public async Task Key_limits_are_set_and_enforced()
    {
        var client = NewClient();
        var (code, output) = await _cli.RunAsync("key", "create", client, "--role", "chat");
        Assert.True(code == 0, output);
        var key = ApiKeyIn(output);

        (code, output) = await _cli.RunAsync("key", "limits", client, "--use-limit", "1", "--rate-limit", "30");
        Assert.True(code == 0, output);
        Assert.Contains("use_limit: 1 (used 0)", output, StringComparison.Ordinal);
        Assert.Contains("rate_limit: 30 per minute", output, StringComparison.Ordinal);
        var row = await _bridge.Service<ApiKeyStore>().FindByClientAsync(client, TestContext.Current.CancellationToken);
        Assert.Equal(1, row!.UseLimit);
        Assert.Equal(30, row.RateLimit);

        Assert.Equal(HttpStatusCode.OK, await ChatAsync(key));
        Assert.Equal(HttpStatusCode.TooManyRequests, await ChatAsync(key));

        (code, output) = await _cli.RunAsync("key", "limits", client, "--use-limit", "0");
        Assert.True(code == 0, output);
        Assert.Contains("use_limit: unlimited (used 1)", output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(key));
    }

    [Fact]
    public async Task Key_delete_revokes_the_key_and_a_second_delete_fails()
    {
        var client = NewClient();
        var (code, output) = await _cli.RunAsync("key", "create", client, "--role", "chat");
        Assert.True(code == 0, output);
        var key = ApiKeyIn(output);
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(key));

        (code, output) = await _cli.RunAsync("key", "delete", client);
        Assert.True(code == 0, output);
        Assert.Contains($"deleted the API key of {client}", output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await ChatAsync(key));

        (code, output) = await _cli.RunAsync("key", "delete", client);
        Assert.Equal(1, code);
        Assert.Contains("HTTP 404", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_commands_signed_by_another_wallet_are_refused_and_an_absent_bridge_is_reported()
    {
        var other = Path.Combine(_bridge.DataDir, "other.txt");
        await File.WriteAllTextAsync(other, EthKey.Generate().ExportHex(), TestContext.Current.CancellationToken);
        var (code, output) = await _cli.RunAsync("key", "role", "add", NewClient(), "chat",
            "--blockchain:account:private_key_file=" + other, "--blockchain:account:address=");
        Assert.Equal(1, code);
        Assert.Contains("HTTP 403", output, StringComparison.Ordinal);
        Assert.Contains("must be the bridge's own account", output, StringComparison.Ordinal);

        (code, output) = await _cli.RunAsync("key", "delete", NewClient(), "--bridge", $"http://127.0.0.1:{TestBridge.FreePort()}");
        Assert.Equal(1, code);
        Assert.Contains("could not reach the bridge", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tasks_list_and_show_read_the_database()
    {
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(_bridge.ApiKey));
        var task = (await _bridge.Service<TaskStore>().ListClientTasksAsync(null, 1, TestContext.Current.CancellationToken)).Single();

        var (code, output) = await _cli.RunAsync("tasks", "list");
        Assert.True(code == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ID", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith(task.Id + " ", StringComparison.Ordinal) && l.Contains(task.PublicId, StringComparison.Ordinal)
            && l.Contains(" chat ", StringComparison.Ordinal) && l.Contains(" success ", StringComparison.Ordinal) && l.Contains(task.ClientId, StringComparison.Ordinal));

        (code, output) = await _cli.RunAsync("tasks", "list", "--client", task.ClientId.ToLowerInvariant(), "--limit", "5");
        Assert.True(code == 0, output);
        Assert.Contains(task.PublicId, output, StringComparison.Ordinal);
        (code, output) = await _cli.RunAsync("tasks", "list", "--client", NewClient());
        Assert.True(code == 0, output);
        Assert.StartsWith("no tasks of", output, StringComparison.Ordinal);

        foreach (var id in new[] { task.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), task.PublicId })
        {
            (code, output) = await _cli.RunAsync("tasks", "show", id);
            Assert.True(code == 0, output);
            Assert.Contains($"task {task.Id} (public id {task.PublicId})", output, StringComparison.Ordinal);
            Assert.Contains("status:    success", output, StringComparison.Ordinal);
            Assert.Contains("Relay tasks (1):", output, StringComparison.Ordinal);
            Assert.Contains(nameof(InferenceStatus.ResultDownloaded), output, StringComparison.Ordinal);
        }
        (code, output) = await _cli.RunAsync("tasks", "show", "999999");
        Assert.Equal(1, code);
        Assert.Contains("no task 999999", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tasks_wait_prints_each_status_change_until_the_task_ends()
    {
        // Nodes take 3 s of devnet time, so the task stays running until the test moves the devnet clock.
        _bridge.Devnet.Control.DefaultNodeBehaviour = new NodeBehaviour { MinExecutionDelay = TimeSpan.FromSeconds(3), MaxExecutionDelay = TimeSpan.FromSeconds(3) };
        var chat = ChatAsync(_bridge.ApiKey);
        await WaitUntilAsync(() => _bridge.Devnet.Control.GetTasks().Any(t => t.SelectedNode.Length > 0 && t.Status == global::Crynux.Devnet.Relay.RelayTaskStatus.Started));
        var task = (await _bridge.Service<TaskStore>().ListClientTasksAsync(null, 1, TestContext.Current.CancellationToken)).Single();

        var (code, output) = await _cli.RunAsync("tasks", "wait", task.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--timeout", "1");
        Assert.Equal(1, code);
        Assert.Contains("running", output, StringComparison.Ordinal);
        Assert.Contains("still running after 1 s", output, StringComparison.Ordinal);

        var progress = new CapturedOutput();
        var wait = _cli.RunAsync(progress, "tasks", "wait", task.PublicId);
        await WaitUntilAsync(() => progress.ToString().Contains("] running", StringComparison.Ordinal));
        Assert.False(wait.IsCompleted);
        for (var i = 0; i < 40 && !wait.IsCompleted; i++)
        {
            _bridge.DevnetTime.Advance(TimeSpan.FromMilliseconds(500));
            await Task.WhenAny(wait, Task.Delay(100, TestContext.Current.CancellationToken));
        }
        Assert.Equal(HttpStatusCode.OK, await chat);
        Assert.Equal(0, await wait);
        var lines = progress.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var changes = lines.Where(l => l.StartsWith('[')).ToList();
        Assert.True(changes.Count >= 2, progress.ToString());
        Assert.Contains("running", changes[0], StringComparison.Ordinal);
        Assert.Contains("success", changes[^1], StringComparison.Ordinal);
        Assert.Contains($"task {task.Id} succeeded", lines[^1], StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
