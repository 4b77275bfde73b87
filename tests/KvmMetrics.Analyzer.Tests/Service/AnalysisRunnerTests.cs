using KvmMetrics.Analysis.Policy;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.Analyzer.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KvmMetrics.Analyzer.Tests.Service;

public sealed class AnalysisRunnerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("kvm-runner-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task RunOnce_RunsHotspotsEveryTick_PlanHourly_AndReportWeekly()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var runner = new AnalysisRunner(new SampleSource(), new AnalyzerServiceOptions { DataDirectory = _dir.FullName }, new StateStore(_dir.FullName), time, NullLogger.Instance);

        await runner.RunOnceAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(5));
        await runner.RunOnceAsync(CancellationToken.None);
        var tasks = runner.Status.Tasks;
        Assert.Equal(2, tasks["hotspots"].Successes);
        Assert.Equal(1, tasks["plan"].Successes);
        Assert.Equal(1, tasks["report"].Successes);
        var report = runner.Status.LastReport!;
        Assert.Equal(Path.Combine(_dir.FullName, "reports", "2026-09-08", "capacity-report.html"), report);
        Assert.True(File.Exists(report));

        time.Advance(TimeSpan.FromMinutes(56));
        await runner.RunOnceAsync(CancellationToken.None);
        Assert.Equal(2, runner.Status.Tasks["plan"].Successes);
        Assert.Equal(1, runner.Status.Tasks["report"].Successes);
    }

    [Fact]
    public void SampleStep_FollowsTheDataButNeverBelowFiveMinutes()
    {
        static KvmMetrics.Analysis.Data.RawSeries S(long step) => new("vm", ClusterMetrics.CpuCores, [.. Enumerable.Range(0, 10).Select(i => i * step)], new double[10]);
        Assert.Equal(3600, AnalysisRunner.SampleStep([S(3600)]));
        Assert.Equal(300, AnalysisRunner.SampleStep([S(15)]));
        Assert.Equal(600, AnalysisRunner.SampleStep([S(600)]));
        Assert.Equal(300, AnalysisRunner.SampleStep([]));
    }

    [Fact]
    public void SampleStep_WithALowerMinStep_FollowsFinerData()
    {
        static KvmMetrics.Analysis.Data.RawSeries S(long step) => new("vm", ClusterMetrics.CpuCores, [.. Enumerable.Range(0, 10).Select(i => i * step)], new double[10]);
        Assert.Equal(15, AnalysisRunner.SampleStep([S(15)], 15));
        Assert.Equal(30, AnalysisRunner.SampleStep([S(5)], 30));
        Assert.Equal(3600, AnalysisRunner.SampleStep([S(7200)], 15));
    }

    [Fact]
    public void LeaveOutHostsWithGaps_RemovesAHostWhoseDataStoppedRecently_WithTheReason()
    {
        var snapshot = TwoHosts(1000);
        long[] full = [.. Enumerable.Range(0, 60).Select(i => 10 + ((long)i * 15))];
        long[] stopped = [.. Enumerable.Range(0, 50).Select(i => 10 + ((long)i * 15))];
        var history = new ClusterHistory([
            new("va", ClusterMetrics.CpuCores, full, new double[full.Length]),
            new("vb", ClusterMetrics.CpuCores, stopped, new double[stopped.Length]),
        ]);
        var (kept, leftOut, reasons) = AnalysisRunner.LeaveOutHostsWithGaps(snapshot, history, 900, staleAfterSeconds: 60);
        Assert.Equal(["b"], leftOut);
        Assert.Equal(["a"], kept.Hosts.Select(h => h.Name));
        Assert.Equal("host b: its newest cpu_cores sample is 150 s older than the cluster's newest (more than 60 s: its data stopped); left out of balancing", Assert.Single(reasons));

        // The same lag within --stale-after is normal scrape jitter.
        Assert.Empty(AnalysisRunner.LeaveOutHostsWithGaps(snapshot, history, 900, staleAfterSeconds: 300).LeftOut);
    }

    [Fact]
    public void LeaveOutHostsWithGaps_RemovesAHostTheSourceHasNoDataFor()
    {
        var snapshot = TwoHosts(1000);
        long[] t = [100, 200, 300];
        var history = new ClusterHistory([new("va", ClusterMetrics.CpuCores, t, new double[3]), new("vb", ClusterMetrics.CpuCores, t, new double[3])]);
        var (kept, leftOut, reasons) = AnalysisRunner.LeaveOutHostsWithGaps(snapshot, history, 301, 900, ["a"]);
        Assert.Equal(["a"], leftOut);
        Assert.Equal(["vb"], kept.Vms.Select(v => v.Name));
        Assert.StartsWith("host a: the source reports VMs on it", Assert.Single(reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void LeaveOutHostsWithGaps_EmptyHostWhoseExporterStopped_IsLeftOut_AFreshEmptyHostIsKept()
    {
        var snapshot = TwoHosts(1000) with { Hosts = [.. TwoHosts(1000).Hosts, new HostSpec("c", 16, 1L << 35)] };
        long[] t = [.. Enumerable.Range(0, 60).Select(i => 10 + ((long)i * 15))];
        var history = new ClusterHistory([new("va", ClusterMetrics.CpuCores, t, new double[t.Length]), new("vb", ClusterMetrics.CpuCores, t, new double[t.Length])]);
        var lastSeen = new Dictionary<string, long> { ["a"] = 895, ["b"] = 895, ["c"] = 300 };

        var (kept, leftOut, reasons) = AnalysisRunner.LeaveOutHostsWithGaps(snapshot, history, 900, staleAfterSeconds: 60, hostLastSeen: lastSeen);

        Assert.Equal(["c"], leftOut);
        Assert.Equal(["a", "b"], kept.Hosts.Select(h => h.Name));
        Assert.Equal("host c: no VMs, and its newest capacity sample is 595 s older than the newest data (more than 60 s: its exporter stopped); left out of balancing", Assert.Single(reasons));

        // Within --stale-after it is scrape jitter; without last-seen times nothing can be judged.
        lastSeen["c"] = 880;
        Assert.Empty(AnalysisRunner.LeaveOutHostsWithGaps(snapshot, history, 900, staleAfterSeconds: 60, hostLastSeen: lastSeen).LeftOut);
        Assert.Empty(AnalysisRunner.LeaveOutHostsWithGaps(snapshot, history, 900, staleAfterSeconds: 60).LeftOut);
    }

    private static ClusterSnapshot TwoHosts(long planTime) => new(
        [new HostSpec("a", 8, 1L << 34), new HostSpec("b", 8, 1L << 34)],
        [new VmSpec("va", "a", 2, 1L << 30), new VmSpec("vb", "b", 2, 1L << 30)],
        PlacementConstraints.None, new KvmMetrics.Analysis.Policy.ClusterPolicy(), planTime);

    [Fact]
    public void LeaveOutHostsWithGaps_RemovesOnlyTheHostWhoseDataStopped()
    {
        var snapshot = new ClusterSnapshot(
            [new HostSpec("a", 8, 1L << 34), new HostSpec("b", 8, 1L << 34)],
            [new VmSpec("va", "a", 2, 1L << 30), new VmSpec("vb", "b", 2, 1L << 30)],
            PlacementConstraints.None, new KvmMetrics.Analysis.Policy.ClusterPolicy(), 100 * 3600);
        long[] full = [.. Enumerable.Range(0, 100).Select(i => (long)i * 3600)];
        long[] stopped = [.. Enumerable.Range(0, 90).Select(i => (long)i * 3600)];
        var history = new ClusterHistory([
            new("va", ClusterMetrics.CpuCores, full, new double[full.Length]),
            new("vb", ClusterMetrics.CpuCores, stopped, new double[stopped.Length]),
        ]);
        // --stale-after far larger than the lag: the hourly-gap rule alone decides.
        var (kept, leftOut, _) = AnalysisRunner.LeaveOutHostsWithGaps(snapshot, history, 100 * 3600, staleAfterSeconds: 30 * 86_400);
        Assert.Equal(["b"], leftOut);
        Assert.Equal(["a"], kept.Hosts.Select(h => h.Name));
        Assert.Equal(["va"], kept.Vms.Select(v => v.Name));
    }
}
