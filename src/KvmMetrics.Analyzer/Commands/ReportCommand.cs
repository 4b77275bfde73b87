using System.Globalization;
using System.Text;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Planning;
using KvmMetrics.Analyzer.Report;
using KvmMetrics.Analyzer.Sources;

namespace KvmMetrics.Analyzer.Commands;

/// <summary>
/// <c>report --output DIR [--now unixSeconds] [--source ...]</c>: the weekly capacity report as HTML,
/// Markdown, CSV and (with Chromium) PDF. Without a source it uses the bundled sample cluster.
/// </summary>
public sealed class ReportCommand : ICommand
{
    /// <summary>Base name of the report files.</summary>
    public const string FileStem = "capacity-report";

    /// <inheritdoc />
    public string Name => "report";

    /// <inheritdoc />
    public string Summary => "weekly capacity report (HTML with charts, Markdown, CSV, PDF); bundled sample by default";

    /// <inheritdoc />
    public IReadOnlyList<KvmMetrics.Options.OptionDefinition> Options { get; } =
        [.. AnalyzerFlags.Common, AnalyzerFlags.Report.Output, AnalyzerFlags.Report.Now, AnalyzerFlags.Report.Pdf, AnalyzerFlags.Report.Chromium,
         .. AnalyzerFlags.Source.All, .. AnalyzerFlags.Influx.All, .. PolicyFields.Definitions];

    /// <inheritdoc />
    public async Task<int> RunAsync(CommandArgs args, CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var output = args.Required(AnalyzerFlags.Report.Output)!;
        var now = args.Get(AnalyzerFlags.Report.Now);
        var pdf = args.Get(AnalyzerFlags.Report.Pdf);
        var chromiumPath = args.Get(AnalyzerFlags.Report.Chromium);
        var source = SourceOptions.Create(args, context.Time);
        args.EnsureAllUsed();

        var err = context.Error;
        await err.WriteLineAsync($"report: loading {source.Name} data").ConfigureAwait(false);
        AnalysisData data;
        try
        {
            data = await source.LoadAsync(now, cancellationToken).ConfigureAwait(false);
        }
        catch (SourceUnavailableException e)
        {
            await err.WriteLineAsync("error: report: " + e.Message).ConfigureAwait(false);
            return 1;
        }

        foreach (var w in data.Warnings)
        {
            await err.WriteLineAsync("warning: " + w).ConfigureAwait(false);
        }

        var at = now ?? data.DefaultNow;
        var (doc, summary) = ReportBuilder.Build(data, at, line => err.WriteLine("report: " + line));
        cancellationToken.ThrowIfCancellationRequested();

        Directory.CreateDirectory(output);
        var html = Path.Combine(output, FileStem + ".html");
        var md = Path.Combine(output, FileStem + ".md");
        var csv = Path.Combine(output, FileStem + ".csv");
        AnalysisJson.WriteAtomically(html, HtmlReportWriter.Render(doc));
        AnalysisJson.WriteAtomically(md, MarkdownReportWriter.Render(doc));
        AnalysisJson.WriteAtomically(csv, CsvReportWriter.Render(doc));

        string pdfLine;
        var pdfPath = Path.Combine(output, FileStem + ".pdf");
        if (pdf == "off")
        {
            pdfLine = "PDF not requested (--pdf off)";
        }
        else if (PdfPrinter.Find(chromiumPath) is not { } chromium)
        {
            pdfLine = chromiumPath is null
                ? "PDF skipped: Chromium is not installed (apt-get install chromium, or pass --chromium PATH)"
                : $"PDF skipped: --chromium '{chromiumPath}' is not an executable";
        }
        else
        {
            await err.WriteLineAsync("report: printing PDF with " + chromium).ConfigureAwait(false);
            var failure = await PdfPrinter.PrintAsync(chromium, html, pdfPath, TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
            pdfLine = failure is null ? pdfPath : "PDF failed: " + failure;
        }

        await context.Out.WriteAsync(Describe(summary, doc.Now, [html, md, csv], pdfLine)).ConfigureAwait(false);
        return 0;
    }

    /// <summary>The terminal summary: where the files are and the headline numbers.</summary>
    public static string Describe(ReportSummary s, long now, IReadOnlyList<string> files, string pdfLine)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(files);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"weekly capacity report, data up to {Fmt.Time(now)} UTC:\n");
        foreach (var f in files)
        {
            sb.Append("  ").Append(f).Append('\n');
        }

        sb.Append("  ").Append(pdfLine).Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"{s.Hosts} hosts, {s.Vms} VMs; ").Append(Fmt.CapacityLine(s.Capacity));
        sb.Append(CultureInfo.InvariantCulture, $"; {s.HotHosts} hot host{(s.HotHosts == 1 ? "" : "s")} this week; {s.Moves} recommended migration{(s.Moves == 1 ? "" : "s")}\n");
        return sb.ToString();
    }
}
