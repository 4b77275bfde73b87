using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Data;

namespace KvmMetrics.Analyzer.Planning.Bench;

/// <summary>Score of one plan on the real week after plan time.</summary>
/// <param name="Migrations">Moves in the plan.</param>
/// <param name="HotHostHours">Host-hours whose mean CPU exceeded the watermark share of the host's cores.</param>
/// <param name="Violations">Memory over capacity, anti-affinity peers together, pinned VMs moved, VMs left on draining hosts.</param>
internal sealed record PlanScore(int Migrations, int HotHostHours, int Violations);

/// <summary>Applies moves to the snapshot's placement and measures the real next <c>hours</c> hours.</summary>
internal static class PlanScorer
{
    public static PlanScore Score(ClusterSnapshot snapshot, IReadOnlyDictionary<string, RawSeries> fullCpu, IEnumerable<(string Vm, string From, string To)> moves, int hours = 168)
    {
        var placement = snapshot.Vms.ToDictionary(v => v.Name, v => v.Host, StringComparer.Ordinal);
        var count = 0;
        var violations = 0;
        foreach (var (vm, from, to) in moves)
        {
            count++;
            if (placement[vm] != from || snapshot.Constraints.Pinned.Contains(vm) || snapshot.IsDraining(to))
            {
                violations++;
            }

            placement[vm] = to;
        }

        foreach (var host in snapshot.Hosts)
        {
            var allocated = snapshot.Vms.Where(v => placement[v.Name] == host.Name).Sum(v => (double)v.MemoryBytes);
            if (allocated > host.MemoryBytes * snapshot.Policy.MemoryOvercommit)
            {
                violations++;
            }

            if (snapshot.IsDraining(host.Name) && placement.Values.Contains(host.Name))
            {
                violations++;
            }
        }

        foreach (var group in snapshot.Constraints.AntiAffinity)
        {
            violations += group.GroupBy(v => placement[v]).Sum(g => g.Count() - 1);
        }

        var hostLoad = snapshot.Hosts.ToDictionary(h => h.Name, _ => new double[hours], StringComparer.Ordinal);
        foreach (var vm in snapshot.Vms)
        {
            var series = HourlyMeansFilled(fullCpu[vm.Name], snapshot.PlanTime, hours);
            var load = hostLoad[placement[vm.Name]];
            for (var h = 0; h < hours; h++)
            {
                load[h] += series[h];
            }
        }

        var hot = snapshot.Hosts.Sum(h => hostLoad[h.Name].Count(x => x > snapshot.Policy.CpuHighWatermark * h.CpuCores));
        return new PlanScore(count, hot, violations);
    }

    /// <summary>Hourly means; an hour without samples repeats the previous hour (the same rule for every planner).</summary>
    private static double[] HourlyMeansFilled(RawSeries s, long start, int hours)
    {
        var means = HourlyGrid.Means(s, start, hours);
        var before = HourlyGrid.LowerBound(s.Timestamps, start) - 1;
        var last = before >= 0 ? s.Values[before] : 0;
        for (var h = 0; h < hours; h++)
        {
            if (double.IsNaN(means[h]))
            {
                means[h] = last;
            }

            last = means[h];
        }

        return means;
    }
}
