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

    [Fact]
    public void Analyse_MemoryAllocatedBeyondN1_AllocationBindsAndIsFullNow()
    {
        // Three 64 GiB hosts: N+1 leaves 128 GiB allocatable; the VMs hold 140 GiB but use 1 GiB each.
        var snapshot = Snapshot([Host("a", cores: 16), Host("b", cores: 16), Host("c", cores: 16)],
            [Vm("v1", "a", vcpus: 2, memoryGiB: 60), Vm("v2", "b", vcpus: 2, memoryGiB: 40), Vm("v3", "c", vcpus: 2, memoryGiB: 40)]);
        var history = new ClusterHistory([.. new[] { "v1", "v2", "v3" }.SelectMany(v => new[]
        {
            Cpu(v, 0.5, days: 30), Series(v, ClusterMetrics.MemoryBytes, _ => GiB, days: 30),
        })]);

        var report = CapacityPlanner.Analyse(snapshot, history, new CapacityOptions());

        var mem = report.Cluster("memory");
        Assert.Equal(CapacityBasis.Allocation, mem.Binding);
        Assert.Equal(128 * GiB, mem.AllocationView.Limit, 0);
        Assert.Equal(-12 * GiB, mem.AllocationView.Headroom, 0);
        Assert.Equal(0, mem.Full.Days);
        Assert.Contains("over by 12 GiB", mem.Full.Rule, StringComparison.Ordinal);
        Assert.Equal(3 * GiB, mem.DemandView.Used, 0);
        Assert.Null(mem.DemandView.Full.Days);

        // CPU: 6 of 128 vCPUs allocatable (32 cores x 4) and flat demand: neither view has a date; demand has more room.
        var cpu = report.Cluster("cpu");
        Assert.Null(cpu.Full.Days);
        Assert.False(cpu.AllocationView.Full.Projected);

        // Nothing more fits, memory allocation stops it; order now, one 64 GiB host covers the 12 GiB.
        Assert.Equal(0, report.StandardVms.Count);
        Assert.Equal("memory allocation", report.StandardVms.LimitedBy);
        Assert.Equal(0, report.Purchase.OrderInDays);
        Assert.Equal("memory", report.Purchase.Resource);
        Assert.Equal(1, report.Purchase.Hosts);
    }

    [Fact]
    public void Analyse_DemandFullIn_IsHeadroomOverGrowth_WithAnIntervalAroundIt()
    {
        var snapshot = Snapshot([Host("a", cores: 10), Host("b", cores: 10), Host("c", cores: 10)], [Vm("vm1", "a", vcpus: 4), Vm("vm2", "b", vcpus: 4)]);
        // Day-to-day wobble (same within a day) makes the trend uncertain, so the interval has width.
        var history = new ClusterHistory([
            Series("vm1", ClusterMetrics.CpuCores, t => 5 + (0.05 * (t - PlanTime) / 86_400.0) + (0.4 * Math.Sin(Math.Floor((t - PlanTime) / 86_400.0) * 2.3)), days: 60),
            Series("vm2", ClusterMetrics.CpuCores, t => 5 + (0.05 * (t - PlanTime) / 86_400.0), days: 60)]);

        var cpu = CapacityPlanner.Analyse(snapshot, history, new CapacityOptions()).Cluster("cpu");

        Assert.Equal(CapacityBasis.Demand, cpu.Binding);
        var d = cpu.DemandView;
        Assert.Equal(16, d.Limit, 6);
        Assert.True(Math.Abs((d.Headroom / d.GrowthPerDay) - cpu.Full.Days!.Value) <= 0.1, $"{d.Headroom} / {d.GrowthPerDay} vs {cpu.Full.Days}");
        Assert.InRange(cpu.Full.Days!.Value, 50, 62); // about 6 cores of headroom at 0.1 core/day
        Assert.True(cpu.Full.Earliest <= cpu.Full.Days && cpu.Full.Days <= cpu.Full.Latest && cpu.Full.Earliest < cpu.Full.Latest, $"{cpu.Full.Earliest} < {cpu.Full.Days} < {cpu.Full.Latest}");
        Assert.Contains("headroom / growth", cpu.Full.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyse_StandardVms_UseTheMixAndTheTightestView()
    {
        // Two 16-core 64 GiB hosts, N+1: 64 vCPUs and 64 GiB allocatable, 12.8 cores usable. Four 2 vCPU / 8 GiB VMs at 0.1 core.
        var snapshot = Snapshot([Host("a", cores: 16, memoryGiB: 64), Host("b", cores: 16, memoryGiB: 64)],
            [Vm("v1", "a", 2, 8), Vm("v2", "a", 2, 8), Vm("v3", "b", 2, 8), Vm("v4", "b", 2, 8)]);
        var history = new ClusterHistory([.. new[] { "v1", "v2", "v3", "v4" }.Select(v => Cpu(v, 0.1, days: 30))]);

        var fit = CapacityPlanner.Analyse(snapshot, history, new CapacityOptions()).StandardVms;

        Assert.Equal(4, fit.Count); // (64 - 32) GiB / 8 GiB
        Assert.Equal("memory allocation", fit.LimitedBy);
        Assert.Equal(28, fit.Fits["cpu allocation"]); // (64 - 8) / 2
        Assert.Equal(124, fit.Fits["cpu demand"]); // (12.8 - 0.4) / 0.1
        Assert.Equal(new VmSize(2, 8 * GiB, 4), Assert.Single(fit.Mix));
        Assert.Null(CapacityPlanner.Analyse(snapshot, history, new CapacityOptions()).Purchase.OrderInDays);
    }

    [Fact]
    public void Analyse_StandardVms_RoomSplitAcrossHosts_FitsFewerThanTheClusterTotal()
    {
        // No reserve: 128 GiB, 80 allocated, 48 free cluster-wide = one more 40 GiB VM; but each host has only 24 GiB.
        var snapshot = Snapshot([Host("a", cores: 16, memoryGiB: 64), Host("b", cores: 16, memoryGiB: 64)], [Vm("v1", "a", 2, 40), Vm("v2", "b", 2, 40)]);
        var history = new ClusterHistory([Cpu("v1", 0.1, days: 30), Cpu("v2", 0.1, days: 30)]);

        var fit = CapacityPlanner.Analyse(snapshot, history, new CapacityOptions { ReserveHosts = 0 }).StandardVms;

        Assert.Equal(1, fit.Fits["memory allocation"]);
        Assert.Equal(0, fit.Count);
        Assert.Equal("per-host fit", fit.LimitedBy);
        Assert.Contains("split across hosts", fit.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyse_DiskWithCapacityAndUse_HasBothViews()
    {
        var snapshot = Snapshot([new HostSpec("a", 8, 64 * GiB, DiskBytes: 1000 * GiB), new HostSpec("b", 8, 64 * GiB, DiskBytes: 1000 * GiB)],
            [new VmSpec("v1", "a", 2, 8 * GiB, DiskBytes: 600 * GiB), new VmSpec("v2", "b", 2, 8 * GiB, DiskBytes: 300 * GiB)]);
        var history = new ClusterHistory([
            Cpu("v1", 0.1, days: 30), Cpu("v2", 0.1, days: 30),
            Series("v1", ClusterMetrics.DiskBytes, t => (400 * GiB) + (2.0 * GiB * (t - PlanTime) / 86_400.0), days: 30),
            Series("v2", ClusterMetrics.DiskBytes, _ => 100 * GiB, days: 30)]);

        var disk = CapacityPlanner.Analyse(snapshot, history, new CapacityOptions()).Cluster("disk");

        Assert.Equal(1000 * GiB, disk.AllocationView.Limit, 0);
        Assert.Equal(100 * GiB, disk.AllocationView.Headroom, 0);
        Assert.Equal(800 * GiB, disk.DemandView.Limit, 0);
        Assert.Equal(2 * GiB, disk.DemandView.GrowthPerDay, 0);
        Assert.InRange(disk.DemandView.Full.Days!.Value, 145, 155); // (800 - 500) GiB / 2 GiB per day
    }

    [Fact]
    public void Options_AllocationRatioOutOfRange_IsRejectedByName()
    {
        Assert.Contains("cpuAllocationRatio", new CapacityOptions { CpuAllocationRatio = 0 }.Validate(), StringComparison.Ordinal);
        Assert.Contains("leadTimeDays", new CapacityOptions { LeadTimeDays = -1 }.Validate(), StringComparison.Ordinal);
        Assert.Null(new CapacityOptions().Validate());
    }
}
