using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Hotspots;
using KvmMetrics.Analysis.Planning;
using KvmMetrics.Analysis.Tests.Planning;
using static KvmMetrics.Analysis.Tests.Planning.PlanningFixtures;

namespace KvmMetrics.Analysis.Tests.Hotspots;

public class HotspotDetectorTests
{
    private static readonly HotspotDetector Detector = new();
    private static readonly long Window = PlanTime - 86_400;

    [Fact]
    public void Detect_SustainedCpuAboveWatermark_IsAFindingWithSeriesAndThreshold()
    {
        var snapshot = Snapshot([Host("a", cores: 4)], [Vm("vm1", "a")]);
        var start = PlanTime - (2 * 3600);
        var history = new ClusterHistory([Series("vm1", ClusterMetrics.CpuCores, t => t >= start ? 3.8 : 1.0)]);

        var report = Detector.Detect(snapshot, history);

        var f = Assert.Single(report.Findings, f => f.Rule == "cpu-sustained");
        Assert.Equal("a", f.Host);
        Assert.Equal(start, f.Start);
        Assert.Null(f.End);
        Assert.Equal(0.8, f.Threshold);
        Assert.Equal(0.95, f.Peak, 6);
        Assert.Contains("cpu_cores", f.Series, StringComparison.Ordinal);
        Assert.Equal("warning", f.Severity);
    }

    [Fact]
    public void Detect_SingleSampleSpike_IsNotAFinding()
    {
        var snapshot = Snapshot([Host("a", cores: 4)], [Vm("vm1", "a")]);
        var spike = PlanTime - 7200;
        var history = new ClusterHistory([Series("vm1", ClusterMetrics.CpuCores, t => t == spike ? 4.0 : 1.0)]);

        var report = Detector.Detect(snapshot, history);

        Assert.DoesNotContain(report.Findings, f => f.Rule == "cpu-sustained");
    }

    [Fact]
    public void Detect_MemoryAbove90Percent_IsAFinding()
    {
        var snapshot = Snapshot([Host("a", memoryGiB: 16)], [Vm("vm1", "a", memoryGiB: 10), Vm("vm2", "a", memoryGiB: 10)]);
        var history = new ClusterHistory([
            Cpu("vm1", 0.5), Cpu("vm2", 0.5),
            Series("vm1", ClusterMetrics.MemoryBytes, _ => 7.5 * GiB),
            Series("vm2", ClusterMetrics.MemoryBytes, t => t >= Window + 43_200 ? 7.3 * GiB : 2 * GiB)]);

        var report = Detector.Detect(snapshot, history);

        var f = Assert.Single(report.Findings, f => f.Rule == "memory-used");
        Assert.Equal(Window + 43_200, f.Start);
        Assert.True(f.Peak > 0.9);
        Assert.Contains(report.Findings, f => f.Rule == "memory-headroom");
    }

    [Fact]
    public void Detect_Contention_RanksTheVmWhoseLoadRoseWithTheOthersSteal()
    {
        // From 6 h before plan time, "noisy" jumps from 0.5 to 3.5 cores and the others start waiting;
        // "steady" keeps its load and "victim" shows the steal.
        var onset = PlanTime - (6 * 3600);
        var snapshot = Snapshot([Host("a", cores: 4)], [Vm("noisy", "a"), Vm("steady", "a"), Vm("victim", "a")]);
        var history = new ClusterHistory([
            Series("noisy", ClusterMetrics.CpuCores, t => t >= onset ? 3.5 + (t % 900 == 0 ? 0.2 : 0) : 0.5),
            Series("steady", ClusterMetrics.CpuCores, _ => 0.5),
            Series("victim", ClusterMetrics.CpuCores, t => 0.5 - (t >= onset ? 0.1 : 0)),
            Series("noisy", ClusterMetrics.CpuStealCores, _ => 0.0),
            Series("steady", ClusterMetrics.CpuStealCores, t => t >= onset ? 0.6 + (t % 900 == 0 ? 0.1 : 0) : 0.01),
            Series("victim", ClusterMetrics.CpuStealCores, t => t >= onset ? 0.9 + (t % 900 == 0 ? 0.1 : 0) : 0.01)]);

        var report = Detector.Detect(snapshot, history);

        var contention = Assert.Single(report.Findings, f => f.Rule == "contention");
        Assert.Equal(onset, contention.Start);
        var top = report.NoisyNeighbours.First();
        Assert.Equal(("a", "noisy", 1), (top.Host, top.Vm, top.Rank));
        Assert.True(top.LoadRiseCores > 2.5);
        Assert.True(top.OthersStealRiseCores > 1);
        Assert.Contains("noisy used +3", top.Evidence, StringComparison.Ordinal);
        Assert.DoesNotContain(report.NoisyNeighbours, n => n.Vm == "steady" && n.Rank == 1);
    }

    [Fact]
    public void Detect_ForecastP95AboveWatermark_IsWillBeHot()
    {
        // Quiet now (midnight) but every afternoon the two VMs together exceed 80% of 4 cores.
        var snapshot = Snapshot([Host("a", cores: 4)], [Vm("vm1", "a"), Vm("vm2", "a")]);
        Func<long, double> daily = t => (t % 86_400 / 3600) is >= 13 and < 16 ? 1.8 : 0.3;
        var history = new ClusterHistory([Series("vm1", ClusterMetrics.CpuCores, daily), Series("vm2", ClusterMetrics.CpuCores, daily)]);

        var report = Detector.Detect(snapshot, history);

        Assert.DoesNotContain(report.Findings, f => f.Rule == "cpu-sustained" && f.End is null);
        var f = Assert.Single(report.Findings, f => f.Rule == "will-be-hot");
        Assert.Equal(PlanTime + (13 * 3600), f.Start);
        Assert.Equal(3.6, f.Peak, 3);
        Assert.Equal("warning", f.Severity);
    }
}

public class HotspotDetectorWithoutDataTests
{
    [Fact]
    public void Detect_NoHistory_FindsNothing()
    {
        var snapshot = PlanningFixtures.Snapshot([PlanningFixtures.Host("a", cores: 2)], [PlanningFixtures.Vm("vm1", "a", vcpus: 8)]);

        var report = new HotspotDetector().Detect(snapshot, ClusterHistory.Empty);

        Assert.Empty(report.Findings);
        Assert.Empty(report.NoisyNeighbours);
    }
}
