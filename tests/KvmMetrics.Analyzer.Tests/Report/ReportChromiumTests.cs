using KvmMetrics.Analyzer.Report;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Analyzer.Tests.Report;

[Collection(SampleReportCollection.Name)]
public sealed class ReportChromiumTests(SampleReportFixture report)
{
    /// <summary>The A4 print of the bundled sample must stay a short read (9 pages when this was written).</summary>
    private const int MaxPages = 12;

    private string HtmlPath => Path.Combine(report.Directory.FullName, "capacity-report.html");

    [SkippableFact]
    public async Task Html_RendersInHeadlessChromium_WithoutConsoleMessages_AndWithLegends()
    {
        HeadlessChromium.Require();
        var (dom, console) = await HeadlessChromium.DumpDomAsync(HtmlPath);
        Assert.Empty(console);
        Assert.Contains("<h1>Weekly capacity report</h1>", dom, StringComparison.Ordinal);
        Assert.Equal(5, CountOf(dom, "<g class=\"legend\">"));
        Assert.Equal(5, CountOf(dom, ">80% interval</text>"));
        Assert.Equal(5, CountOf(dom, ">95% interval</text>"));
        Assert.Equal(5, CountOf(dom, ">forecast</text>"));
    }

    [SkippableFact]
    public async Task ConsoleCheck_SeesAnErrorOnAPageThatLogsOne()
    {
        // Control for the test above: the console capture does catch a page error.
        HeadlessChromium.Require();
        var page = Path.Combine(report.Directory.FullName, "bad.html");
        await File.WriteAllTextAsync(page, "<html><body><script>console.error('boom')</script></body></html>");
        var (_, console) = await HeadlessChromium.DumpDomAsync(page);
        Assert.Contains(console, l => l.Contains("boom", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Screenshot_DrawsBandsAndLinesInsideEachForecastChart()
    {
        HeadlessChromium.Require();
        var chart = new ReportChart("c", "CPU", "cores", 0, 3600, [.. Enumerable.Range(0, 200).Select(i => 10 + (5 * Math.Sin(i / 4.0)))], 200 * 3600,
            [.. Enumerable.Repeat(12.0, 100)], [.. Enumerable.Repeat(9.0, 100)], [.. Enumerable.Repeat(15.0, 100)], [.. Enumerable.Repeat(6.0, 100)],
            [.. Enumerable.Repeat(18.0, 100)], [new ChartLine("usable", 25, "limit")], "caption", "observed", 200 * 3600);
        var page = Path.Combine(report.Directory.FullName, "chart.html");
        var css = HtmlReportWriter.Render(new ReportDocument("t", 0, "s", new ReportTable("k", "k", ["a", "b"], []), [], []));
        var style = css[css.IndexOf("<style>", StringComparison.Ordinal)..(css.IndexOf("</style>", StringComparison.Ordinal) + 8)];
        await File.WriteAllTextAsync(page, "<!DOCTYPE html><html><head>" + style + "</head><body style=\"margin:0;background:#fff\">" + SvgChart.Render(chart) + "</body></html>");
        var png = await HeadlessChromium.ScreenshotAsync(page, 880, 300);

        // Observed part (left 2/3 of the plot) has the blue line; forecast part (right 1/3) has orange bands and line.
        var blueLeft = Count(png, 70, 560, 40, 255, IsBlue);
        var orangeRight = Count(png, 620, 860, 40, 255, IsOrange);
        var orangeLeft = Count(png, 70, 560, 40, 255, IsOrange);
        Assert.True(blueLeft > 300, $"observed line: {blueLeft} blue pixels");
        Assert.True(orangeRight > 5000, $"forecast bands: {orangeRight} orange pixels");
        Assert.True(orangeLeft < 200, $"bands leak into history: {orangeLeft} orange pixels");
        Assert.True(Count(png, 60, 860, 40, 255, IsRed) > 100, "usable capacity line missing");
    }

    [SkippableFact]
    public async Task Screenshot_OfTheWholeReport_HasChartsBelowTheKeyFigures()
    {
        HeadlessChromium.Require();
        var png = await HeadlessChromium.ScreenshotAsync(HtmlPath, 1100, 4200);

        // The first two forecast charts (CPU, memory) sit in the top 4200 px of the page at this width, after the
        // cluster summary and the room-to-grow section.
        var rowsWithOrange = Enumerable.Range(0, png.Height).Count(y => Enumerable.Range(0, png.Width).Any(x => IsOrange(png.Pixel(x, y))));
        var blue = Count(png, 0, png.Width, 0, png.Height, IsBlue);
        Assert.True(rowsWithOrange > 250, $"only {rowsWithOrange} pixel rows contain forecast bands");
        Assert.True(blue > 2000, $"only {blue} blue pixels (observed lines, headings)");
        Assert.True(Count(png, 0, png.Width, 0, 200, p => p.R < 100 && p.G < 120) > 500, "no title text at the top");
    }

    [SkippableFact]
    public async Task Pdf_IsPrinted_WithBoundedPages_AndNoHeadingLastOnAPage()
    {
        HeadlessChromium.Require();
        Requirements.RequireTool("pdftotext");
        var dir = Directory.CreateTempSubdirectory("kvm-report-pdf-");
        try
        {
            var (code, stdout, stderr) = SampleReportFixture.Run(["report", "--output", dir.FullName, "--now", "1788782400"]);
            Assert.True(code == 0, stderr);
            var pdf = Path.Combine(dir.FullName, "capacity-report.pdf");
            Assert.Contains(pdf, stdout, StringComparison.Ordinal);
            var bytes = await File.ReadAllBytesAsync(pdf);
            Assert.True(bytes.Length > 50_000, $"PDF of {bytes.Length} bytes");
            Assert.Equal("%PDF-"u8.ToArray(), bytes[..5]);
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(System.Text.Encoding.Latin1.GetString(bytes), @"/Type /Pages[^>]*/Count ([4-9]|[1-9][0-9])"), "expected a multi-page PDF (A4 print of the report)");

            // Page count bound and no page that ends with a heading or with a section's intro (its content on the next page).
            var pages = await PdfText.PagesAsync(pdf);
            Assert.InRange(pages.Count, 4, MaxPages);
            var markdown = await File.ReadAllTextAsync(Path.Combine(dir.FullName, "capacity-report.md"));
            var headings = markdown.Split('\n').Where(l => l.StartsWith('#')).Select(l => PdfText.Norm(l.TrimStart('#'))).ToHashSet(StringComparer.Ordinal);
            var intros = markdown.Split('\n').Where(l => l.Length > 0 && !"#|<*-".Contains(l[0], StringComparison.Ordinal)).Select(PdfText.Norm).ToArray();
            for (var i = 0; i < pages.Count - 1; i++)
            {
                var last = pages[i].LastOrDefault() ?? "";
                Assert.False(headings.Contains(last), $"page {i + 1} ends with the heading '{last}'");
                Assert.False(last.Length > 15 && intros.Any(t => t.Contains(last, StringComparison.Ordinal)), $"page {i + 1} ends inside a section intro: '{last}'");
            }

            // Dates with a year on every page that shows a date.
            Assert.Contains(pages, p => p.Any(l => l.Contains("2026-09-07", StringComparison.Ordinal)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Pdf_WithAMissingChromiumPath_IsAUsageError_BeforeAnyWork()
    {
        // An explicit --chromium that does not exist is a bad input (issue 16): one line naming the flag, exit 2, and
        // nothing written, rather than a report without the PDF the caller asked for.
        var dir = Directory.CreateTempSubdirectory("kvm-report-nopdf-");
        try
        {
            var (code, stdout, stderr) = SampleReportFixture.Run(["report", "--output", dir.FullName, "--chromium", "/nonexistent/chromium"]);
            Assert.Equal(2, code);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("--chromium", line, StringComparison.Ordinal);
            Assert.Contains("/nonexistent/chromium", line, StringComparison.Ordinal);
            Assert.DoesNotContain("capacity", stdout, StringComparison.Ordinal);
            Assert.Empty(dir.GetFiles());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static bool IsBlue((byte R, byte G, byte B) p) => p.B > 120 && p.B > p.R + 60 && p.B > p.G + 20;

    private static bool IsOrange((byte R, byte G, byte B) p) => p.R > 200 && p.R > p.B + 30 && p.G > p.B + 5 && p.R > p.G + 10;

    private static bool IsRed((byte R, byte G, byte B) p) => p.R > 150 && p.G < 80 && p.B < 80;

    private static int Count(PngImage png, int x0, int x1, int y0, int y1, Func<(byte R, byte G, byte B), bool> test)
    {
        var n = 0;
        for (var y = y0; y < Math.Min(y1, png.Height); y++)
        {
            for (var x = x0; x < Math.Min(x1, png.Width); x++)
            {
                n += test(png.Pixel(x, y)) ? 1 : 0;
            }
        }

        return n;
    }

    private static int CountOf(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
