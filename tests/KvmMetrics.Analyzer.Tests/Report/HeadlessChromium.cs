using KvmMetrics.Analyzer.Report;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Analyzer.Tests.Report;

/// <summary>Runs the real headless Chromium for report tests (skipped locally, failing under CI when it is missing).</summary>
internal static class HeadlessChromium
{
    public static string Require() => Requirements.RequireTool("chromium");

    /// <summary>Loads <paramref name="htmlPath"/> with console logging on; returns the DOM and the console lines.</summary>
    public static async Task<(string Dom, IReadOnlyList<string> Console)> DumpDomAsync(string htmlPath)
    {
        var chromium = Require();
        var profile = Directory.CreateTempSubdirectory("kvm-report-test-");
        try
        {
            var dom = Path.Combine(profile.FullName, "dom.html");
            var args = PdfPrinter.HeadlessArguments(Path.Combine(profile.FullName, "p")).Concat(["--enable-logging=stderr", "--v=0", "--dump-dom", new Uri(htmlPath).AbsoluteUri]);
            var psi = new System.Diagnostics.ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            using var p = System.Diagnostics.Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await p.WaitForExitAsync(cts.Token);
            var console = (await stderr).Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToArray();
            return (await stdout, console);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    /// <summary>Renders <paramref name="htmlPath"/> to a PNG of the given window size and decodes it.</summary>
    public static async Task<PngImage> ScreenshotAsync(string htmlPath, int width, int height)
    {
        var chromium = Require();
        var profile = Directory.CreateTempSubdirectory("kvm-report-test-");
        try
        {
            var png = Path.Combine(profile.FullName, "shot.png");
            var args = PdfPrinter.HeadlessArguments(Path.Combine(profile.FullName, "p"))
                .Concat(["--screenshot=" + png, FormattableString.Invariant($"--window-size={width},{height}"), new Uri(htmlPath).AbsoluteUri]);
            var (exit, stderr) = await PdfPrinter.RunAsync(chromium, args, TimeSpan.FromSeconds(90), CancellationToken.None);
            Assert.True(exit == 0 && File.Exists(png), $"chromium --screenshot failed ({exit}): {stderr}");
            return PngImage.Decode(await File.ReadAllBytesAsync(png));
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
