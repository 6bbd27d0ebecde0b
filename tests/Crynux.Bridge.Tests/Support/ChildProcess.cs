using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Crynux.Bridge.Tests.Support;

/// <summary>
/// A program of this repository run as its own process (<c>dotnet &lt;dll&gt; args</c>), its output read line by line,
/// stopped with SIGINT as Ctrl+C would, and killed (by its own id) if a test leaves it running.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _changed = new(0);

    private ChildProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The built dll of a project beside the test assembly's own output (same configuration).</summary>
    public static string DllOf(string project)
    {
        var testOutput = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var config = Path.GetFileName(testOutput);
        var bin = Path.GetDirectoryName(Path.GetDirectoryName(testOutput))!;
        return Path.Combine(bin, project, config, project + ".dll");
    }

    public static ChildProcess Start(string project, string workingDirectory, params string[] args) => Start(project, workingDirectory, null, args);

    public static ChildProcess Start(string project, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        info.ArgumentList.Add(DllOf(project));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_lines)
        {
            _lines.Add(line);
        }
        _changed.Release();
    }

    /// <summary>Waits for a line matching <paramref name="pattern"/>; returns its first group (or the whole match).</summary>
    public async Task<string> WaitForAsync(string pattern, TimeSpan timeout)
    {
        var regex = new Regex(pattern);
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            lock (_lines)
            {
                foreach (var line in _lines)
                {
                    var match = regex.Match(line);
                    if (match.Success)
                    {
                        return match.Groups.Count > 1 ? match.Groups[1].Value : match.Value;
                    }
                }
            }
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the process exited ({_process.ExitCode}) before printing /{pattern}/:\n{Output}");
            }
            try
            {
                await _changed.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no line /{pattern}/ within {timeout}:\n{Output}");
            }
        }
    }

    /// <summary>Ctrl+C: SIGINT to this process, then waits for it to exit.</summary>
    public async Task InterruptAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>SIGKILL: the process dies at once, mid-write or mid-call, with no shutdown.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _changed.Dispose();
    }
}
