using KvmMetrics.Analysis.Cluster;
using System.Globalization;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analysis.Planning;

namespace KvmMetrics.Bench.Planner;

/// <summary>Score of one plan on the real week after plan time.</summary>
/// <param name="Migrations">Moves in the plan.</param>
/// <param name="HotHostHours">Host-hours whose mean CPU exceeded the watermark share of the host's cores.</param>
/// <param name="Violations">Memory over capacity, anti-affinity peers together, pinned VMs moved, VMs left on draining hosts.</param>
internal sealed record PlanScore(int Migrations, int HotHostHours, int Violations);

/// <summary>Applies moves to the snapshot's placement and measures the real next <c>hours</c> hours.</summary>
internal static class PlanScorer
{
    /// <summary>Hours scored after plan time (7 days).</summary>
    public const int Hours = 168;

    public static PlanScore Score(ClusterSnapshot snapshot, IReadOnlyDictionary<string, RawSeries> fullCpu, IEnumerable<(string Vm, string From, string To)> moves, int hours = Hours)
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

    /// <summary>
    /// A lower bound on the hot host-hours of any placement, whatever the number of moves: in an hour whose total
    /// real demand exceeds the sum of the hosts' watermarks (draining hosts excluded) at least one host is hot.
    /// Memory and indivisible VMs are ignored, so the bound is loose; it says which hot hours no plan can remove.
    /// </summary>
    public static int LowerBound(ClusterSnapshot snapshot, IReadOnlyDictionary<string, RawSeries> fullCpu, int hours = Hours)
    {
        var total = TotalDemand(snapshot, fullCpu, hours);
        var capacity = snapshot.Hosts.Where(h => !snapshot.IsDraining(h.Name)).Sum(h => snapshot.Policy.CpuHighWatermark * h.CpuCores);
        return total.Count(x => x > capacity);
    }

    /// <summary>Where the plan's remaining real hot host-hours are and what the planner knew about them.</summary>
    public static IEnumerable<string> Diagnose(ClusterSnapshot snapshot, IReadOnlyDictionary<string, RawSeries> fullCpu, MigrationPlan plan, int hours = Hours)
    {
        var placement = snapshot.Vms.ToDictionary(v => v.Name, v => v.Host, StringComparer.Ordinal);
        foreach (var m in plan.Moves)
        {
            placement[m.Vm] = m.To;
        }

        var total = TotalDemand(snapshot, fullCpu, hours);
        var capacity = snapshot.Hosts.Where(h => !snapshot.IsDraining(h.Name)).Sum(h => snapshot.Policy.CpuHighWatermark * h.CpuCores);
        var after = plan.HostsAfter.ToDictionary(h => h.Host, StringComparer.Ordinal);
        foreach (var host in snapshot.Hosts)
        {
            var load = new double[hours];
            foreach (var vm in snapshot.Vms.Where(v => placement[v.Name] == host.Name))
            {
                var series = HourlyMeansFilled(fullCpu[vm.Name], snapshot.PlanTime, hours);
                for (var h = 0; h < hours; h++)
                {
                    load[h] += series[h];
                }
            }

            var threshold = snapshot.Policy.CpuHighWatermark * host.CpuCores;
            var hot = Enumerable.Range(0, hours).Where(h => load[h] > threshold).ToArray();
            var a = after[host.Name];
            var free = (host.MemoryBytes * snapshot.Policy.MemoryOvercommit) - a.MemoryAllocatedBytes;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{host.Name}: real hot {hot.Length} h ({hot.Count(h => total[h] > capacity)} in cluster-overload hours), day 1 {hot.Count(h => h < 24)} h; forecast after plan: {a.ExpectedHotHours:0.#} hot h/24 h, p95 peak {a.PeakP95Fraction:0%}; real mean {load.Average() / host.CpuCores:0%}, max {load.Max() / host.CpuCores:0%}; {a.Vms} VMs, {free / (1L << 30):0} GiB free");
        }

        foreach (var issue in plan.Issues)
        {
            yield return $"issue {issue.Kind}: {issue.Message}";
        }

        foreach (var m in plan.Moves)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"move {m.Vm} {m.From} -> {m.To} ({m.Kind}, net {m.NetBenefit:0.###}, cost {m.Cost.Penalty:0.###})");
        }
    }

    private static double[] TotalDemand(ClusterSnapshot snapshot, IReadOnlyDictionary<string, RawSeries> fullCpu, int hours)
    {
        var total = new double[hours];
        foreach (var vm in snapshot.Vms)
        {
            var series = HourlyMeansFilled(fullCpu[vm.Name], snapshot.PlanTime, hours);
            for (var h = 0; h < hours; h++)
            {
                total[h] += series[h];
            }
        }

        return total;
    }

    /// <summary>Hourly means; an hour without samples repeats the previous hour (the same rule for every planner).</summary>
    public static double[] HourlyMeansFilled(RawSeries s, long start, int hours)
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
