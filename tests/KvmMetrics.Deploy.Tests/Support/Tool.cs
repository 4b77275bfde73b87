using System.Diagnostics;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Deploy.Tests.Support;

/// <summary>The outcome of one external tool run.</summary>
public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => (StandardOutput + StandardError).Trim();
}

/// <summary>Runs external tools (promtool, amtool, helm, yamllint, systemd-analyze) with a timeout.</summary>
public static class Tool
{
    /// <summary>Runs <paramref name="name"/> (found via <see cref="Requirements.RequireTool"/>: skipped locally, failed under CI when missing).</summary>
    public static async Task<ToolResult> RunAsync(string name, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var path = Requirements.RequireTool(name);
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException(name + " did not start");
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{name} {string.Join(' ', start.ArgumentList)} did not finish in time");
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The chart tool: the repository's .tools/bin/helm (installed by scripts/setup.sh).</summary>
    public static string Helm => Requirements.RequireTool(RepoPaths.InRepo(".tools", "bin", "helm"));
}
