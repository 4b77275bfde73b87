using System.Text.RegularExpressions;
using KvmMetrics.Analyzer.Report;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Analyzer.Tests.Report;

/// <summary>Reads a PDF's text page by page with the real pdftotext (poppler-utils).</summary>
internal static partial class PdfText
{
    /// <summary>Non-empty, whitespace-normalised lines of each page, in order.</summary>
    public static async Task<IReadOnlyList<IReadOnlyList<string>>> PagesAsync(string pdf)
    {
        var tool = Requirements.RequireTool("pdftotext");
        var txt = pdf + ".txt";
        var (exit, stderr) = await PdfPrinter.RunAsync(tool, [pdf, txt], TimeSpan.FromSeconds(60), CancellationToken.None);
        Assert.True(exit == 0, $"pdftotext failed ({exit}): {stderr}");

        // pdftotext ends every page with a form feed.
        var text = await File.ReadAllTextAsync(txt);
        var pages = text.Split('\f');
        return [.. pages.Take(text.EndsWith('\f') ? pages.Length - 1 : pages.Length)
            .Select(p => (IReadOnlyList<string>)[.. p.Split('\n').Select(Norm).Where(l => l.Length > 0)])];
    }

    public static string Norm(string s) => Spaces().Replace(s, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
