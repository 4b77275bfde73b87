using KvmMetrics.Analysis.Capacity;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Planning;
using KvmMetrics.Analysis.Reporting;
using static KvmMetrics.Analysis.Tests.Planning.PlanningFixtures;

namespace KvmMetrics.Analysis.Tests.Reporting;

public class ReportAnalyticsTests
{
    [Fact]
    public void Growing_ListsOnlyVmsThatRoseAndKeptRising()
    {
        var snapshot = Snapshot([Host("a", cores: 32)], [Vm("up", "a"), Vm("upThenDown", "a"), Vm("flat", "a"), Vm("idleUp", "a")]);
        static double Day(long t) => (t - PlanTime) / 86_400.0; // -28 .. 0
        var history = new ClusterHistory([
            Series("up", ClusterMetrics.CpuCores, t => 2 + (0.05 * Day(t)), days: 28),
            Series("upThenDown", ClusterMetrics.CpuCores, t => Day(t) < -7 ? 2 + (0.1 * (Day(t) + 28)) : 2.5, days: 28),
            Series("flat", ClusterMetrics.CpuCores, _ => 1, days: 28),
            Series("idleUp", ClusterMetrics.CpuCores, t => 0.03 + (0.0005 * Day(t)), days: 28)]);

        var growing = ReportAnalytics.Growing(snapshot, history, PlanTime);

        var g = Assert.Single(growing);
        Assert.Equal("up", g.Vm);
        Assert.Equal(0.35, g.TrendPerWeek, 2);
        Assert.True(g.LastWeekMean > g.PreviousWeekMean);
    }

    [Fact]
    public void Implausibles_HostAboveItsCores_AndVmAboveItsVcpus_AreExplained()
    {
        var snapshot = Snapshot([Host("a", cores: 4), Host("b", cores: 16)], [Vm("v1", "a", vcpus: 2), Vm("v2", "a", vcpus: 2), Vm("v3", "b", vcpus: 2)]);
        var history = new ClusterHistory([Cpu("v1", 2.1, days: 20), Cpu("v2", 2.1, days: 20), Cpu("v3", 1, days: 20)]);
        var capacity = CapacityPlanner.Analyse(snapshot, history, new CapacityOptions());

        var items = ReportAnalytics.Implausibles(snapshot, history, capacity, PlanTime);

        var host = Assert.Single(items, i => i.Subject == "a");
        Assert.Contains("above 100% of its 4 cores in 168 of 168 hours (peak 105%)", host.What, StringComparison.Ordinal);
        Assert.Contains("steal", host.Why, StringComparison.Ordinal);
        Assert.Contains(items, i => i.Subject == "v1" && i.What == "p95 CPU 2.1 cores on 2 vCPUs");
        Assert.DoesNotContain(items, i => i.Subject is "b" or "v3");
    }

    [Fact]
    public void AfterPlan_ReadsEveryHostBeforeAndAfterFromThePlan()
    {
        var (snapshot, history) = HotCluster();
        var plan = new MigrationPlanner().Plan(snapshot, history, PlannerState.Empty);
        Assert.NotEmpty(plan.Moves);

        var rows = ReportAnalytics.AfterPlan(plan);

        Assert.Equal(snapshot.Hosts.Select(h => h.Name).Order(), rows.Select(r => r.Host).Order());
        var from = rows.Single(r => r.Host == plan.Moves[0].From);
        Assert.True(from.CpuPeakAfter < from.CpuPeakBefore, "the source of the first move is relieved");
        Assert.Equal(snapshot.Vms.Count, rows.Sum(r => r.VmsAfter));
    }
}
