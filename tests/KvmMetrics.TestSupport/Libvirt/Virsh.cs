using System.Diagnostics;

namespace KvmMetrics.TestSupport.Libvirt;

/// <summary>Runs <c>virsh</c> (test code: the product itself never shells out) with a timeout.</summary>
public static class Virsh
{
    /// <summary>The connection URI tests use.</summary>
    public const string Uri = "qemu:///system";

    /// <summary>Runs <c>virsh -c qemu:///system args...</c>; returns stdout, throws with stderr on a non-zero exit.</summary>
    public static async Task<string> RunAsync(IEnumerable<string> args, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var (code, stdout, stderr) = await TryRunAsync(args, timeout, ct).ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException($"virsh {string.Join(' ', args)} exited {code}: {stderr.Trim()}");
        }

        return stdout;
    }

    /// <summary>Runs virsh and returns exit code and output without throwing on failure.</summary>
    public static Task<(int Code, string Stdout, string Stderr)> TryRunAsync(IEnumerable<string> args, TimeSpan? timeout = null, CancellationToken ct = default) =>
        ProcessRunner.RunAsync(Requirements.FindTool("virsh") ?? "virsh", ["-c", Uri, .. args], timeout ?? TimeSpan.FromSeconds(60), ct);
}

/// <summary>Runs a process to completion with a timeout, capturing output.</summary>
public static class ProcessRunner
{
    /// <summary>Runs <paramref name="file"/> with arguments; kills it (tree) on timeout and reports exit code -1.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, CancellationToken ct = default)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                p.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already exited
            }

            return (-1, string.Empty, $"{file} timed out after {timeout.TotalSeconds:0} s");
        }

        return (p.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
