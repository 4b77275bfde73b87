using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace KvmMetrics.Analyzer.Tests.Report;

[Collection(SampleReportCollection.Name)]
public sealed partial class ReportCommandTests(SampleReportFixture report)
{
    [Fact]
    public void Report_OnBundledSample_WritesHtmlMarkdownCsvAndSummary()
    {
        Assert.True(report.ExitCode == 0, report.Stderr);
        Assert.Contains("capacity-report.html", report.Stdout, StringComparison.Ordinal);
        Assert.Contains("capacity-report.md", report.Stdout, StringComparison.Ordinal);
        Assert.Contains("capacity-report.csv", report.Stdout, StringComparison.Ordinal);
        Assert.Contains("PDF not requested", report.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"7 hosts, 48 VMs; headroom \(N\+1\) -?[0-9.]+ cores \((demand|allocation)\), -?[0-9.]+ GiB \((demand|allocation)\); CPU full in .+, (demand|allocation) binds; memory full in .+, (demand|allocation) binds; \d+ standard VMs still fit \([a-z ]+\); (order now|order by \d{4}-\d\d-\d\d|no order needed)[^;]*; \d+ hot hosts? this week; \d+ recommended migrations?", report.Stdout);
        Assert.Contains("data up to 2026-09-07 12:00 UTC", report.Stdout, StringComparison.Ordinal);
        Assert.Contains("report: forecasting cluster CPU (1/4)", report.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_OnBundledSample_HasEverySectionOfTheIssue()
    {
        var html = report.Html;
        foreach (var title in new[] { "Cluster summary", "Demand forecasts", "Hosts at risk", "Top growing VMs", "Idle, oversized and undersized VMs",
                     "The week&#39;s hotspots", "Recommended migrations", "Week-over-week changes", "Forecast track record",
                     "Room to grow and when to buy", "The cluster after the plan", "Values above what the hardware delivers" })
        {
            Assert.Contains("<h2>" + title + "</h2>", html, StringComparison.Ordinal);
        }

        Assert.Equal(5, Regex.Matches(html, "<svg class=\"chart\"").Count);
        Assert.Contains("80% interval", html, StringComparison.Ordinal);
        Assert.Contains("95% interval", html, StringComparison.Ordinal);
        Assert.Contains("usable (N+1, target)", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_Html_IsSelfContained()
    {
        var html = report.Html;
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        foreach (Match m in Regex.Matches(html, "(?:href|src)=\"([^\"]*)\""))
        {
            Assert.StartsWith("#", m.Groups[1].Value, StringComparison.Ordinal);
        }

        // The only absolute URL is the SVG namespace name, which is never fetched.
        var urls = Regex.Matches(html, "https?://[^\"' <]+").Select(m => m.Value).Distinct().ToArray();
        Assert.Equal(["http://www.w3.org/2000/svg"], urls);
        Assert.Contains("@media print", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_MarkdownAndCsv_ShowTheSameCellsAsTheHtml()
    {
        var html = HtmlCells(report.Html);
        // The full right-sizing list is in the CSV only; the HTML and Markdown show its top rows.
        var csv = CsvCells(report.Csv).Where(c => !c.Key.StartsWith("right-sizing-all|", StringComparison.Ordinal)).ToDictionary();
        var md = MarkdownCells(report.Markdown);
        Assert.True(html.Count > 300, $"only {html.Count} cells in the HTML");
        Assert.Equal(html.Keys.Order(StringComparer.Ordinal), csv.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(html.Keys.Order(StringComparer.Ordinal), md.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in html)
        {
            Assert.True(value == csv[key], $"{key}: HTML '{value}' vs CSV '{csv[key]}'");
            Assert.True(value == md[key], $"{key}: HTML '{value}' vs Markdown '{md[key]}'");
        }

        // The numbers are real numbers, not just equal strings: the headroom parses and matches the summary table.
        var headroom = html["key-figures|2|Value"];
        Assert.EndsWith(" cores (demand)", headroom, StringComparison.Ordinal);
        var cpuHeadroom = double.Parse(html["cluster-summary|0|Demand headroom"], CultureInfo.InvariantCulture);
        Assert.Equal(cpuHeadroom, double.Parse(headroom[..^15], CultureInfo.InvariantCulture), 1);
    }

    [Fact]
    public void Report_SameInputAndNow_IsByteIdentical()
    {
        var second = Directory.CreateTempSubdirectory("kvm-report-again-");
        try
        {
            var (code, _, stderr) = SampleReportFixture.Run(["report", "--output", second.FullName, "--now", "1788782400", "--pdf", "off"]);
            Assert.True(code == 0, stderr);
            foreach (var name in new[] { "capacity-report.html", "capacity-report.md", "capacity-report.csv" })
            {
                var a = File.ReadAllBytes(Path.Combine(report.Directory.FullName, name));
                var b = File.ReadAllBytes(Path.Combine(second.FullName, name));
                Assert.True(a.AsSpan().SequenceEqual(b), name + " differs between two runs with the same --now");
            }
        }
        finally
        {
            second.Delete(recursive: true);
        }
    }

    [Fact]
    public void Report_DifferentNow_GivesADifferentReport()
    {
        var other = Directory.CreateTempSubdirectory("kvm-report-other-");
        try
        {
            var (code, stdout, stderr) = SampleReportFixture.Run(["report", "--output", other.FullName, "--now", "1788825600", "--pdf", "off"]);
            Assert.True(code == 0, stderr);
            Assert.Contains("data up to 2026-09-08 00:00 UTC", stdout, StringComparison.Ordinal);
            Assert.NotEqual(report.Csv, File.ReadAllText(Path.Combine(other.FullName, "capacity-report.csv")));
        }
        finally
        {
            other.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("--now", "yesterday", "--now: 'yesterday' is not Unix seconds")]
    [InlineData("--pdf", "always", "--pdf: 'always' is not one of the choices; accepted: auto, off")]
    [InlineData("--source", "graphite", "--source: 'graphite' is not one of the choices; accepted: sample, files, prometheus, influx")]
    [InlineData("--source", "influx", "--source influx needs --influx.url")]
    public void Report_BadOption_IsAUsageErrorNamingTheOption(string option, string value, string message)
    {
        var dir = Path.Combine(Path.GetTempPath(), "kvm-report-bad-" + Guid.NewGuid().ToString("N"));
        var (code, _, stderr) = SampleReportFixture.Run(["report", "--output", dir, option, value]);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Report_FilesSourceWithMissingHistory_SaysWhichFile()
    {
        var cluster = Path.Combine(report.Directory.FullName, "c.json");
        File.WriteAllText(cluster, "{\"hosts\":[{\"name\":\"h1\",\"cpuCores\":8,\"memoryBytes\":1000}],\"vms\":[],\"planTime\":100000}");
        var (code, _, stderr) = SampleReportFixture.Run(["report", "--output", report.Directory.FullName, "--cluster", cluster, "--history", "/nonexistent/h.csv"]);
        Assert.Equal(2, code);
        Assert.Contains("/nonexistent/h.csv", stderr, StringComparison.Ordinal);
    }

    internal static Dictionary<string, string> HtmlCells(string html)
    {
        var cells = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in CellRegex().Matches(html))
        {
            cells.Add(WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value));
        }

        return cells;
    }

    internal static Dictionary<string, string> CsvCells(string csv)
    {
        var cells = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("table,row,column,value", lines[0]);
        foreach (var line in lines.Skip(1))
        {
            var f = SplitCsv(line);
            Assert.Equal(4, f.Count);
            cells.Add(f[0] + "|" + f[1] + "|" + f[2], f[3]);
        }

        return cells;
    }

    internal static Dictionary<string, string> MarkdownCells(string md)
    {
        var cells = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = md.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var marker = MarkerRegex().Match(lines[i]);
            if (!marker.Success)
            {
                continue;
            }

            var id = marker.Groups[1].Value;
            var j = i + 3;
            if (j >= lines.Length || !lines[j].StartsWith('|'))
            {
                continue;
            }

            var columns = SplitMarkdownRow(lines[j]);
            j += 2;
            for (var row = 0; j < lines.Length && lines[j].StartsWith('|'); j++, row++)
            {
                var values = SplitMarkdownRow(lines[j]);
                Assert.Equal(columns.Count, values.Count);
                for (var c = 0; c < columns.Count; c++)
                {
                    cells.Add(id + "|" + row.ToString(CultureInfo.InvariantCulture) + "|" + columns[c], values[c]);
                }
            }
        }

        return cells;
    }

    private static List<string> SplitMarkdownRow(string line)
    {
        var cells = new List<string>();
        var sb = new System.Text.StringBuilder();
        for (var i = 1; i < line.Length; i++)
        {
            if (line[i] == '\\' && i + 1 < line.Length)
            {
                sb.Append(line[++i]);
            }
            else if (line[i] == '|')
            {
                cells.Add(sb.ToString().Trim());
                sb.Clear();
            }
            else
            {
                sb.Append(line[i]);
            }
        }

        return cells;
    }

    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var sb = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(ch);
            }
        }

        fields.Add(sb.ToString());
        return fields;
    }

    [GeneratedRegex("data-cell=\"([^\"]*)\">([^<]*)<")]
    private static partial Regex CellRegex();

    [GeneratedRegex("^<!-- table:([a-z0-9-]+) -->$")]
    private static partial Regex MarkerRegex();
}
