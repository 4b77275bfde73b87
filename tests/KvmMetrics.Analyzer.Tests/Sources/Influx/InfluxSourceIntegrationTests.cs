using System.Diagnostics;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.Analyzer.Sources.Influx;
using KvmMetrics.Analyzer.WriteBack;
using KvmMetrics.Influx;
using KvmMetrics.Influx.Query;
using KvmMetrics.Influx.Write;
using KvmMetrics.TestSupport.Influx;
using Microsoft.Extensions.Logging;
using KvmMetrics.TestSupport.Time;

namespace KvmMetrics.Analyzer.Tests.Sources.Influx;

/// <summary>
/// The InfluxDB source against a REAL influxd 1.6 holding history written by the exporter's own push code
/// (<see cref="ExporterHistory"/>): two hosts, five hours of one push per minute. compute-a runs "web 1"
/// (1.5 cores, counter reset halfway) and a hostile name; compute-b misses two of the five hours.
/// </summary>
public sealed class InfluxSourceIntegrationTests
{
    private const long T0 = 1_767_225_600; // 2026-01-01T00:00:00Z
    private const long Now = T0 + (5 * 3600);
    private const string Hostile = "db, \"main\"\\x";

    private static readonly FakeDomain Web = new("web 1", 1.5, 2, 4L << 30, ResetAtPush: 150);
    private static readonly FakeDomain Db = new(Hostile, 0.5, 4, 8L << 30);
    private static readonly FakeDomain Batch = new("batch", 3.0, 1, 2L << 30);

    [SkippableFact]
    public async Task Load_ExporterPushedHistory_GivesCapacityPlacementAndPerVmSeries_InChunks()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        var db = await WriteHistoryAsync(influxd);
        using var source = Source(influxd, db);

        var watch = Stopwatch.StartNew();
        var data = await source.LoadAsync(null, CancellationToken.None);
        watch.Stop();

        var snapshot = data.Cluster.Snapshot;
        Assert.Equal(["compute-a", "compute-b"], snapshot.Hosts.Select(h => h.Name));
        Assert.Equal((8.0, 32L << 30), (snapshot.Hosts[0].CpuCores, snapshot.Hosts[0].MemoryBytes));
        Assert.Equal(("compute-a", 2, 4L << 30), Vm(snapshot, "web 1"));
        Assert.Equal(("compute-a", 4, 8L << 30), Vm(snapshot, Hostile));
        Assert.Equal(("compute-b", 1, 2L << 30), Vm(snapshot, "batch"));
        Assert.Equal(Now, data.DefaultNow);
        // The newest kvm_host_cpus point per host: both hosts pushed until just before Now.
        Assert.Equal(["compute-a", "compute-b"], data.HostLastSeen.Keys.Order(StringComparer.Ordinal));
        Assert.All(data.HostLastSeen.Values, t => Assert.InRange(t, Now - 600, Now));
        // 4 instant queries + 7 measurements x 5 one-hour chunks.
        Assert.Equal(4 + (7 * 5), source.Requests);

        // Expected values computed here from the pushed rates, not by the code under test. cpu_cores is demand: CPU time
        // plus vCPU wait, where vCPU i waits 0.1 / (i + 1) s per second (web 1: 0.1 + 0.05 over its 2 vCPUs). One rate per
        // 5-minute window after the first, 1.5 + 0.15 cores except the window holding the reset, whose last CPU counter is
        // 4 pushes into the new boot (the delay counters do not reset).
        const double webWait = 0.1 + 0.05;
        var cpu = Series(data, "web 1", ClusterMetrics.CpuCores);
        Assert.Equal(Enumerable.Range(1, 59).Select(j => T0 + (300L * j)), cpu.Timestamps);
        const long resetWindow = T0 + (300 * 30);
        Assert.All(cpu.Timestamps.Zip(cpu.Values).Where(p => p.First != resetWindow), p => Assert.Equal(1.5 + webWait, p.Second, 9));
        Assert.Equal((1.5 * 60 * 4 / 300) + webWait, cpu.Values[Array.IndexOf(cpu.Timestamps, resetWindow)], 9);
        Assert.All(Series(data, Hostile, ClusterMetrics.CpuCores).Values, v => Assert.Equal(0.5 + 0.1 + 0.05 + (0.1 / 3) + 0.025, v, 9));
        Assert.All(Series(data, "web 1", ClusterMetrics.CpuStealCores).Values, v => Assert.Equal(webWait, v, 9));
        Assert.All(Series(data, "web 1", ClusterMetrics.DiskBytesPerSecond).Values, v => Assert.Equal(ExporterHistory.ReadRate + ExporterHistory.WriteRate, v, 6));
        Assert.All(Series(data, "web 1", ClusterMetrics.NetworkBytesPerSecond).Values, v => Assert.Equal(ExporterHistory.ReceiveRate + ExporterHistory.TransmitRate, v, 6));
        var memory = Series(data, "web 1", ClusterMetrics.MemoryBytes);
        Assert.Equal(60, memory.Count);
        Assert.All(memory.Timestamps.Zip(memory.Values), p => Assert.Equal((1L << 30) + ((p.First - T0) / 3600 * (1L << 20)), p.Second));

        // compute-b: two hours without pushes leave no points there (nothing interpolated).
        var batch = Series(data, "batch", ClusterMetrics.CpuCores);
        Assert.DoesNotContain(batch.Timestamps, t => t is >= T0 + 3600 and < T0 + 7200 + 300);
        Assert.All(batch.Values, v => Assert.Equal(3.0 + 0.1, v, 9));
        Console.WriteLine($"influx source: {data.Series.Sum(s => s.Count)} points in {data.Series.Count} series, {source.Requests} queries, {watch.ElapsedMilliseconds} ms");
    }

    [SkippableFact]
    public async Task Serve_HostWithGapsIsInsufficient_ResultsWrittenBack_ThenInfluxdDown_StaysUpWithErrorState()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        var db = await WriteHistoryAsync(influxd);
        using var source = Source(influxd, db);
        var data = Directory.CreateTempSubdirectory("kvm-serve-influx-");
        try
        {
            var time = new FakeWallClock(DateTimeOffset.FromUnixTimeSeconds(Now));
            var writeBack = new InfluxWriteOptions
            {
                Connection = new InfluxConnectionOptions { Url = influxd.Url, Database = db },
                Precision = KvmMetrics.Influx.LineProtocol.WritePrecision.Seconds,
                BufferDirectory = Path.Combine(data.FullName, "influx-buffer"),
            };
            await using var results = new InfluxResultWriter(writeBack);
            await using var app = AnalyzerApp.Create(
                new AnalyzerServiceOptions { ListenAddress = "127.0.0.1:0", DataDirectory = data.FullName }, source, time, runSchedule: false, logLevel: LogLevel.Warning, results: results);
            await app.StartAsync();
            await app.Runner.RunOnceAsync(CancellationToken.None);
            var first = app.Runner.Status;
            Assert.True(first.SourceUp, first.Tasks.GetValueOrDefault("load")?.LastError);
            Assert.Equal(["compute-b"], first.InsufficientHosts);
            Assert.NotNull(first.Plan);
            Assert.Equal(["compute-a"], first.Plan!.Plan.HostsBefore.Select(h => h.Host));
            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            var metrics = await http.GetStringAsync("/metrics");
            Assert.Contains("kvm_analyzer_host_data_insufficient{host=\"compute-b\"} 1", metrics, StringComparison.Ordinal);
            Assert.Contains("kvm_analyzer_source_up 1", metrics, StringComparison.Ordinal);

            // The plan summary reached influxd through the write-back.
            using (var flush = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                await results.DrainAsync(TimeSpan.FromSeconds(30), flush.Token);
            }

            using var query = new InfluxQueryClient(new InfluxConnectionOptions { Url = influxd.Url, Database = db });
            var plan = (await query.QueryInfluxQlAsync("SELECT moves, hot_hosts_before FROM kvm_analyzer_plan")).EnsureSuccess().AllSeries.Single();
            Assert.Equal(new object?[] { Now, (long)first.Plan.Plan.Summary.Moves, (long)first.Plan.Plan.Summary.HotHostsBefore }, plan.Values.Single());

            await influxd.KillAsync();
            var watch = Stopwatch.StartNew();
            await app.Runner.RunOnceAsync(CancellationToken.None);
            watch.Stop();
            var second = app.Runner.Status;
            Assert.False(second.SourceUp);
            Assert.Same(first.Plan, second.Plan);
            var error = second.Tasks["load"].LastError!;
            Assert.Contains($"{influxd.Url.GetLeftPart(UriPartial.Authority)}/query", error, StringComparison.Ordinal);
            Assert.Contains("after 2 attempts", error, StringComparison.Ordinal);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"the failed load took {watch.Elapsed}");
            metrics = await http.GetStringAsync("/metrics");
            Assert.Contains("kvm_analyzer_source_up 0", metrics, StringComparison.Ordinal);
            Assert.Contains("kvm_analyzer_data_stale 1", metrics, StringComparison.Ordinal);
            Assert.Equal("ok\n", await http.GetStringAsync("/healthz"));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [SkippableFact]
    public async Task Load_DomainWithoutDelayCounters_CpuCoresFallsBackToUsage()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        var db = await influxd.CreateDatabaseAsync("nodelay");
        // "old" comes from a libvirt without vcpu.N.delay: no delay series at all, next to "web 1" that has them.
        var old = new FakeDomain("old", 0.75, 2, 2L << 30, DelayCounters: false);
        await ExporterHistory.WriteAsync(influxd.Url, db, "compute-a", 8, 32L << 30, [Web, old], T0, 60);
        using var source = new InfluxSource(new InfluxSourceOptions
        {
            Connection = new InfluxConnectionOptions { Url = influxd.Url, Database = db, Timeout = TimeSpan.FromSeconds(10) },
            Lookback = TimeSpan.FromHours(1),
            Step = TimeSpan.FromMinutes(5),
            Attempts = 1,
            Time = new FakeWallClock(DateTimeOffset.FromUnixTimeSeconds(T0 + 3600)),
        });

        var data = await source.LoadAsync(null, CancellationToken.None);

        var usage = Series(data, "old", ClusterMetrics.CpuCores);
        Assert.Equal(11, usage.Count);
        Assert.All(usage.Values, v => Assert.Equal(0.75, v, 9));
        Assert.DoesNotContain(data.Series, s => s.Entity == "old" && s.Metric == ClusterMetrics.CpuStealCores);
        Assert.All(Series(data, "web 1", ClusterMetrics.CpuCores).Values, v => Assert.Equal(1.5 + 0.1 + 0.05, v, 9));
    }

    [SkippableFact]
    public async Task Load_HostileRetentionPolicyName_IsQuotedNotInjected()
    {
        await using var influxd = await InfluxdServer.StartNewAsync();
        var db = await influxd.CreateDatabaseAsync("rp");
        // influxd 1.6 refuses control characters, '/' and '\\' in names ("invalid name"), so the stored policy has quotes and spaces.
        const string hostile = "we\"ird 'rp\"";
        await influxd.ExecuteAsync("CREATE RETENTION POLICY \"we\\\"ird 'rp\\\"\" ON \"" + db + "\" DURATION INF REPLICATION 1");
        await ExporterHistory.WriteAsync(influxd.Url, db, "compute-a", 8, 32L << 30, [Web], T0, 10, retentionPolicy: hostile);
        InfluxSource Reader(string rp) => new(new InfluxSourceOptions
        {
            Connection = new InfluxConnectionOptions { Url = influxd.Url, Database = db, RetentionPolicy = rp, Timeout = TimeSpan.FromSeconds(10) },
            Lookback = TimeSpan.FromHours(1),
            Attempts = 1,
            Time = new FakeWallClock(DateTimeOffset.FromUnixTimeSeconds(T0 + 600)),
        });

        using (var source = Reader(hostile))
        {
            var data = await source.LoadAsync(null, CancellationToken.None);
            Assert.Equal(("compute-a", 2, 4L << 30), Vm(data.Cluster.Snapshot, "web 1"));
        }

        // A newline or backslash in the name still makes a valid query: the answer is "no data there", not a parse error.
        using (var source = Reader("no\nsuch\\\" policy"))
        {
            var e = await Assert.ThrowsAsync<SourceUnavailableException>(() => source.LoadAsync(null, CancellationToken.None));
            Assert.Contains("retention policy not found: no\nsuch\\\" policy", e.Message, StringComparison.Ordinal);
        }
    }

    private static async Task<string> WriteHistoryAsync(InfluxdServer influxd)
    {
        var db = await influxd.CreateDatabaseAsync("history");
        await ExporterHistory.WriteAsync(influxd.Url, db, "compute-a", 8, 32L << 30, [Web, Db], T0, 300);
        // compute-b pushes nothing in hours 1 and 3: 2 of the 5 hours missing, above the 20% limit.
        await ExporterHistory.WriteAsync(influxd.Url, db, "compute-b", 16, 64L << 30, [Batch], T0, 300, k => k / 60 is 1 or 3);
        return db;
    }

    private static InfluxSource Source(InfluxdServer influxd, string db) => new(new InfluxSourceOptions
    {
        Connection = new InfluxConnectionOptions { Url = influxd.Url, Database = db, Timeout = TimeSpan.FromSeconds(3) },
        Lookback = TimeSpan.FromHours(5),
        Step = TimeSpan.FromMinutes(5),
        MaxPointsPerRequest = 12, // one hour per request: 5 chunks per measurement
        Attempts = 2,
        Backoff = TimeSpan.FromMilliseconds(50),
        Time = new FakeWallClock(DateTimeOffset.FromUnixTimeSeconds(Now)),
    });

    private static (string Host, int Vcpus, long Memory) Vm(ClusterSnapshot snapshot, string name)
    {
        var vm = snapshot.Vms.Single(v => v.Name == name);
        return (vm.Host, vm.Vcpus, vm.MemoryBytes);
    }

    private static KvmMetrics.Analysis.Data.RawSeries Series(AnalysisData data, string vm, string metric) =>
        data.Series.Single(s => s.Entity == vm && s.Metric == metric);
}
