using KvmMetrics.Analysis.Policy;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analysis.Planning;

namespace KvmMetrics.Analysis.Tests.Planning;

/// <summary>Small synthetic clusters and 5-minute series for planner, hotspot and capacity tests.</summary>
internal static class PlanningFixtures
{
    public const long PlanTime = 1_700_000_000 - (1_700_000_000 % 86_400); // midnight UTC
    public const long GiB = 1L << 30;

    /// <summary>5-minute samples over the <paramref name="days"/> days before <paramref name="end"/>.</summary>
    public static RawSeries Series(string entity, string metric, Func<long, double> value, int days = 14, long end = PlanTime)
    {
        var start = end - (days * 86_400L);
        var ts = Enumerable.Range(0, days * 288).Select(i => start + (i * 300L)).ToArray();
        return new RawSeries(entity, metric, ts, [.. ts.Select(value)]);
    }

    public static RawSeries Cpu(string vm, double cores, int days = 14, long end = PlanTime) =>
        Series(vm, ClusterMetrics.CpuCores, _ => cores, days, end);

    public static HostSpec Host(string name, double cores = 8, long memoryGiB = 64, bool maintenance = false) =>
        new(name, cores, memoryGiB * GiB, maintenance);

    public static VmSpec Vm(string name, string host, int vcpus = 4, long memoryGiB = 8) => new(name, host, vcpus, memoryGiB * GiB);

    public static ClusterSnapshot Snapshot(
        IReadOnlyList<HostSpec> hosts, IReadOnlyList<VmSpec> vms, PlacementConstraints? constraints = null, ClusterPolicy? policy = null, long planTime = PlanTime) =>
        new(hosts, vms, constraints ?? PlacementConstraints.None, policy ?? new ClusterPolicy(), planTime);

    /// <summary>One hot host (a: four VMs at 2 cores each on 8 cores), a lightly loaded one (b) and an empty one (c).</summary>
    public static (ClusterSnapshot Snapshot, ClusterHistory History) HotCluster(ClusterPolicy? policy = null, PlacementConstraints? constraints = null, long planTime = PlanTime)
    {
        var snapshot = Snapshot(
            [Host("a"), Host("b"), Host("c")],
            [Vm("vm1", "a"), Vm("vm2", "a"), Vm("vm3", "a"), Vm("vm4", "a"), Vm("vm5", "b")],
            constraints, policy, planTime);
        var history = new ClusterHistory([
            Cpu("vm1", 2.2, end: planTime), Cpu("vm2", 2.0, end: planTime), Cpu("vm3", 1.8, end: planTime), Cpu("vm4", 1.6, end: planTime), Cpu("vm5", 1.0, end: planTime)]);
        return (snapshot, history);
    }
}
