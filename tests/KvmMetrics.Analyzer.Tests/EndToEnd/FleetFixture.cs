using System.Collections;
using System.Text.RegularExpressions;
using KvmMetrics.Exporter.Hosting;
using KvmMetrics.Exporter.Options;
using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Libvirt;
using KvmMetrics.TestSupport.Prometheus;
using KvmMetrics.TestSupport.Stack;

namespace KvmMetrics.Analyzer.Tests.EndToEnd;

/// <summary>
/// A small fleet made of real parts: real guests on the local libvirtd, one in-process kvm exporter per "host" filtered
/// to that host's guests (<c>--domain.include</c>), and one real Prometheus scraping them every second that names each
/// target's host the way an operator does (and the Helm chart's ServiceMonitor): an <c>instance</c> target label set to
/// the host name instead of <c>address:port</c>, which is also the analyzer's default <c>--prometheus.host-label</c>:
/// <list type="bullet">
/// <item><c>a</c>: two guests spinning one vCPU each (2 cores of demand on this 2-core machine),</item>
/// <item><c>b</c>: one idle guest,</item>
/// <item><c>c</c>: one idle guest whose exporter is stopped after a few scrapes (an exporter that died part-way).</item>
/// </list>
/// Built by the shared <see cref="StackFixture"/> (once per collection, lazily, everything stopped at disposal).
/// </summary>
public sealed class FleetFixture() : StackFixture("-e2e")
{
    /// <summary>The Prometheus target label that names the host (the analyzer's default <c>--prometheus.host-label</c>).</summary>
    public const string HostLabel = "instance";

    private static readonly TimeSpan CStaleAfterStop = TimeSpan.FromSeconds(100);

    /// <summary>Guest names by host.</summary>
    public IReadOnlyDictionary<string, string[]> GuestsByHost { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>When host c's exporter was stopped.</summary>
    public DateTimeOffset CStoppedAt { get; private set; }

    /// <inheritdoc />
    protected override IEnumerable<string> RequiredTools => ["prometheus"];

    /// <summary>Builds the fleet and waits until Prometheus holds enough history for the analysis (about 80 s).</summary>
    protected override async Task StartAsync(LibvirtTestHost host, IReadOnlyDictionary<string, string> tools)
    {
        GuestsByHost = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["a"] = [await AddGuestAsync(host, GuestKind.Spin), await AddGuestAsync(host, GuestKind.Spin)],
            ["b"] = [await AddGuestAsync(host, GuestKind.Idle)],
            ["c"] = [await AddGuestAsync(host, GuestKind.Idle)],
        };
        var exporters = new Dictionary<string, ExporterApp>(StringComparer.Ordinal);
        foreach (var (name, guests) in GuestsByHost)
        {
            exporters[name] = Own(await StartExporterAsync(guests));
        }

        Prometheus = await PrometheusServer.StartAsync(
            [.. exporters.Select(e => new PrometheusTarget(e.Value.BaseAddress.Authority, new Dictionary<string, string> { [HostLabel] = e.Key }))],
            jobName: "kvm");

        // Host c: good scrapes for one analysis step (15 s), then its exporter goes away for good.
        var c = await Prometheus.WaitForAsync($"count_over_time(kvm_domain_cpu_time_seconds_total{{{HostLabel}=\"c\"}}[1m]) >= 16", TimeSpan.FromSeconds(60));
        Assert.True(c.Count > 0, "Prometheus did not scrape host c's exporter:\n" + Prometheus.Log);
        await StopEarlyAsync(exporters["c"]);
        CStoppedAt = DateTimeOffset.UtcNow;

        // Enough for the analysis with 15 s steps: 3+ steps of host a above the watermark, and host c's newest point
        // more than --stale-after (1m) behind the others' even after quantisation to steps: 60 s + a step on either
        // side + the 5 s rate window, plus margin.
        var enough = await Prometheus.WaitForAsync(
            $"count(count_over_time(kvm_domain_cpu_time_seconds_total{{{HostLabel}=~\"a|b\"}}[2m]) >= 60) == 3", TimeSpan.FromSeconds(150));
        Assert.True(enough.Count > 0, "Prometheus did not collect 60 s of hosts a and b:\n" + Prometheus.Log);
        var sinceStop = DateTimeOffset.UtcNow - CStoppedAt;
        if (sinceStop < CStaleAfterStop)
        {
            await Task.Delay(CStaleAfterStop - sinceStop);
        }
    }

    private static async Task<ExporterApp> StartExporterAsync(IEnumerable<string> guests)
    {
        var include = "--domain.include=" + string.Join("|", guests.Select(Regex.Escape));
        var parsed = ExporterOptions.Parse(["--web.listen-address=127.0.0.1:0", include, "--no-collector.cgroup", "--scrape.timeout-offset=100ms", "--log.level=error"], new Hashtable());
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        var app = ExporterApp.Create(parsed.Options!);
        await app.StartAsync();
        return app;
    }
}
