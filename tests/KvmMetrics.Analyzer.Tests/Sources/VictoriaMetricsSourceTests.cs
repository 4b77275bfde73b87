using System.Globalization;
using System.Text;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analyzer.Data;
using KvmMetrics.Analyzer.Sample;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.Analyzer.State;
using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.VictoriaMetrics;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvmMetrics.Analyzer.Tests.Sources;

/// <summary>
/// victoria-metrics as the long-term store behind <c>--source prometheus</c>: the bundled sample (7 hosts, 40 days
/// hourly) is written into a REAL victoria-metrics in the exporter's series shape (CPU, disk and network as cumulative
/// counters, memory as a gauge, capacity and allocation gauges), read back through the Prometheus source, and one full
/// analysis cycle on it is compared with the same cycle on the files source.
/// Tolerance: series values within 1e-6 relative (victoria-metrics keeps about 12 significant digits; the counter
/// differences lose no more), the same hosts, placement and moves, host p95 forecasts within 1e-4 relative.
/// </summary>
public sealed class VictoriaMetricsSourceTests
{
    [SkippableFact]
    public async Task PrometheusSource_OnVictoriaMetrics_MatchesTheFilesSource_ThroughOneAnalysisCycle()
    {
        await using var vm = await VictoriaMetricsServer.StartNewAsync();
        var dir = Directory.CreateTempSubdirectory("kvm-vm-source-");
        try
        {
            var (clusterPath, historyPath) = WriteGapFreeSample(dir.FullName);
            var files = new FileSource(clusterPath, historyPath);
            var expected = await files.LoadAsync(null, CancellationToken.None);
            var end = expected.DefaultNow;
            await ImportAsync(vm, expected, end);

            var prometheus = new PrometheusSource(new PrometheusSourceOptions
            {
                Url = vm.Url,
                Step = TimeSpan.FromHours(1),
                RateWindow = TimeSpan.FromHours(1),
                Lookback = TimeSpan.FromDays(41),
                Time = new FixedTime(end),
            });
            var actual = await prometheus.LoadAsync(null, CancellationToken.None);

            Assert.Equal(expected.Cluster.Snapshot.Hosts.Select(h => (h.Name, h.CpuCores, h.MemoryBytes)), actual.Cluster.Snapshot.Hosts.Select(h => (h.Name, h.CpuCores, h.MemoryBytes)));
            Assert.Equal(expected.Cluster.Snapshot.Vms.Select(v => (v.Name, v.Host, v.Vcpus, v.MemoryBytes)).Order(), actual.Cluster.Snapshot.Vms.Select(v => (v.Name, v.Host, v.Vcpus, v.MemoryBytes)).Order());
            var byKey = actual.Series.ToDictionary(s => (s.Entity, s.Metric));
            foreach (var want in expected.Series)
            {
                Assert.True(byKey.TryGetValue((want.Entity, want.Metric), out var got), $"{want.Entity}/{want.Metric} not read back");
                // At the query time itself (the sample's planTime, one hour after its last point) victoria-metrics still
                // answers from its staleness window; the analysis uses only points before that time, so those are left out.
                var n = Array.FindIndex(got!.Timestamps, t => t >= end);
                got = n < 0 ? got : got with { Timestamps = got.Timestamps[..n], Values = got.Values[..n] };
                Assert.Equal(want.Timestamps, got.Timestamps);
                for (var i = 0; i < want.Count; i++)
                {
                    var tolerance = 1e-6 * Math.Abs(want.Values[i]) + 1e-9;
                    Assert.True(Math.Abs(want.Values[i] - got.Values[i]) <= tolerance, $"{want.Entity}/{want.Metric} at {want.Timestamps[i]}: {want.Values[i]} from files, {got.Values[i]} from victoria-metrics");
                }
            }

            var a = await CycleAsync(files, end, Path.Combine(dir.FullName, "files"));
            var b = await CycleAsync(prometheus, end, Path.Combine(dir.FullName, "vm"));
            Assert.NotNull(a.Plan);
            Assert.NotNull(b.Plan);
            Assert.Equal(a.Plan!.Plan.Moves.Select(m => (m.Vm, m.From, m.To)), b.Plan!.Plan.Moves.Select(m => (m.Vm, m.From, m.To)));
            Assert.Equal(a.Hotspots!.Report.Findings.Select(f => (f.Host, f.Rule, f.Severity)), b.Hotspots!.Report.Findings.Select(f => (f.Host, f.Rule, f.Severity)));
            foreach (var (x, y) in a.Plan.Plan.HostsBefore.Zip(b.Plan.Plan.HostsBefore))
            {
                Assert.Equal(x.Host, y.Host);
                Assert.True(Math.Abs(x.PeakP95Cores - y.PeakP95Cores) <= 1e-4 * Math.Abs(x.PeakP95Cores) + 1e-9, $"{x.Host}: p95 {x.PeakP95Cores} vs {y.PeakP95Cores}");
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The bundled sample with its 192 missing hours filled with the previous value: a counter with a gap has no exact
    /// per-hour rate to read back, and a store fills a gauge gap from its lookback, so gaps would make the comparison
    /// test the stores' staleness rules instead of the source.
    /// </summary>
    private static (string Cluster, string History) WriteGapFreeSample(string directory)
    {
        var cluster = Path.Combine(directory, "cluster.json");
        File.WriteAllText(cluster, BundledSample.ClusterJson());
        var filled = BundledSample.History().Select(s =>
        {
            var t = new List<long>();
            var v = new List<double>();
            for (var i = 0; i < s.Count; i++)
            {
                while (t.Count > 0 && s.Timestamps[i] - t[^1] > 3600)
                {
                    t.Add(t[^1] + 3600);
                    v.Add(v[^1]);
                }

                t.Add(s.Timestamps[i]);
                v.Add(s.Values[i]);
            }

            return new RawSeries(s.Entity, s.Metric, [.. t], [.. v]);
        }).ToArray();
        var history = Path.Combine(directory, "history.csv");
        using (var w = new StreamWriter(history))
        {
            HistoryCsv.Write(w, filled);
        }

        return (cluster, history);
    }

    private static async Task<AnalyzerStatus> CycleAsync(IAnalysisSource source, long end, string dataDir)
    {
        var runner = new AnalysisRunner(source, new AnalyzerServiceOptions { DataDirectory = dataDir }, new StateStore(dataDir), new FixedTime(end), NullLogger.Instance);
        await runner.RunOnceAsync(CancellationToken.None);
        Assert.True(runner.Status.SourceUp, string.Join("; ", runner.Status.Tasks.Values.Select(t => t.LastError)));
        return runner.Status;
    }

    /// <summary>
    /// Counter samples sit half an hour before the hour they close. victoria-metrics' rate window is closed on the left
    /// and never shorter than the sample interval, so with samples on the hour rate(...[1h]) would hold two and average
    /// two hours; half an hour off, the window holds one and the sample before it is the base: exactly one hour's rate.
    /// </summary>
    private const long Offset = 1800;

    /// <summary>
    /// Writes the sample as the exporter's series through <c>/api/v1/import/prometheus</c>: a usage rate becomes a counter
    /// that grows by rate × 3600 each hour (with a zero one hour before the first point, so the first rate exists), so
    /// rate(...[1h]) at each hour gives the file's value back exactly.
    /// </summary>
    private static async Task ImportAsync(VictoriaMetricsServer vm, AnalysisData data, long end)
    {
        var snapshot = data.Cluster.Snapshot;
        var host = snapshot.Vms.ToDictionary(v => v.Name, v => v.Host);
        var sb = new StringBuilder();
        void Line(string name, string labels, double value, long t) =>
            sb.Append(CultureInfo.InvariantCulture, $"{name}{{{labels}}} {value.ToString("R", CultureInfo.InvariantCulture)} {t * 1000}\n");

        var hours = Enumerable.Range(0, 48).Select(i => end - (i * 3600L)).ToArray();
        foreach (var h in snapshot.Hosts)
        {
            foreach (var t in hours)
            {
                Line("kvm_host_cpus", $"instance=\"{h.Name}\"", h.CpuCores, t);
                Line("kvm_host_memory_bytes", $"instance=\"{h.Name}\"", h.MemoryBytes, t);
            }
        }

        foreach (var v in snapshot.Vms)
        {
            foreach (var t in hours)
            {
                Line("kvm_domain_vcpus_allocated", $"instance=\"{v.Host}\",domain=\"{v.Name}\"", v.Vcpus, t);
                Line("kvm_domain_memory_allocated_bytes", $"instance=\"{v.Host}\",domain=\"{v.Name}\"", v.MemoryBytes, t);
            }
        }

        foreach (var s in data.Series)
        {
            var labels = $"instance=\"{host[s.Entity]}\",domain=\"{s.Entity}\"";
            var counter = s.Metric switch
            {
                ClusterMetrics.CpuCores => "kvm_domain_cpu_time_seconds_total",
                ClusterMetrics.DiskBytesPerSecond => "kvm_domain_block_read_bytes_total",
                ClusterMetrics.NetworkBytesPerSecond => "kvm_domain_interface_receive_bytes_total",
                _ => null,
            };
            if (counter is null)
            {
                Assert.Equal(ClusterMetrics.MemoryBytes, s.Metric);
                for (var i = 0; i < s.Count; i++)
                {
                    Line("kvm_domain_balloon_rss_bytes", labels, s.Values[i], s.Timestamps[i]);
                }

                continue;
            }

            var zeroName = s.Metric == ClusterMetrics.DiskBytesPerSecond ? "kvm_domain_block_write_bytes_total"
                : s.Metric == ClusterMetrics.NetworkBytesPerSecond ? "kvm_domain_interface_transmit_bytes_total" : null;
            var total = 0.0;
            Line(counter, labels, 0, s.Timestamps[0] - 3600 - Offset);
            for (var i = 0; i < s.Count; i++)
            {
                Assert.True(i == 0 || s.Timestamps[i] - s.Timestamps[i - 1] == 3600, "the sample is hourly without gaps");
                total += s.Values[i] * 3600;
                Line(counter, labels, total, s.Timestamps[i] - Offset);
                if (zeroName is not null)
                {
                    Line(zeroName, labels, 0, s.Timestamps[i] - Offset);
                }
            }

            if (zeroName is not null)
            {
                Line(zeroName, labels, 0, s.Timestamps[0] - 3600 - Offset);
            }
        }

        await vm.ImportPrometheusAsync(sb.ToString());
        await vm.FlushAsync();
    }

    private sealed class FixedTime(long unixSeconds) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
    }
}
