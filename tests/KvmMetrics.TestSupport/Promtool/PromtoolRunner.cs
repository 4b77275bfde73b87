using System.Diagnostics;
using System.Text;

namespace KvmMetrics.TestSupport.Promtool;

/// <summary>The outcome of one promtool run.</summary>
/// <param name="ExitCode">promtool's exit code (for <c>check metrics</c>: 0 clean, 1 parse error, 3 lint problems only).</param>
/// <param name="StandardOutput">What promtool wrote to stdout.</param>
/// <param name="StandardError">What promtool wrote to stderr.</param>
public sealed record PromtoolResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Exit code of <c>promtool check metrics</c> when only lint problems were found (promtool 2.x).</summary>
    public const int LintProblemsExitCode = 3;

    /// <summary>stdout and stderr together, for assertion messages.</summary>
    public string Output => (StandardOutput + StandardError).Trim();

    /// <summary>True when promtool could not parse the input (any failure that is not "lint problems only").</summary>
    public bool IsParseError => ExitCode != 0 && ExitCode != LintProblemsExitCode;

    /// <summary>
    /// The lint problems (<c>promtool check metrics</c> writes one "name: text" per line) when the
    /// input parsed; empty when clean or when parsing failed.
    /// </summary>
    public IReadOnlyList<string> LintProblems => ExitCode == LintProblemsExitCode
        ? Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        : [];
}

/// <summary>
/// Runs the real <c>promtool</c> (found through <see cref="Requirements.RequireTool"/>, so a missing
/// binary skips locally and fails under CI). Use it for <c>check metrics</c> on exposition text, and
/// <see cref="RunAsync"/> for anything else (<c>check rules</c>, <c>test rules</c>).
/// </summary>
public static class PromtoolRunner
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Full path of promtool; skips (locally) or fails (CI) when it is not installed.</summary>
    public static string RequirePath() => Requirements.RequireTool("promtool");

    /// <summary>Pipes <paramref name="exposition"/> (text format 0.0.4) into <c>promtool check metrics</c>.</summary>
    public static PromtoolResult CheckMetrics(string exposition, TimeSpan? timeout = null) =>
        CheckMetrics(Encoding.UTF8.GetBytes(exposition), timeout);

    /// <summary>Pipes raw bytes into <c>promtool check metrics</c> (what a scrape would deliver).</summary>
    public static PromtoolResult CheckMetrics(byte[] exposition, TimeSpan? timeout = null) =>
        RunAsync(["check", "metrics"], exposition, timeout ?? DefaultTimeout, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Runs promtool with <paramref name="arguments"/>, optional stdin bytes, and a timeout (the process is killed when it expires).</summary>
    public static async Task<PromtoolResult> RunAsync(IReadOnlyList<string> arguments, byte[]? standardInput, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(RequirePath())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            if (standardInput is not null)
            {
                await process.StandardInput.BaseStream.WriteAsync(standardInput, cts.Token).ConfigureAwait(false);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return new PromtoolResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"promtool {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0} s");
        }
        catch (IOException)
        {
            // promtool exits early (e.g. a parse error) and closes stdin: report its verdict.
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return new PromtoolResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
    }
}
