using System.Text;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Exposition;
using Prometheus;

namespace KvmMetrics.Analyzer.Tests.Service;

public sealed class PrometheusNetPublisherTests
{
    private static readonly MetricDescriptor Ratio = new("test_host_ratio", MetricType.Gauge, "Ratio of the host.", "host");
    private static readonly MetricDescriptor Pending = new("test_pending", MetricType.Gauge, "Pending moves.");
    private static readonly MetricDescriptor Runs = new("test_runs_total", MetricType.Counter, "Runs by result.", "result");
    private static readonly MetricDescriptor Build = new("test_build_info", MetricType.Info, "Version.", "version");

    private static MetricSet Set(Action<MetricSetBuilder> fill)
    {
        var b = new MetricSetBuilder();
        fill(b);
        return b.Build();
    }

    private static async Task<string> Text(PrometheusNetPublisher p, ExpositionFormat format = ExpositionFormat.PrometheusText)
    {
        using var stream = new MemoryStream();
        await p.Registry.CollectAndExportAsTextAsync(stream, format);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public async Task Collect_WritesEverySampleOfTheSet_InTextFormat()
    {
        var p = new PrometheusNetPublisher(() => Set(b =>
        {
            b.Add(Ratio, 0.5, "kvm01");
            b.Add(Ratio, 1.25, "kvm02");
            b.Add(Pending, 3);
            b.Add(Runs, 7, "success");
            b.Add(Build, 1, "1.2.3");
        }));

        var text = await Text(p);

        Assert.Contains("# HELP test_host_ratio Ratio of the host.\n# TYPE test_host_ratio gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("test_host_ratio{host=\"kvm01\"} 0.5\n", text, StringComparison.Ordinal);
        Assert.Contains("test_host_ratio{host=\"kvm02\"} 1.25\n", text, StringComparison.Ordinal);
        Assert.Contains("test_pending 3\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE test_runs_total counter\ntest_runs_total{result=\"success\"} 7\n", text, StringComparison.Ordinal);
        Assert.Contains("test_build_info{version=\"1.2.3\"} 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collect_AfterAHostAndAFamilyVanish_NoLongerWritesThem()
    {
        var round = 0;
        var p = new PrometheusNetPublisher(() => Set(b =>
        {
            b.Add(Ratio, 0.5, "kvm01");
            if (round == 0)
            {
                b.Add(Ratio, 0.9, "kvm02");
                b.Add(Pending, 2);
            }
        }));

        var first = await Text(p);
        round = 1;
        var second = await Text(p);

        Assert.Contains("host=\"kvm02\"", first, StringComparison.Ordinal);
        Assert.Contains("test_pending 2", first, StringComparison.Ordinal);
        Assert.Contains("test_host_ratio{host=\"kvm01\"} 0.5\n", second, StringComparison.Ordinal);
        Assert.DoesNotContain("kvm02", second, StringComparison.Ordinal);
        Assert.DoesNotContain("test_pending 2", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collect_CounterFollowsTheCumulativeSourceValue()
    {
        var value = 4.0;
        var p = new PrometheusNetPublisher(() => Set(b => b.Add(Runs, value, "failure")));

        await Text(p);
        value = 9;
        var text = await Text(p);

        Assert.Contains("test_runs_total{result=\"failure\"} 9\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collect_OpenMetrics_NamesTheCounterFamilyWithoutTotal_AndEnds()
    {
        var p = new PrometheusNetPublisher(() => Set(b => b.Add(Runs, 1, "success")));

        var text = await Text(p, ExpositionFormat.OpenMetricsText);

        Assert.Contains("# TYPE test_runs counter\n", text, StringComparison.Ordinal);
        Assert.Contains("test_runs_total{result=\"success\"} 1", text, StringComparison.Ordinal);
        Assert.EndsWith("# EOF\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collect_SpecialValues_AreSpelledSoPrometheusParsesThem()
    {
        var p = new PrometheusNetPublisher(() => Set(b =>
        {
            b.Add(Ratio, double.PositiveInfinity, "inf");
            b.Add(Ratio, double.NaN, "nan");
        }));

        var text = await Text(p);
        var open = await Text(p, ExpositionFormat.OpenMetricsText);

        // prometheus-net 8.2.1 writes "Infinity" in text 0.0.4 (the analyzer's own writer wrote "+Inf"); Prometheus reads
        // both through Go's strconv.ParseFloat (checked with promtool check metrics), so alerts on +Inf still work.
        Assert.True(text.Contains("test_host_ratio{host=\"inf\"} Infinity\n", StringComparison.Ordinal), text);
        Assert.Contains("test_host_ratio{host=\"nan\"} NaN\n", text, StringComparison.Ordinal);
        Assert.True(open.Contains("test_host_ratio{host=\"inf\"} +Inf\n", StringComparison.Ordinal), open);
    }
}
