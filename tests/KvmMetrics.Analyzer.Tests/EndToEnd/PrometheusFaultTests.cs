using System.Net;
using System.Text.Json;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Analyzer.Tests.EndToEnd;

/// <summary>
/// The analyzer service against the fleet's real Prometheus seen through <see cref="FaultyPrometheusProxy"/>: a good run,
/// then the fault, then what operators see. Prometheus killed outright is covered by
/// <c>PrometheusSourceTests.Serve_WithRealPrometheus_ThenPrometheusDown_StaysUpAndReportsStaleness</c> and is not repeated.
/// </summary>
[Collection(FleetCollection.Name)]
[Trait("Category", "Integration")]
public sealed class PrometheusFaultTests(FleetFixture fleet) : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("kvm-e2e-faults-");

    public void Dispose() => _data.Delete(recursive: true);

    [SkippableTheory]
    [InlineData(PrometheusFault.Slow, "no answer within 1 s")]
    [InlineData(PrometheusFault.InvalidJson, "not JSON")]
    [InlineData(PrometheusFault.Http500, "HTTP 500")]
    public async Task BadPrometheus_ServiceStaysUp_ReportsStaleness_AndKeepsTheLastGoodPlan(PrometheusFault fault, string error)
    {
        await fleet.EnsureAsync();
        await using var proxy = await FaultyPrometheusProxy.StartAsync(fleet.Prometheus.BaseAddress);
        await using var app = Create(proxy);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        await app.Runner.RunOnceAsync(CancellationToken.None);
        var good = app.Runner.Status;
        Assert.True(good.SourceUp, good.Tasks.GetValueOrDefault("load")?.LastError);
        var goodPlan = await GetJsonAsync(http, "/api/v1/plan");
        Assert.False(goodPlan.GetProperty("stale").GetBoolean());
        Assert.NotEmpty(goodPlan.GetProperty("data").GetProperty("moves").EnumerateArray());

        proxy.Fault = fault;
        await app.Runner.RunOnceAsync(CancellationToken.None);

        var load = app.Runner.Status.Tasks["load"];
        Assert.Equal(1, load.Failures);
        Assert.Contains(error, load.LastError, StringComparison.Ordinal);
        Assert.Equal("ok\n", await http.GetStringAsync("/healthz"));

        // The last good plan and hotspots are still served, marked stale.
        var plan = await GetJsonAsync(http, "/api/v1/plan");
        Assert.True(plan.GetProperty("stale").GetBoolean());
        Assert.False(plan.GetProperty("sourceUp").GetBoolean());
        Assert.Equal(goodPlan.GetProperty("data").GetProperty("moves").ToString(), plan.GetProperty("data").GetProperty("moves").ToString());
        var hotspots = await GetJsonAsync(http, "/api/v1/hotspots");
        Assert.True(hotspots.GetProperty("stale").GetBoolean());
        Assert.Contains(hotspots.GetProperty("data").GetProperty("report").GetProperty("findings").EnumerateArray(), f => f.GetProperty("host").GetString() == "a");

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("kvm_analyzer_source_up 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("kvm_analyzer_data_stale 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("kvm_analyzer_data_age_seconds ", metrics, StringComparison.Ordinal);
        Assert.Contains("kvm_analyzer_analysis_runs_total{task=\"load\",result=\"failure\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("kvm_analyzer_migrations_pending 1\n", metrics, StringComparison.Ordinal);

        // Prometheus recovers: fresh again.
        proxy.Fault = PrometheusFault.None;
        await app.Runner.RunOnceAsync(CancellationToken.None);
        Assert.False((await GetJsonAsync(http, "/api/v1/plan")).GetProperty("stale").GetBoolean());
    }

    [SkippableFact]
    public async Task PartialAnswer_HostWithoutRangeData_IsReportedInsufficientAndNotBalanced_OthersStillAnalysed()
    {
        await fleet.EnsureAsync();
        await using var proxy = await FaultyPrometheusProxy.StartAsync(fleet.Prometheus.BaseAddress);
        await using var app = Create(proxy);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        proxy.Fault = PrometheusFault.PartialRange;
        proxy.DroppedHost = "b";
        await app.Runner.RunOnceAsync(CancellationToken.None);
        var status = app.Runner.Status;
        Assert.True(status.SourceUp, status.Tasks.GetValueOrDefault("load")?.LastError);

        // b (no range data in the answer) and c (exporter stopped part-way) are reported and left out; a is still analysed.
        Assert.Equal(["b", "c"], status.InsufficientHosts.Order(StringComparer.Ordinal));
        Assert.Contains(status.Warnings, w => w.Contains("partial response", StringComparison.Ordinal));
        Assert.Contains(status.Warnings, w => w.StartsWith("host b: the source reports VMs on it", StringComparison.Ordinal));
        Assert.Contains(status.Warnings, w => w.StartsWith("host c: its newest cpu_cores sample", StringComparison.Ordinal));

        var hotspots = await GetJsonAsync(http, "/api/v1/hotspots");
        Assert.Contains(hotspots.GetProperty("data").GetProperty("report").GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("host").GetString() == "a" && f.GetProperty("rule").GetString() == "cpu-sustained");

        // With b and c out there is nowhere to go: no move onto a host whose load is unknown.
        var plan = await GetJsonAsync(http, "/api/v1/plan");
        Assert.Empty(plan.GetProperty("data").GetProperty("moves").EnumerateArray());
        Assert.Equal(["a"], plan.GetProperty("data").GetProperty("hostsBefore").EnumerateArray().Select(h => h.GetProperty("host").GetString()));

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("kvm_analyzer_host_data_insufficient{host=\"b\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("kvm_analyzer_host_data_insufficient{host=\"c\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("kvm_analyzer_host_data_insufficient{host=\"a\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.Contains("kvm_analyzer_migrations_pending 0\n", metrics, StringComparison.Ordinal);
    }

    private AnalyzerApp Create(FaultyPrometheusProxy proxy)
    {
        var source = new PrometheusSource(new PrometheusSourceOptions
        {
            Url = proxy.BaseAddress,
            HostLabel = FleetFixture.HostLabel,
            Lookback = TimeSpan.FromHours(1),
            Step = TimeSpan.FromSeconds(15),
            RateWindow = TimeSpan.FromSeconds(5),
            Timeout = TimeSpan.FromSeconds(1),
            Attempts = 2,
            Backoff = TimeSpan.FromMilliseconds(50),
        });
        var options = new AnalyzerServiceOptions
        {
            ListenAddress = "127.0.0.1:0",
            DataDirectory = _data.FullName,
            StaleAfter = TimeSpan.FromMinutes(1),
            HotspotMinStep = TimeSpan.FromSeconds(15),
        };
        return AnalyzerApp.Create(options, source, runSchedule: false, logLevel: LogLevel.Warning);
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
