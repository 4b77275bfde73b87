using System.Globalization;
using KvmMetrics.Exporter.Tests.Integration;
using KvmMetrics.TestSupport.Promtool;

namespace KvmMetrics.Exporter.Tests.Hosting;

/// <summary>/metrics with the self-metrics written by prometheus-net and the domain families by our writer, on one page.</summary>
public sealed class SelfMetricsPageTests
{
    [Fact]
    public async Task Metrics_Text_HasSelfFamiliesFromPrometheusNetBeforeDomainFamilies()
    {
        await using var exporter = await ExporterUnderTest.StartAsync(["--no-collector.cgroup"], ExporterAppTests.Client());
        var text = await exporter.ScrapeAsync();
        var lines = ExpositionText.Parse(text);

        // The exporter runs in this process, so /proc/self is its own: its RSS read independently here must be close.
        var rss = ReadVmRssBytes();
        var published = lines.Single(l => l.Name == "process_resident_memory_bytes").Value;
        Assert.InRange(published, rss * 0.5, rss * 1.5);
        Assert.Equal(1, lines.Single(l => l.Name == "kvm_exporter_collector_success" && l.Labels["collector"] == "domain").Value);
        Assert.Contains(lines, l => l.Name == "dotnet_gc_collections_total" && l.Labels["generation"] == "0");

        // Our writer sorts the whole page by name, which would put kvm_domain_* before process_*; prometheus-net's part
        // comes first, and writes the help and type of our descriptors.
        Assert.True(text.IndexOf("process_resident_memory_bytes ", StringComparison.Ordinal) < text.IndexOf("kvm_domain_", StringComparison.Ordinal), text);
        Assert.Contains("# HELP process_resident_memory_bytes Resident set size of this process (/proc/self/status VmRSS).\n# TYPE process_resident_memory_bytes gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE kvm_exporter_scrapes_total counter\n", text, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "^# TYPE kvm_exporter_collector_success ", System.Text.RegularExpressions.RegexOptions.Multiline));
    }

    [Fact]
    public async Task Metrics_OpenMetrics_OneEofAtTheEndAndBuildInfoIsAPrometheusNetGauge()
    {
        await using var exporter = await ExporterUnderTest.StartAsync(["--no-collector.cgroup"], ExporterAppTests.Client());
        var text = await exporter.ScrapeAsync(accept: "application/openmetrics-text; version=1.0.0");
        Assert.EndsWith("\n# EOF\n", text, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "^# EOF", System.Text.RegularExpressions.RegexOptions.Multiline));

        // Our writer would say "# TYPE kvm_exporter_build info"; prometheus-net has no info type.
        Assert.Contains("# TYPE kvm_exporter_build_info gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE kvm_exporter_scrapes counter\n", text, StringComparison.Ordinal);
        Assert.Contains("kvm_domain_cpu_time_seconds_total{", text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Metrics_WholePage_PassesPromtool()
    {
        PromtoolRunner.RequirePath();
        await using var exporter = await ExporterUnderTest.StartAsync(["--no-collector.cgroup"], ExporterAppTests.Client());
        await exporter.ScrapeAsync();
        var page = await exporter.ScrapeAsync();
        Assert.Contains("kvm_exporter_scrapes_total{source=\"round\"} 2", page, StringComparison.Ordinal);
        var result = PromtoolRunner.CheckMetrics(page);
        Assert.True(result.ExitCode == 0, result.Output);
    }

    [Fact]
    public async Task Metrics_DisabledProcessCollector_LeavesProcessFamiliesOff()
    {
        await using var exporter = await ExporterUnderTest.StartAsync(["--no-collector.cgroup", "--no-collector.process"], ExporterAppTests.Client());
        var text = await exporter.ScrapeAsync();
        Assert.DoesNotContain("process_resident_memory_bytes", text, StringComparison.Ordinal);
        Assert.Contains("kvm_exporter_collection_duration_seconds ", text, StringComparison.Ordinal);
    }

    private static double ReadVmRssBytes()
    {
        var line = File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024.0;
    }
}
