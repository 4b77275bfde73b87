using KvmMetrics.Exporter.Reference;
using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Libvirt;
using KvmMetrics.TestSupport.Prometheus;
using KvmMetrics.TestSupport.Promtool;

namespace KvmMetrics.Exporter.Tests.Integration;

/// <summary>The real exporter against the real libvirtd with real guests (idle, spinning, disk-reading, paused).</summary>
[Trait("Category", "Integration")]
public sealed class LiveExporterTests(LiveGuests guests) : IClassFixture<LiveGuests>
{
    private async Task<ExporterUnderTest> StartAsync(params string[] extra)
    {
        var host = LibvirtTestHost.Require();
        await guests.EnsureAsync(host);
        return await ExporterUnderTest.StartAsync(["--domain.include=" + guests.IncludeRegex, .. extra]);
    }

    [SkippableFact]
    public async Task SpinningGuest_UsesAboutOneCpuSecondPerSecond()
    {
        await using var exporter = await StartAsync();
        var first = await exporter.ScrapeHealthyAsync();
        var t0 = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(4));
        var second = await exporter.ScrapeHealthyAsync();
        var elapsed = (DateTime.UtcNow - t0).TotalSeconds;

        double Delta(string family, string domain) =>
            second.Where(family, domain).Sum(l => l.Value) - first.Where(family, domain).Sum(l => l.Value);

        // The spinning vCPU wants one CPU all the time: what it got (vcpu time) plus what it waited for
        // (vcpu delay, i.e. steal) is one CPU-second per second even when the host is oversubscribed.
        var cpuRate = Delta("kvm_domain_cpu_time_seconds_total", guests.Spin.Name) / elapsed;
        var demand = (Delta("kvm_domain_vcpu_time_seconds_total", guests.Spin.Name) + Delta("kvm_domain_vcpu_delay_seconds_total", guests.Spin.Name)) / elapsed;
        Assert.True(demand is >= 0.75 and <= 1.25, $"spinning guest: vcpu time+delay {demand:0.000} CPU-s/s (cpu.time {cpuRate:0.000} CPU-s/s)");
        var idleDemand = (Delta("kvm_domain_vcpu_time_seconds_total", guests.Idle.Name) + Delta("kvm_domain_vcpu_delay_seconds_total", guests.Idle.Name)) / elapsed;
        Assert.True(idleDemand < 0.3, $"idle guest: vcpu time+delay {idleDemand:0.000} CPU-s/s");
        Assert.True(cpuRate > Delta("kvm_domain_cpu_time_seconds_total", guests.Idle.Name) / elapsed, "the spinning guest must use more CPU than the idle one");
    }

    [SkippableFact]
    public async Task DiskReadingGuest_ReadCountersGrow()
    {
        await using var exporter = await StartAsync();
        (string, string) vda = ("device", "vda");
        // Statistics are fetched with NOWAIT: while another client holds the guest's monitor job, libvirt leaves out the
        // monitor-based block counters of that guest for one round. Wait for a round that has them.
        async Task<IReadOnlyList<ExpositionText.Line>> WithBlockCountersAsync()
        {
            for (var i = 0; ; i++)
            {
                var lines = await exporter.ScrapeHealthyAsync();
                if (lines.Where("kvm_domain_block_read_requests_total", guests.Reader.Name).Any(l => l.Labels.GetValueOrDefault("device") == "vda") || i == 5)
                {
                    return lines;
                }

                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        var first = await WithBlockCountersAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var second = await WithBlockCountersAsync();
        Assert.True(second.Single("kvm_domain_block_read_requests_total", guests.Reader.Name, vda) > first.Single("kvm_domain_block_read_requests_total", guests.Reader.Name, vda));
        Assert.True(second.Single("kvm_domain_block_read_bytes_total", guests.Reader.Name, vda) > first.Single("kvm_domain_block_read_bytes_total", guests.Reader.Name, vda));
    }

    [SkippableFact]
    public async Task RunningGuests_ExposePerVcpuDelay()
    {
        await using var exporter = await StartAsync();
        var lines = await exporter.ScrapeHealthyAsync();
        foreach (var guest in new[] { guests.Idle, guests.Spin, guests.Reader })
        {
            var delay = lines.Where("kvm_domain_vcpu_delay_seconds_total", guest.Name).ToArray();
            Assert.NotEmpty(delay);
            Assert.All(delay, l => Assert.Equal(guest.Uuid, l.Labels["uuid"]));
            Assert.All(delay, l => Assert.True(l.Value >= 0));
        }
    }

    [SkippableFact]
    public async Task PausedGuest_IsReportedPaused()
    {
        await using var exporter = await StartAsync();
        var lines = await exporter.ScrapeHealthyAsync();
        Assert.Equal(1, lines.Single("kvm_domain_state", guests.Paused.Name, ("state", "paused")));
        Assert.Equal(0, lines.Single("kvm_domain_state", guests.Paused.Name, ("state", "running")));
        Assert.Equal(1, lines.Single("kvm_domain_state", guests.Spin.Name, ("state", "running")));
        Assert.Equal(1, lines.Single("kvm_domains", null, ("state", "paused")));
        Assert.Equal(3, lines.Single("kvm_domains", null, ("state", "running")));
    }

    [SkippableFact]
    public async Task LiveOutput_PassesPromtoolAndHasNoDuplicates()
    {
        PromtoolRunner.RequirePath();
        await using var exporter = await StartAsync();
        var text = await exporter.ScrapeAsync();
        for (var i = 0; i < 3 && ExpositionText.Parse(text).Single("kvm_exporter_collector_success", null, ("collector", "domain")) != 1; i++)
        {
            text = await exporter.ScrapeAsync(); // a round that missed its deadline on a busy shared host
        }

        var result = PromtoolRunner.CheckMetrics(text);
        Assert.True(result.ExitCode == 0, result.Output);
        var lines = ExpositionText.Parse(text);
        var keys = lines.Select(l => l.Name + "{" + string.Join(",", l.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value)) + "}").ToArray();
        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(1, lines.Single("kvm_libvirt_up"));
        Assert.All(lines.Where("kvm_exporter_collector_success").Where(l => l.Labels["collector"] != "cgroup"), l => Assert.Equal(1, l.Value));
    }

    [SkippableFact]
    public async Task LiveOutput_OpenMetricsWhenAsked()
    {
        await using var exporter = await StartAsync();
        var text = await exporter.ScrapeAsync("application/openmetrics-text; version=1.0.0");
        Assert.EndsWith("# EOF\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE kvm_domain_cpu_time_seconds counter", text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task LiveOutput_EveryFamilyIsInTheMetricReference()
    {
        await using var exporter = await StartAsync();
        var reference = File.ReadAllText(RepoPaths.InRepo("docs", "metrics.md"));
        var names = (await exporter.ScrapeHealthyAsync()).Select(l => l.Name).Distinct().ToArray();
        Assert.Contains("kvm_domain_cpu_time_seconds_total", names);
        var missing = names.Where(n => !reference.Contains("`" + n + "`", StringComparison.Ordinal)).ToArray();
        Assert.True(missing.Length == 0, "not in docs/metrics.md: " + string.Join(", ", missing));
        Assert.Equal(ReferenceDocs.MetricReference(), reference);
    }

    [SkippableFact]
    public async Task RealPrometheus_AnswersPromQlForDomainSeries()
    {
        await using var exporter = await StartAsync("--scrape.timeout-offset=100ms");
        await using var prometheus = await PrometheusServer.StartAsync([exporter.Target], scrapeInterval: TimeSpan.FromSeconds(2));
        var demand = $"sum(rate(kvm_domain_vcpu_time_seconds_total{{domain=\"{guests.Spin.Name}\"}}[10s]) + rate(kvm_domain_vcpu_delay_seconds_total{{domain=\"{guests.Spin.Name}\"}}[10s]))";
        await prometheus.WaitForAsync(demand, TimeSpan.FromSeconds(40));
        await Task.Delay(TimeSpan.FromSeconds(12)); // let the 10 s window fill with scrapes
        var spin = await prometheus.QueryAsync(demand);
        Assert.InRange(Assert.Single(spin).Value, 0.5, 1.5);
        var paused = await prometheus.WaitForAsync($"kvm_domain_state{{state=\"paused\"}} == 1", TimeSpan.FromSeconds(10));
        Assert.Equal(guests.Paused.Uuid, Assert.Single(paused).Labels["uuid"]);
        var reads = await prometheus.WaitForAsync($"increase(kvm_domain_block_read_bytes_total{{domain=\"{guests.Reader.Name}\",device=\"vda\"}}[10s]) > 0", TimeSpan.FromSeconds(20));
        Assert.Single(reads);
        var up = await prometheus.QueryAsync("up");
        Assert.Equal(1, Assert.Single(up).Value);
        var steal = await prometheus.QueryAsync("sum by (domain) (rate(kvm_domain_vcpu_delay_seconds_total[10s]))");
        Assert.Equal(4, steal.Count); // the paused guest has vCPU statistics too
    }
}
