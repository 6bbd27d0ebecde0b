using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Crynux.Bridge.Bench;

/// <summary>CPU time and memory of one process, read from /proc.</summary>
internal readonly record struct ProcSample(double CpuSeconds, long PeakRssBytes, long RssBytes);

/// <summary>
/// A child process (`dotnet some.dll args`) with its output in a log file. Every child is killed when the bench exits,
/// on Ctrl+C, or when it is disposed.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();
    private readonly Process _process;

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        Console.CancelKeyPress += (_, _) => KillAll();
    }

    private ChildProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string name, string dll, IEnumerable<string> args, string logPath)
    {
        // sh execs dotnet, so the pid is the app's own process and its output goes straight to the file.
        var command = "exec dotnet " + string.Join(' ', new[] { dll }.Concat(args).Select(Quote)) + " >" + Quote(logPath) + " 2>&1";
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        info.Environment["DOTNET_gcServer"] = null;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}");
        Live[process.Id] = process;
        return new ChildProcess(name, process, logPath);
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public ProcSample Sample()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{Pid}/stat");
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields 14 and 15 (utime, stime) in clock ticks; the field after ')' is field 3.
            var ticks = long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
            long hwm = 0, rss = 0;
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = KiloBytes(line);
                }
                else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = KiloBytes(line);
                }
            }
            return new ProcSample(ticks / 100.0, hwm, rss);
        }
        catch (IOException)
        {
            return default;
        }
    }

    private static long KiloBytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    /// <summary>Resets VmHWM to the current RSS (Linux clear_refs 5), so the next peak is this phase's own.</summary>
    public bool ResetPeak()
    {
        try
        {
            File.WriteAllText($"/proc/{Pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public string LogTail(int lines = 20)
    {
        try
        {
            return string.Join('\n', File.ReadLines(LogPath).TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public void Dispose()
    {
        Kill(_process);
        Live.TryRemove(_process.Id, out _);
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void KillAll()
    {
        foreach (var process in Live.Values)
        {
            Kill(process);
        }
    }
}
