using System.Globalization;
using System.Text;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Prometheus;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Analyzer.Tests.Sources;

/// <summary>
/// The Prometheus source against a REAL Prometheus that scrapes two small HTTP endpoints standing in for two
/// hosts' exporters (same series names and labels as the kvm exporter, see docs/metrics.md): host A runs two
/// domains burning 2 cores each, host B one nearly idle domain.
/// </summary>
public sealed class PrometheusSourceTests
{
    [SkippableFact]
    public async Task Load_FromRealPrometheus_GivesHostsPlacementAndCpuCores_InChunks()
    {
        Requirements.RequireTool("prometheus");
        await using var hostA = await FakeExporter.StartAsync(8, 32L << 30, [("spin1", 2.0, 2), ("spin2", 2.0, 2)]);
        await using var hostB = await FakeExporter.StartAsync(8, 32L << 30, [("idle1", 0.05, 1)]);
        await using var prom = await PrometheusServer.StartAsync([hostA.Target, hostB.Target], scrapeInterval: TimeSpan.FromSeconds(1));
        var ready = await WaitForAsync(prom, "count(count_over_time(kvm_domain_cpu_time_seconds_total[1m]) >= 8) == 3", TimeSpan.FromSeconds(60));
        Assert.True(ready, "Prometheus did not collect 8 samples of the 3 domains in time:\n" + prom.Log);

        var source = new PrometheusSource(new PrometheusSourceOptions
        {
            Url = prom.BaseAddress,
            Step = TimeSpan.FromSeconds(1),
            RateWindow = TimeSpan.FromSeconds(4),
            Lookback = TimeSpan.FromSeconds(30),
            MaxPointsPerRequest = 7, // 31 points per series -> 5 requests per query
        });
        var data = await source.LoadAsync(null, CancellationToken.None);

        var snapshot = data.Cluster.Snapshot;
        Assert.Equal(new[] { hostA.Target, hostB.Target }.Order(StringComparer.Ordinal), snapshot.Hosts.Select(h => h.Name));
        Assert.All(snapshot.Hosts, h => Assert.Equal(8, h.CpuCores));
        Assert.Equal(hostA.Target, snapshot.Vms.Single(v => v.Name == "spin1").Host);
        Assert.Equal(hostB.Target, snapshot.Vms.Single(v => v.Name == "idle1").Host);
        Assert.Equal(2, snapshot.Vms.Single(v => v.Name == "spin2").Vcpus);

        var cpu = data.Series.Single(s => s.Entity == "spin1" && s.Metric == ClusterMetrics.CpuCores);
        Assert.True(cpu.Count >= 5, $"only {cpu.Count} points");
        var median = cpu.Values.Order().ElementAt(cpu.Count / 2);
        Assert.InRange(median, 1.7, 2.3);
        var idle = data.Series.Single(s => s.Entity == "idle1" && s.Metric == ClusterMetrics.CpuCores).Values.Order().ElementAt(2);
        Assert.InRange(idle, 0.0, 0.2);
        Assert.Contains(data.Series, s => s.Entity == "spin1" && s.Metric == ClusterMetrics.MemoryBytes);

        // Chunk boundaries neither lose nor duplicate steps: timestamps are strictly increasing, one step apart where present.
        Assert.True(cpu.Timestamps.Zip(cpu.Timestamps.Skip(1)).All(p => p.Second > p.First));
    }

    [SkippableFact]
    public async Task Serve_WithRealPrometheus_ThenPrometheusDown_StaysUpAndReportsStaleness()
    {
        Requirements.RequireTool("prometheus");
        await using var hostA = await FakeExporter.StartAsync(4, 16L << 30, [("spin1", 2.0, 2), ("spin2", 2.0, 2)]);
        await using var hostB = await FakeExporter.StartAsync(4, 16L << 30, [("idle1", 0.05, 1)]);
        var prom = await PrometheusServer.StartAsync([hostA.Target, hostB.Target], scrapeInterval: TimeSpan.FromSeconds(1));
        var data = Directory.CreateTempSubdirectory("kvm-serve-prom-");
        try
        {
            Assert.True(await WaitForAsync(prom, "count(count_over_time(kvm_domain_cpu_time_seconds_total[1m]) >= 5) == 3", TimeSpan.FromSeconds(60)), prom.Log);
            var source = new PrometheusSource(new PrometheusSourceOptions
            {
                Url = prom.BaseAddress, Step = TimeSpan.FromSeconds(2), RateWindow = TimeSpan.FromSeconds(5), Lookback = TimeSpan.FromMinutes(2),
                Attempts = 2, Backoff = TimeSpan.FromMilliseconds(50), Timeout = TimeSpan.FromSeconds(3),
            });
            await using var app = AnalyzerApp.Create(
                new AnalyzerServiceOptions { ListenAddress = "127.0.0.1:0", DataDirectory = data.FullName }, source, runSchedule: false, logLevel: LogLevel.Warning);
            await app.StartAsync();
            await app.Runner.RunOnceAsync(CancellationToken.None);
            var first = app.Runner.Status;
            Assert.True(first.SourceUp, first.Tasks.GetValueOrDefault("load")?.LastError);
            Assert.NotNull(first.Hotspots);
            Assert.NotNull(first.Plan);
            Assert.Equal(2, first.Plan!.Plan.HostsBefore.Count);

            await prom.DisposeAsync();
            await app.Runner.RunOnceAsync(CancellationToken.None);
            var second = app.Runner.Status;
            Assert.False(second.SourceUp);
            Assert.Same(first.Plan, second.Plan);
            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            var metrics = await http.GetStringAsync("/metrics");
            Assert.Contains("kvm_analyzer_source_up 0", metrics, StringComparison.Ordinal);
            Assert.Contains("kvm_analyzer_data_stale 1", metrics, StringComparison.Ordinal);
            Assert.Equal("ok\n", await http.GetStringAsync("/healthz"));
        }
        finally
        {
            await prom.DisposeAsync();
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Load_WhenPrometheusIsDown_FailsWithTheUrlAfterRetries()
    {
        var source = new PrometheusSource(new PrometheusSourceOptions { Url = new Uri("http://127.0.0.1:9/prom/"), Attempts = 3, Backoff = TimeSpan.FromMilliseconds(10), Timeout = TimeSpan.FromSeconds(2) });
        var e = await Assert.ThrowsAsync<SourceUnavailableException>(() => source.LoadAsync(1_700_000_000, CancellationToken.None));
        Assert.Contains("http://127.0.0.1:9/prom/api/v1/query", e.Message, StringComparison.Ordinal);
        Assert.Contains("after 3 attempts", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_WhenPrometheusIsSlow_TimesOut()
    {
        // A server that accepts the request and never answers in time (a stuck Prometheus).
        await using var slow = await FakeExporter.StartAsync(1, 1, [], answerDelay: TimeSpan.FromSeconds(20));
        var source = new PrometheusSource(new PrometheusSourceOptions { Url = new Uri("http://" + slow.Target + "/"), Attempts = 2, Backoff = TimeSpan.FromMilliseconds(10), Timeout = TimeSpan.FromMilliseconds(500) });
        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<SourceUnavailableException>(() => source.LoadAsync(1_700_000_000, CancellationToken.None));
        Assert.Contains("no answer within 0.5 s", e.Message, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(15));
    }

    [SkippableFact]
    public async Task Load_EmptyHostWhoseExporterStopped_HasAnOldLastSeen_AndIsLeftOutOfBalancing()
    {
        Requirements.RequireTool("prometheus");
        await using var busy = await FakeExporter.StartAsync(8, 32L << 30, [("vm1", 1.0, 2)]);
        var empty = await FakeExporter.StartAsync(16, 64L << 30, []);
        await using var prom = await PrometheusServer.StartAsync([busy.Target, empty.Target], scrapeInterval: TimeSpan.FromSeconds(1));
        Assert.True(await WaitForAsync(prom, "count(count_over_time(kvm_host_cpus[1m]) >= 5) == 2", TimeSpan.FromSeconds(60)), prom.Log);
        await empty.DisposeAsync(); // the empty host's exporter stops; Prometheus marks its series stale
        Assert.True(await WaitForAsync(prom, $"up{{instance=\"{empty.Target}\"}} == 0", TimeSpan.FromSeconds(30)), prom.Log);
        await Task.Delay(TimeSpan.FromSeconds(6));

        var source = new PrometheusSource(new PrometheusSourceOptions
        {
            Url = prom.BaseAddress,
            Step = TimeSpan.FromSeconds(1),
            RateWindow = TimeSpan.FromSeconds(4),
            Lookback = TimeSpan.FromSeconds(60),
        });
        var data = await source.LoadAsync(null, CancellationToken.None);

        // Both hosts still report capacity (last hour), but only the busy one is recent.
        Assert.Equal(new[] { busy.Target, empty.Target }.Order(StringComparer.Ordinal), data.Cluster.Snapshot.Hosts.Select(h => h.Name));
        var lag = data.HostLastSeen[busy.Target] - data.HostLastSeen[empty.Target];
        Assert.True(lag >= 5, $"last seen: busy {data.HostLastSeen[busy.Target]}, empty {data.HostLastSeen[empty.Target]}");
        Assert.InRange(data.DefaultNow - data.HostLastSeen[busy.Target], 0, 3);

        var (snapshot, history) = data.At(data.DefaultNow);
        var (kept, leftOut, reasons) = AnalysisRunner.LeaveOutHostsWithGaps(snapshot, history, data.DefaultNow, staleAfterSeconds: 3, data.HostsWithoutData, data.HostLastSeen);
        Assert.Equal([empty.Target], leftOut);
        Assert.Equal([busy.Target], kept.Hosts.Select(h => h.Name));
        Assert.Contains("its exporter stopped", Assert.Single(reasons), StringComparison.Ordinal);
    }

    private static async Task<bool> WaitForAsync(PrometheusServer prom, string promql, TimeSpan timeout)
    {
        var stop = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < stop)
        {
            var r = await prom.QueryAsync(promql);
            if (r.Count > 0)
            {
                return true;
            }

            await Task.Delay(500);
        }

        return false;
    }

    /// <summary>An HTTP endpoint with exporter-shaped series whose CPU counters grow at a fixed rate per domain.</summary>
    private sealed class FakeExporter : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private FakeExporter(WebApplication app, string target)
        {
            _app = app;
            Target = target;
        }

        public string Target { get; }

        public static async Task<FakeExporter> StartAsync(int cpus, long memory, (string Domain, double Cores, int Vcpus)[] domains, TimeSpan? answerDelay = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var start = DateTime.UtcNow;
            app.Run(async context =>
            {
                if (answerDelay is { } delay)
                {
                    await Task.Delay(delay, context.RequestAborted);
                }

                var elapsed = 1000 + (DateTime.UtcNow - start).TotalSeconds;
                var sb = new StringBuilder();
                sb.Append(CultureInfo.InvariantCulture, $"kvm_host_cpus {cpus}\nkvm_host_memory_bytes {memory}\n");
                foreach (var (domain, cores, vcpus) in domains)
                {
                    var l = $"uuid=\"00000000-0000-0000-0000-{domain.GetHashCode(StringComparison.Ordinal) & 0xffff:x12}\",domain=\"{domain}\"";
                    sb.Append(CultureInfo.InvariantCulture, $"kvm_domain_cpu_time_seconds_total{{{l}}} {cores * elapsed:F3}\n");
                    sb.Append(CultureInfo.InvariantCulture, $"kvm_domain_vcpus_allocated{{{l}}} {vcpus}\n");
                    sb.Append(CultureInfo.InvariantCulture, $"kvm_domain_memory_allocated_bytes{{{l}}} {2L << 30}\n");
                    sb.Append(CultureInfo.InvariantCulture, $"kvm_domain_balloon_rss_bytes{{{l}}} {1L << 30}\n");
                }

                context.Response.ContentType = "text/plain; version=0.0.4";
                await context.Response.WriteAsync(sb.ToString(), context.RequestAborted);
            });
            await app.StartAsync();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return new FakeExporter(app, $"127.0.0.1:{address.Port}");
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
