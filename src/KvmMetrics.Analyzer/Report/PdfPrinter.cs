using System.Diagnostics;

namespace KvmMetrics.Analyzer.Report;

/// <summary>
/// Prints an HTML file to PDF with headless Chromium when it is installed. Arguments are passed as a
/// list (never a shell string) and the browser gets a throw-away profile directory and no network.
/// </summary>
public static class PdfPrinter
{
    /// <summary>Executable names tried on PATH, in order.</summary>
    public static IReadOnlyList<string> Candidates { get; } = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    /// <summary>Finds a Chromium executable: <paramref name="explicitPath"/> when given, else the first candidate on PATH.</summary>
    public static string? Find(string? explicitPath = null)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var name in Candidates)
        {
            foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var full = Path.Combine(dir, name);
                if (File.Exists(full))
                {
                    return full;
                }
            }
        }

        return null;
    }

    /// <summary>The common headless flags: no sandbox (containers), no GPU, no network chatter, a fresh profile.</summary>
    public static IReadOnlyList<string> HeadlessArguments(string profileDirectory) =>
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
        "--user-data-dir=" + profileDirectory,
    ];

    /// <summary>Prints <paramref name="htmlPath"/> to <paramref name="pdfPath"/>; returns null on success or the reason it failed.</summary>
    public static async Task<string?> PrintAsync(string chromium, string htmlPath, string pdfPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var profile = Directory.CreateTempSubdirectory("kvm-report-chromium-");
        try
        {
            var temp = pdfPath + ".tmp.pdf";
            var args = HeadlessArguments(profile.FullName).Concat(["--no-pdf-header-footer", "--print-to-pdf-no-header", "--print-to-pdf=" + Path.GetFullPath(temp), new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri]);
            var (exit, stderr) = await RunAsync(chromium, args, timeout, cancellationToken).ConfigureAwait(false);
            if (exit != 0 || !File.Exists(temp) || new FileInfo(temp).Length == 0)
            {
                File.Delete(temp);
                return $"chromium exited with {exit}: {Last(stderr)}";
            }

            File.Move(temp, pdfPath, overwrite: true);
            return null;
        }
        finally
        {
            TryDelete(profile);
        }
    }

    /// <summary>Runs Chromium with <paramref name="arguments"/>, killing it after <paramref name="timeout"/>; returns exit code and stderr.</summary>
    public static async Task<(int ExitCode, string Stderr)> RunAsync(string chromium, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var psi = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + chromium);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return (-1, "timed out after " + timeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + " s");
        }

        await stdout.ConfigureAwait(false);
        return (process.ExitCode, await stderr.ConfigureAwait(false));
    }

    private static string Last(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "no output" : lines[^1];
    }

    private static void TryDelete(DirectoryInfo dir)
    {
        try
        {
            dir.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still hold a lock file for a moment; a leftover temp profile is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
