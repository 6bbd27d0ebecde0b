using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Crynux.Bridge.Bench;

// Load generator and scenarios for the bridge (issue 7): the devnet and the bridge run as separate processes on loopback.
//   dotnet run -c Release --project bench/Crynux.Bridge.Bench -- [--quick] [--only latency,relay,holding,keepalive,cpu,admission]
//                                                                [--artifacts DIR] [--out FILE] [--keep] [--hold N] [--streams N,M]
//                                                                [--protocol 2025,2026] [--relay-tasks 1,100]
if (args.Contains("--help"))
{
    Console.WriteLine("""
        Crynux.Bridge.Bench [--quick] [--only latency,relay,holding,keepalive,cpu,admission] [--artifacts DIR] [--out FILE] [--keep]
          --quick      small sizes, one repeat (a smoke run under two minutes); prints the table, writes only with --out
          --only       run these scenarios only
          --artifacts  artifacts root holding bin/Crynux.Devnet/release and bin/Crynux.Bridge/release (default: the one this runs from)
          --out        write the markdown here (default without --quick: docs/benchmarks.md, bridge section)
          --protocol P,Q  Relay generations of the relay-cost scenario (default 2025,2026)
          --relay-tasks N,M  the relay-cost scenario's concurrent chats (default 1,20,100; quick 1,20)
          --streams N,M  the holding and keepalive scenarios' stream counts (default 100,1000; quick 100)
          --keep-alive S the keepalive scenario's api.keep_alive_seconds (default 1)
          --keep       keep the work directory (logs, databases) under /tmp
          --hold N [--hold-seconds S]  start a devnet and a bridge with N tasks in flight and keep them S s (60) for a profiler
        """);
    return 0;
}
var quick = args.Contains("--quick");
var plan = quick ? Plan.QuickPlan : Plan.FullPlan;
if (Arg("--keep-alive") is { } keepAlive)
{
    plan = plan with { KeepAliveSeconds = int.Parse(keepAlive, CultureInfo.InvariantCulture) };
}
if (Arg("--protocol") is { } protocols)
{
    plan = plan with { Protocols = [.. protocols.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))] };
}
if (Arg("--relay-tasks") is { } relayTasks)
{
    plan = plan with { RelayTasks = [.. relayTasks.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))] };
}
if (Arg("--streams") is { } streams)
{
    plan = plan with { HoldStreams = [.. streams.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))] };
}
var only = Arg("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
bool Runs(string name) => only is null || only.Contains(name);

var binDir = Arg("--artifacts") is { } root ? Path.Combine(Path.GetFullPath(root), "bin") : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", ".."));
var flavour = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Name; // release or debug
var devnetDll = Path.Combine(binDir, "Crynux.Devnet", flavour, "Crynux.Devnet.dll");
var bridgeDll = Path.Combine(binDir, "Crynux.Bridge", flavour, "Crynux.Bridge.dll");
foreach (var dll in new[] { devnetDll, bridgeDll })
{
    if (!File.Exists(dll))
    {
        Console.Error.WriteLine($"error: {dll} not found; build the solution first (dotnet build CrynuxBridge.slnx -c Release) or pass --artifacts");
        return 2;
    }
}
var work = Path.Combine(Path.GetTempPath(), $"crynux-bench-{Environment.ProcessId}");
Directory.CreateDirectory(work);
var paths = new BenchPaths(binDir, devnetDll, bridgeDll, work);
var report = new Report();
var scenarios = new Scenarios(paths, plan, report);
var total = Stopwatch.StartNew();
var loadAtStart = LoadAverage();

async Task Run(string name, Func<Task> scenario)
{
    var clock = Stopwatch.StartNew();
    Console.Error.WriteLine($"[{total.Elapsed:mm\\:ss}] {name} …");
    try
    {
        await scenario();
    }
#pragma warning disable CA1031 // a failed scenario is reported and the others still run
    catch (Exception e)
#pragma warning restore CA1031
    {
        report.Failures.Add($"{name}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
        Console.Error.WriteLine($"{name} failed: {e}");
    }
    Console.Error.WriteLine($"[{total.Elapsed:mm\\:ss}] {name} done in {clock.Elapsed.TotalSeconds:F0} s");
}

if (Arg("--hold") is { } hold)
{
    await scenarios.HoldForProfileAsync(int.Parse(hold, CultureInfo.InvariantCulture), TimeSpan.FromSeconds(int.Parse(Arg("--hold-seconds") ?? "60", CultureInfo.InvariantCulture)));
    return 0;
}
if (Runs("latency"))
{
    foreach (var poll in plan.PollIntervalsMs)
    {
        await Run($"latency (poll {poll} ms)", () => scenarios.LatencyAsync(poll));
    }
}
if (Runs("relay"))
{
    await Run("relay cost", scenarios.RelayCostAsync);
}
if (Runs("holding"))
{
    await Run("holding power", scenarios.HoldingAsync);
}
if (Runs("keepalive"))
{
    await Run("first byte and keep-alive", scenarios.KeepAliveAsync);
}
if (Runs("cpu"))
{
    await Run("CPU per task", scenarios.CpuPerTaskAsync);
}
if (Runs("admission"))
{
    await Run("admission (sqlite)", () => scenarios.AdmissionAsync("SQLite", "sqlite", null));
    var mysql = Environment.GetEnvironmentVariable("CRYNUX_TEST_MYSQL");
    if (string.IsNullOrEmpty(mysql) && PortOpen(3306))
    {
        mysql = "Server=127.0.0.1;Port=3306;User ID=crynux;Password=crynux";
    }
    if (!string.IsNullOrEmpty(mysql))
    {
        var database = $"crynux_bench_{Environment.ProcessId}";
        await Run("admission (mariadb)", () => scenarios.AdmissionAsync("MariaDB", "mysql", $"{mysql.TrimEnd(';')};Database={database}"));
        DropMySqlDatabase(mysql, database);
    }
    else
    {
        report.Notes.Add("MariaDB admission: skipped (no CRYNUX_TEST_MYSQL and nothing on 127.0.0.1:3306).");
    }
}

var commit = Git("rev-parse --short HEAD") ?? "unknown";
var header = new StringBuilder();
header.Append(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC at commit `{commit}`{(quick ? " (--quick)" : "")}, in {total.Elapsed.TotalMinutes:F1} min; ");
header.Append(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores ({CpuModel()}), {MemTotalGb():F1} GB RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version}. ");
header.Append(CultureInfo.InvariantCulture, $"1-minute load average {loadAtStart} at the start and {LoadAverage()} at the end: the load generator, the bridge and the devnet share the machine with other builds, so read every figure as an upper bound. ");
header.Append(CultureInfo.InvariantCulture, $"Repeats per figure: {plan.Repeats} (median, min–max in brackets); single values are one run. ");
header.Append("Bridge defaults unless a scenario says otherwise (SQLite, 16 engine workers, info logging to a file); devnet nodes match at once.\n");
var markdown = report.Markdown(header.ToString());
Console.WriteLine();
Console.WriteLine(markdown);

var outPath = Arg("--out") ?? (quick || only is not null ? null : Path.Combine(FindRepoRoot() ?? ".", "docs", "benchmarks.md"));
if (outPath is not null)
{
    WriteSection(outPath, markdown);
    Console.Error.WriteLine($"wrote {outPath}");
}
if (!args.Contains("--keep"))
{
    try
    {
        Directory.Delete(work, recursive: true);
    }
    catch (IOException)
    {
        // A child's file may still be open; /tmp is cleaned anyway.
    }
}
else
{
    Console.Error.WriteLine($"kept {work}");
}
return report.Failures.Count == 0 ? 0 : 1;

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static bool PortOpen(int port)
{
    try
    {
        using var client = new TcpClient();
        return client.ConnectAsync("127.0.0.1", port).Wait(TimeSpan.FromSeconds(1)) && client.Connected;
    }
    catch (AggregateException)
    {
        return false;
    }
}

static string? FindRepoRoot()
{
    foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrynuxBridge.slnx")))
            {
                return dir.FullName;
            }
        }
    }
    return null;
}

static string? Git(string arguments)
{
    try
    {
        var info = new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = FindRepoRoot() ?? "." };
        using var git = Process.Start(info)!;
        var output = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit(10_000);
        return git.ExitCode == 0 && output.Length > 0 ? output : null;
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return null;
    }
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

static string CpuModel() =>
    File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
        : "unknown CPU";

static double MemTotalGb()
{
    var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
    return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
}

// Replaces the generated bridge section (between markers) of docs/benchmarks.md, keeping everything else.
static void WriteSection(string path, string markdown)
{
    const string Start = "<!-- bridge-bench:start (generated by bench/Crynux.Bridge.Bench; edit outside the markers) -->";
    const string End = "<!-- bridge-bench:end -->";
    var existing = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n";
    var block = Start + "\n" + markdown.TrimEnd() + "\n" + End;
    var s = existing.IndexOf("<!-- bridge-bench:start", StringComparison.Ordinal);
    var e = existing.IndexOf(End, StringComparison.Ordinal);
    string text;
    if (s >= 0 && e > s)
    {
        text = existing[..s] + block + existing[(e + End.Length)..];
    }
    else
    {
        text = existing.TrimEnd() + "\n\n## Bridge end to end\n\n`dotnet run -c Release --project bench/Crynux.Bridge.Bench` (add `--quick` for a smoke run).\n\n" + block + "\n";
    }
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    File.WriteAllText(path, text);
}

static void DropMySqlDatabase(string connection, string database)
{
    // Best effort with the mysql client if present; the bench itself takes no MySQL package.
    var parts = connection.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
        .ToDictionary(p => p[0].Trim().ToUpperInvariant(), p => p[1].Trim(), StringComparer.Ordinal);
    try
    {
        var info = new ProcessStartInfo("mysql") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add($"--host={parts.GetValueOrDefault("SERVER", "127.0.0.1")}");
        info.ArgumentList.Add($"--port={parts.GetValueOrDefault("PORT", "3306")}");
        info.ArgumentList.Add($"--user={parts.GetValueOrDefault("USER ID", parts.GetValueOrDefault("UID", ""))}");
        info.Environment["MYSQL_PWD"] = parts.GetValueOrDefault("PASSWORD", parts.GetValueOrDefault("PWD", ""));
        info.ArgumentList.Add("-e");
        info.ArgumentList.Add($"DROP DATABASE IF EXISTS `{database}`");
        using var mysql = Process.Start(info)!;
        mysql.WaitForExit(10_000);
    }
    catch (System.ComponentModel.Win32Exception)
    {
        // No mysql client: the database stays.
    }
}
