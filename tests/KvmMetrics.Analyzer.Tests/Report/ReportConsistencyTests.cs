using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using KvmMetrics.Analyzer.Sample;

namespace KvmMetrics.Analyzer.Tests.Report;

/// <summary>
/// The bundled sample's report says one thing per resource: the headline, the tables, the chart captions, the CSV,
/// the Markdown and the terminal line are parsed from the rendered files and compared with each other and with
/// arithmetic on the input (not with the capacity model's own values).
/// </summary>
[Collection(SampleReportCollection.Name)]
public sealed partial class ReportConsistencyTests(SampleReportFixture report)
{
    [Theory]
    [InlineData("cpu", "CPU")]
    [InlineData("memory", "Memory")]
    public void FullIn_HeadlineTablesCaptionsCsvMarkdownAndTerminal_Agree(string resource, string name)
    {
        var html = ReportCommandTests.HtmlCells(report.Html);
        var csv = ReportCommandTests.CsvCells(report.Csv);
        var md = ReportCommandTests.MarkdownCells(report.Markdown);

        var headline = Cell(html, "key-figures", "Figure", name + " full in", "Value");
        Assert.Equal(headline, Cell(html, "cluster-summary", "Resource", resource, "Full in"));
        Assert.Equal(headline, Cell(html, "forecast", "Resource", name, "Full in (capacity model)"));
        Assert.Equal(headline, Cell(csv, "key-figures", "Figure", name + " full in", "Value"));
        Assert.Equal(headline, Cell(csv, "cluster-summary", "Resource", resource, "Full in"));
        Assert.Equal(headline, Cell(md, "key-figures", "Figure", name + " full in", "Value"));

        // Chart caption in the HTML and in the Markdown.
        var chart = report.Html[report.Html.IndexOf("id=\"chart-" + resource + "\"", StringComparison.Ordinal)..];
        var caption = WebUtility.HtmlDecode(CaptionRegex().Match(chart).Groups[1].Value);
        Assert.Contains(name + " full in " + headline + " (capacity model)", caption, StringComparison.Ordinal);
        var mdCaption = report.Markdown.Split('\n').Single(l => l.StartsWith("*Chart (see the HTML report): " + name + " demand", StringComparison.Ordinal));
        Assert.Contains(name + " full in " + headline + " (capacity model)", mdCaption, StringComparison.Ordinal);

        // The terminal summary line.
        Assert.Contains((resource == "cpu" ? "CPU" : "memory") + " full in " + headline + ";", report.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void CpuFullIn_IsTheTablesHeadroomOverItsGrowth()
    {
        var html = ReportCommandTests.HtmlCells(report.Html);
        var full = Cell(html, "cluster-summary", "Resource", "cpu", "Full in");
        var m = DaysRegex().Match(full);
        Assert.True(m.Success, full);
        var headroom = double.Parse(Cell(html, "cluster-summary", "Resource", "cpu", "Demand headroom"), CultureInfo.InvariantCulture);
        var growth = double.Parse(Cell(html, "cluster-summary", "Resource", "cpu", "Demand growth per day"), CultureInfo.InvariantCulture);
        Assert.True(growth > 0, "the sample's CPU demand grows");
        var days = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);

        // The table rounds headroom to 0.1 and growth to 0.001: allow that rounding, nothing more.
        var low = (headroom - 0.05) / (growth + 0.0005);
        var high = (headroom + 0.05) / (growth - 0.0005);
        Assert.InRange(days, Math.Floor(low) - 1, Math.Ceiling(high) + 1);
        Assert.EndsWith(", demand binds", full, StringComparison.Ordinal);
        var earliest = m.Groups[2].Value;
        Assert.True(earliest == "now" || double.Parse(earliest.TrimEnd(' ', 'd'), CultureInfo.InvariantCulture) <= days, full);
    }

    [Fact]
    public void MemoryFullIn_IsAllocation_WhenTheSampleAllocatesMoreThanTheHostsLeftAfterN1()
    {
        // From the input file, not from the model: allocated memory against the hosts' memory minus the largest host.
        using var cluster = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths(), "src/KvmMetrics.Analyzer/Sample/Data", SampleBuilder.ClusterFile)));
        var hosts = cluster.RootElement.GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("memoryBytes").GetDouble()).ToArray();
        var allocated = cluster.RootElement.GetProperty("vms").EnumerateArray().Sum(v => v.GetProperty("memoryBytes").GetDouble());
        var allocatable = hosts.Sum() - hosts.Max();
        Assert.True(allocated > allocatable, "the sample is meant to be over-allocated at N+1");

        var html = ReportCommandTests.HtmlCells(report.Html);
        Assert.Equal("now, allocation binds", Cell(html, "key-figures", "Figure", "Memory full in", "Value"));
        var headroom = Cell(html, "key-figures", "Figure", "Memory headroom (N+1)", "Value");
        Assert.Equal((allocatable - allocated) / (1L << 30), double.Parse(headroom.Split(' ')[0], CultureInfo.InvariantCulture), 1);
        Assert.EndsWith("GiB (allocation)", headroom, StringComparison.Ordinal);
        Assert.Equal("0 (memory allocation)", Cell(html, "key-figures", "Figure", "Standard VMs that still fit", "Value"));
        Assert.StartsWith("order now", Cell(html, "key-figures", "Figure", "When to buy (lead time 60 d)", "Value"), StringComparison.Ordinal);
    }

    [Fact]
    public void Report_ShowsPerHostFullIn_OnlyGrowingVms_AndTopNSizingWithTheRestInTheCsv()
    {
        var html = ReportCommandTests.HtmlCells(report.Html);
        var csv = ReportCommandTests.CsvCells(report.Csv);
        var hostRows = Rows(html, "hosts");
        Assert.Equal(7, hostRows.Count);
        Assert.All(hostRows, r => Assert.Matches(@"^(now|not projected|> \d+ d|\d+ d)( \(90%: .+\))? \((cpu|memory|disk) (demand|allocation)\)$", html[$"hosts|{r}|Full in"]));

        foreach (var r in Rows(html, "growing-vms"))
        {
            Assert.StartsWith("+", html[$"growing-vms|{r}|CPU change"], StringComparison.Ordinal);
        }

        var top = Rows(html, "right-sizing");
        var all = Rows(csv, "right-sizing-all");
        Assert.InRange(top.Count, 1, 15);
        Assert.True(all.Count > top.Count, $"CSV lists {all.Count} VMs, HTML {top.Count}");
        foreach (var r in top)
        {
            Assert.Equal(csv[$"right-sizing-all|{r}|VM"], html[$"right-sizing|{r}|VM"]);
        }

        Assert.DoesNotContain("data-table=\"right-sizing-all\"", report.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyFigures_AgreeWithTheirSections_ReclaimNetBuyAndHostsAfterThePlan()
    {
        var html = ReportCommandTests.HtmlCells(report.Html);
        var gross = int.Parse(html["sizing-totals|0|Reclaimable vCPUs (gross)"], CultureInfo.InvariantCulture);
        var need = int.Parse(html["sizing-totals|0|vCPUs undersized VMs need"], CultureInfo.InvariantCulture);
        var net = html["sizing-totals|0|Reclaimable vCPUs (net)"];
        Assert.Equal((gross - need).ToString(CultureInfo.InvariantCulture), net);
        Assert.StartsWith(net + " vCPUs, ", Cell(html, "key-figures", "Figure", "Reclaimable, net", "Value"), StringComparison.Ordinal);

        Assert.Equal(Cell(html, "purchase", "Figure", "Advice", "Value"), Cell(html, "key-figures", "Figure", "When to buy (lead time 60 d)", "Value"));
        var hosts = int.Parse(Cell(html, "purchase", "Figure", "Hosts to add (median host size)", "Value"), CultureInfo.InvariantCulture);
        Assert.EndsWith(": " + hosts + (hosts == 1 ? " host" : " hosts"), Cell(html, "purchase", "Figure", "Advice", "Value"), StringComparison.Ordinal);

        var after = Rows(html, "cluster-after-plan");
        Assert.Equal(7, after.Count);
        var vmsAfter = after.Sum(r => int.Parse(html[$"cluster-after-plan|{r}|VMs"].Split(" -> ")[1], CultureInfo.InvariantCulture));
        Assert.Equal(48, vmsAfter);
    }

    [Fact]
    public void Report_StatesForecastQualityInWords_AndScoresFourWeeks()
    {
        var html = ReportCommandTests.HtmlCells(report.Html);
        var quality = html.Single(c => c.Key.StartsWith("key-figures|", StringComparison.Ordinal) && c.Value.StartsWith("CPU forecast, last ", StringComparison.Ordinal)).Key;
        var value = html[quality.Replace("|Figure", "|Value", StringComparison.Ordinal)];
        Assert.Matches(@"^off by [0-9.]+ cores/h \(\d+% of mean\); 95% interval [0-9.]+ cores wide, held \d+%$", value);
        var weeks = Rows(html, "track-record");
        Assert.Equal(5, weeks.Count); // four weeks and the pooled row
        var origins = weeks.Take(4).Select(r => DateTime.Parse(html[$"track-record|{r}|Forecast made (UTC)"], CultureInfo.InvariantCulture)).ToArray();
        for (var i = 1; i < origins.Length; i++)
        {
            Assert.Equal(TimeSpan.FromDays(7), origins[i - 1] - origins[i]);
        }

        Assert.Contains("In plain words: over the last 4 week(s) the 7-day forecast was off by", report.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryChart_HasBothAxesLabelledWithDatedTicks_AndData()
    {
        var charts = ChartRegex().Matches(report.Html).Select(m => m.Value).ToArray();
        Assert.Equal(5, charts.Length);
        foreach (var svg in charts)
        {
            var y = YLabelRegex().Matches(svg).Select(m => m.Groups[1].Value).ToArray();
            Assert.True(y.Count(l => double.TryParse(l, CultureInfo.InvariantCulture, out _)) >= 5, string.Join(",", y));
            Assert.Contains(y, l => l is "cores" or "GiB" or "MB/s");
            var x = XLabelRegex().Matches(svg).Select(m => m.Groups[1].Value).ToArray();
            Assert.True(x.Length >= 2, "x ticks");
            Assert.All(x, l => Assert.Matches(@"^20\d\d-\d\d-\d\d$", l));
            Assert.Contains("date (UTC", svg, StringComparison.Ordinal);
            var actual = ActualPathRegex().Match(svg);
            Assert.True(actual.Success && actual.Groups[1].Value.Count(c => c == 'L') > 100, "observed line with data");
        }

        // The memory chart shows the allocation lines that bind it, so its upper axis is not empty.
        var memory = charts.Single(c => c.Contains("id=\"chart-memory\"", StringComparison.Ordinal));
        Assert.Contains(">allocated</text>", memory, StringComparison.Ordinal);
        Assert.Contains(">allocatable (N+1)</text>", memory, StringComparison.Ordinal);
    }

    private static string RepoPaths() => KvmMetrics.TestSupport.RepoPaths.Root;

    private static string Cell(Dictionary<string, string> cells, string table, string keyColumn, string key, string column)
    {
        var row = Rows(cells, table).Single(r => cells[$"{table}|{r}|{keyColumn}"] == key);
        return cells[$"{table}|{row}|{column}"];
    }

    private static List<int> Rows(Dictionary<string, string> cells, string table) =>
        [.. cells.Keys.Where(k => k.StartsWith(table + "|", StringComparison.Ordinal)).Select(k => int.Parse(k.Split('|')[1], CultureInfo.InvariantCulture)).Distinct().Order()];

    [GeneratedRegex("<p class=\"caption\">([^<]*)</p>")]
    private static partial Regex CaptionRegex();

    [GeneratedRegex(@"^(\d+) d \(90%: (now|> \d+ d|\d+ d) to (now|> \d+ d|\d+ d)\)")]
    private static partial Regex DaysRegex();

    [GeneratedRegex("<svg class=\"chart\".*?</svg>", RegexOptions.Singleline)]
    private static partial Regex ChartRegex();

    [GeneratedRegex("class=\"ylab\">([^<]*)<")]
    private static partial Regex YLabelRegex();

    [GeneratedRegex("class=\"xlab\">([^<]*)<")]
    private static partial Regex XLabelRegex();

    [GeneratedRegex("<path d=\"(M[^\"]*)\" class=\"actual\"/>")]
    private static partial Regex ActualPathRegex();
}
