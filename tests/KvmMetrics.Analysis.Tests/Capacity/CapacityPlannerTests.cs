using KvmMetrics.Analysis.Capacity;
using KvmMetrics.Analysis.Cluster;
using static KvmMetrics.Analysis.Tests.Planning.PlanningFixtures;

namespace KvmMetrics.Analysis.Tests.Capacity;

public class CapacityPlannerTests
{
    [Fact]
    public void Analyse_GrowingDemand_TimeUntilFullUsesTheN1Reserve()
    {
        // Three 10-core hosts; N+1 leaves 20 cores, 80% target = 16 usable. Demand grows 0.1 core/day from
        // 10 cores at plan time, so it reaches 16 in 60 days.
        var snapshot = Snapshot([Host("a", cores: 10), Host("b", cores: 10), Host("c", cores: 10)], [Vm("vm1", "a", vcpus: 16), Vm("vm2", "b", vcpus: 16)]);
        var history = new ClusterHistory([
            Series("vm1", ClusterMetrics.CpuCores, t => 5 + (0.05 * (t - PlanTime) / 86_400.0), days: 60),
            Series("vm2", ClusterMetrics.CpuCores, t => 5 + (0.05 * (t - PlanTime) / 86_400.0), days: 60)]);

        var report = CapacityPlanner.Analyse(snapshot, history, new CapacityOptions());

        var cpu = report.Resources.Single(r => r.Scope == "cluster" && r.Resource == "cpu");
        Assert.Equal(30, cpu.Capacity);
        Assert.Equal(16, cpu.UsableCapacity, 6);
        Assert.Equal(32.0 / 30, cpu.AllocationRatio, 3);
        Assert.Equal(0.1, cpu.GrowthPerDay, 2);
        Assert.NotNull(cpu.DaysUntilFullExpected);
        Assert.InRange(cpu.DaysUntilFullExpected!.Value, 58, 62);
        Assert.NotNull(cpu.DaysUntilFullConservative);
        Assert.True(cpu.DaysUntilFullConservative <= cpu.DaysUntilFullExpected);
        Assert.True(cpu.RecommendedCapacity > 30);

        var noReserve = CapacityPlanner.Analyse(snapshot, history, new CapacityOptions { ReserveHosts = 0 });
        var cpu0 = noReserve.Resources.Single(r => r.Scope == "cluster" && r.Resource == "cpu");
        Assert.InRange(cpu0.DaysUntilFullExpected!.Value, 138, 142);
    }

    [Fact]
    public void Analyse_FlatDemand_IsNotFullWithinTheHorizon()
    {
        var snapshot = Snapshot([Host("a"), Host("b")], [Vm("vm1", "a")]);

        var report = CapacityPlanner.Analyse(snapshot, new ClusterHistory([Cpu("vm1", 1, days: 30)]), new CapacityOptions());

        var cpu = report.Resources.Single(r => r.Scope == "cluster" && r.Resource == "cpu");
        Assert.Null(cpu.DaysUntilFullExpected);
        Assert.Equal(1, cpu.Demand, 6);
        var disk = report.Resources.Single(r => r.Scope == "cluster" && r.Resource == "disk");
        Assert.True(double.IsNaN(disk.Demand));
        Assert.Contains("no disk capacity", disk.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Classify_IdleOversizedUndersizedAndOk()
    {
        var snapshot = Snapshot([Host("a", cores: 32, memoryGiB: 256)], [
            Vm("idle", "a", vcpus: 2, memoryGiB: 4),
            Vm("fat", "a", vcpus: 8, memoryGiB: 32),
            Vm("tight", "a", vcpus: 2, memoryGiB: 4),
            Vm("fine", "a", vcpus: 4, memoryGiB: 8),
            Vm("unknown", "a")]);
        var history = new ClusterHistory([
            Cpu("idle", 0.01),
            Series("idle", ClusterMetrics.NetworkBytesPerSecond, _ => 100),
            Cpu("fat", 1.0),
            Series("fat", ClusterMetrics.MemoryBytes, _ => 4 * GiB),
            Series("tight", ClusterMetrics.CpuCores, t => (t % 86_400 / 3600) < 12 ? 1.95 : 1.0),
            Cpu("fine", 2.0),
            Series("fine", ClusterMetrics.MemoryBytes, _ => 6 * GiB)]);

        var sizing = RightSizing.Classify(snapshot, history, new CapacityOptions()).ToDictionary(s => s.Vm);

        Assert.Equal("idle", sizing["idle"].Class);
        Assert.Equal(2, sizing["idle"].ReclaimableVcpus);
        Assert.Contains("network", sizing["idle"].Evidence, StringComparison.Ordinal);
        Assert.Equal("oversized", sizing["fat"].Class);
        Assert.Equal(2, sizing["fat"].RecommendedVcpus); // ceil(1.0 * 1.25)
        Assert.Equal(6, sizing["fat"].ReclaimableVcpus);
        Assert.Equal(5 * GiB, sizing["fat"].RecommendedMemoryBytes);
        Assert.Equal(27 * GiB, sizing["fat"].ReclaimableMemoryBytes);
        Assert.Equal("undersized", sizing["tight"].Class);
        Assert.True(sizing["tight"].RecommendedVcpus > 2);
        Assert.Equal("ok", sizing["fine"].Class);
        Assert.Equal("no-data", sizing["unknown"].Class);

        var report = CapacityPlanner.Analyse(snapshot, history, new CapacityOptions());
        Assert.Equal((1, 1, 1, 8), (report.Sizing.Idle, report.Sizing.Oversized, report.Sizing.Undersized, report.Sizing.ReclaimableVcpus));
    }

    [Fact]
    public void Classify_HighSteal_IsUndersizedForItsHost()
    {
        var snapshot = Snapshot([Host("a")], [Vm("vm1", "a", vcpus: 2)]);
        var history = new ClusterHistory([Cpu("vm1", 0.9), Series("vm1", ClusterMetrics.CpuStealCores, _ => 0.5)]);

        var s = Assert.Single(RightSizing.Classify(snapshot, history, new CapacityOptions()));

        Assert.Equal("undersized", s.Class);
        Assert.Contains("steal", s.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void DaysUntil_AlreadyAboveLimit_IsZero_AndNeverReached_IsNull()
    {
        Assert.Equal(0, TrendProjection.DaysUntil(_ => 10, 5, 30));
        Assert.Null(TrendProjection.DaysUntil(d => d * 0.01, 5, 30));
        Assert.Equal(2.5, TrendProjection.DaysUntil(d => d * 2, 5, 30));
    }
}
