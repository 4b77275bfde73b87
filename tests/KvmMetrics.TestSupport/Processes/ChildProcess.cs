using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace KvmMetrics.TestSupport.Processes;

/// <summary>A real executable run as a child process, its stdout and stderr collected together; started once it
/// prints the address it listens on (matched by a regex with the URL as group 1).</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private ChildProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The child's process id (with <c>setpriv</c> in front, the program's own: setpriv execs it).</summary>
    public int Id => _process.Id;

    public static async Task<ChildProcess> StartAsync(string file, IEnumerable<string> args, Regex listening, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        var child = new ChildProcess(Process.Start(psi)!);
        child._process.OutputDataReceived += (_, e) => child.Append(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        var stop = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < stop)
        {
            var m = listening.Match(child.Output);
            if (m.Success)
            {
                child.BaseAddress = new Uri(m.Groups[1].Value);
                return child;
            }

            Assert.False(child._process.HasExited, "exited early: " + child.Output);
            await Task.Delay(100);
        }

        Assert.Fail("did not start listening: " + child.Output);
        return child;
    }

    /// <summary>Everything written so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_gate)
            {
                _output.Append(line).Append('\n');
            }
        }
    }

    /// <summary>SIGTERM (graceful stop, which also logs), then everything it wrote.</summary>
    public async Task<string> StopAsync()
    {
        if (!_process.HasExited)
        {
            using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
            {
                await term!.WaitForExitAsync();
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        await _process.WaitForExitAsync();
        return Output;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
