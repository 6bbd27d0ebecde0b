using System.Diagnostics;
using System.Globalization;
using Crynux.Bridge.Data;
using Crynux.Crypto;
using Microsoft.Data.Sqlite;

namespace Crynux.Bridge.Cli;

/// <summary><c>tasks list | show | wait</c>: client tasks read straight from the configured database (no bridge needed).</summary>
internal static class TaskCommands
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static async Task<int> RunAsync(CliContext context, CancellationToken ct)
    {
        var args = context.Args;
        var sub = args.Word(1, "tasks command: list, show or wait");
        var output = context.Output;
        switch (sub)
        {
            case "list":
                {
                    args.Allow("--client", "--limit");
                    args.NoMoreWords(2);
                    var limit = (int)(args.Integer("--limit", 1, 10_000) ?? 20);
                    var client = args.Value("--client") is { } c ? (EthAddress.IsValid(c.ToLowerInvariant()) ? EthAddress.ToChecksum(c) : c) : null;
                    var tasks = await Open(context).ListClientTasksAsync(client, limit, ct);
                    if (tasks.Count == 0)
                    {
                        await output.WriteLineAsync(client is null ? "no tasks" : $"no tasks of {client}");
                        return 0;
                    }
                    var rows = tasks.Select(t => new[]
                    {
                    t.Id.ToString(CultureInfo.InvariantCulture), t.PublicId, t.Kind, t.Status, t.ClientId, Time(t.CreatedAt), Duration(t), OneLine(t.Error),
                }).ToList();
                    await WriteTableAsync(output, ["ID", "PUBLIC ID", "KIND", "STATUS", "CLIENT", "CREATED (UTC)", "TOOK", "ERROR"], rows);
                    return 0;
                }
            case "show":
                {
                    args.Allow();
                    var id = args.Word(2, "task id");
                    args.NoMoreWords(3);
                    var store = Open(context);
                    var task = await FindAsync(store, id, ct);
                    var members = await store.GetMembersAsync(task.Id, ct);
                    await output.WriteLineAsync($"task {task.Id} (public id {task.PublicId})");
                    await output.WriteLineAsync($"  kind:      {task.Kind}");
                    await output.WriteLineAsync($"  status:    {task.Status}");
                    await output.WriteLineAsync($"  client:    {task.ClientId}");
                    await output.WriteLineAsync($"  created:   {Time(task.CreatedAt)} UTC");
                    await output.WriteLineAsync($"  finished:  {(task.FinishedAt is { } f ? $"{Time(f)} UTC (took {Duration(task)})" : "-")}");
                    await output.WriteLineAsync($"  result:    {(task.ResultTaskId is { } r ? $"Relay task #{r}" : "-")}");
                    await output.WriteLineAsync($"  failures:  {task.FailedCount}");
                    await output.WriteLineAsync($"  error:     {OneLine(task.Error)}");
                    await output.WriteLineAsync($"Relay tasks ({members.Count}):");
                    var rows = members.Select(m => new[]
                    {
                    "#" + m.Id.ToString(CultureInfo.InvariantCulture), ((TaskType)m.TaskType).ToString(), m.State.ToString(),
                    m.IsValidation != 0 ? "validation" : m.GroupId is null ? "single" : "group",
                    Short(m.TaskIdCommitment), Short(m.SelectedNode), Fee(m.TaskFee), m.Attempts.ToString(CultureInfo.InvariantCulture), OneLine(m.LastError),
                }).ToList();
                    await WriteTableAsync(output, ["  ID", "TYPE", "STATUS", "ROLE", "COMMITMENT", "NODE", "FEE (CNX)", "TRIES", "LAST ERROR"], rows);
                    return 0;
                }
            case "wait":
                {
                    args.Allow("--timeout");
                    var id = args.Word(2, "task id");
                    args.NoMoreWords(3);
                    var timeout = TimeSpan.FromSeconds(args.Integer("--timeout", 1, 86_400) ?? 600);
                    return await WaitAsync(Open(context), id, timeout, output, ct);
                }
            default:
                throw new UsageException($"unknown tasks command '{sub}' (list, show or wait)");
        }
    }

    /// <summary>Polls the database every 500 ms and prints a line whenever the task or one of its Relay tasks changes.</summary>
    private static async Task<int> WaitAsync(TaskStore store, string id, TimeSpan timeout, TextWriter output, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var task = await FindAsync(store, id, ct);
        await output.WriteLineAsync($"waiting for task {task.Id} ({task.Kind}), at most {timeout.TotalSeconds:0} s");
        string? last = null;
        while (true)
        {
            var members = await store.GetMembersAsync(task.Id, ct);
            var state = task.Status + (members.Count == 0 ? "" : " · " + string.Join(", ", members.Select(m => $"#{m.Id} {m.State}")));
            if (state != last)
            {
                await output.WriteLineAsync($"[{clock.Elapsed.TotalSeconds,6:0.0} s] {state}");
                await output.FlushAsync(ct);
                last = state;
            }
            if (task.Status != ClientTaskStatus.Running)
            {
                if (task.Status == ClientTaskStatus.Success)
                {
                    await output.WriteLineAsync($"task {task.Id} succeeded in {Duration(task)}");
                    return 0;
                }
                throw new CliFailure($"task {task.Id} {task.Status}: {OneLine(task.Error)}");
            }
            if (clock.Elapsed >= timeout)
            {
                throw new CliFailure($"task {task.Id} is still {task.Status} after {timeout.TotalSeconds:0} s (it goes on; wait again or see 'tasks show {task.Id}')");
            }
            await Task.Delay(PollInterval, ct);
            task = await store.GetClientTaskAsync(task.Id, ct) ?? throw new CliFailure($"task {task.Id} is gone from the database");
        }
    }

    private static TaskStore Open(CliContext context)
    {
        var options = context.Options;
        var dataDir = Path.GetDirectoryName(Path.GetFullPath(options.DataDir.InferenceTasks)) ?? "data";
        var db = Database.FromOptions(options.Db, dataDir);
        if (db.Driver == DbDriver.Sqlite)
        {
            // Opening a missing SQLite file would create an empty one: point at the configuration instead.
            var file = new SqliteConnectionStringBuilder(db.ConnectionString).DataSource;
            if (!File.Exists(file))
            {
                throw new Configuration.ConfigException("db.connection", $"names no database: {Path.GetFullPath(file)} does not exist (use the bridge's configuration)");
            }
        }
        DapperConventions.Apply();
        return new TaskStore(db);
    }

    private static async Task<ClientTaskRow> FindAsync(TaskStore store, string id, CancellationToken ct)
    {
        var task = long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? await store.GetClientTaskAsync(n, ct)
            : await store.GetClientTaskByPublicIdAsync(id, ct);
        return task ?? throw new CliFailure($"no task {id}");
    }

    private static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Duration(ClientTaskRow task) =>
        task.FinishedAt is { } f ? TimeSpan.FromMilliseconds(f - task.CreatedAt).TotalSeconds.ToString("0.0 s", CultureInfo.InvariantCulture) : "-";

    private static string OneLine(string? text) =>
        string.IsNullOrEmpty(text) ? "-" : text.ReplaceLineEndings(" ") is var line && line.Length > 120 ? line[..117] + "..." : line;

    private static string Short(string text) => text.Length > 14 ? text[..8] + "…" + text[^4..] : text.Length == 0 ? "-" : text;

    private static string Fee(string wei) =>
        System.Numerics.BigInteger.TryParse(wei, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? Pricing.Fees.WeiToCnx(v) : wei;

    private static async Task WriteTableAsync(TextWriter output, string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            await output.WriteLineAsync(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
