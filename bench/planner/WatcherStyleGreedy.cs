using KvmMetrics.Analysis.Cluster;

namespace KvmMetrics.Bench.Planner;

/// <summary>
/// The reference planner of the benchmark, in the manner of OpenStack Watcher's workload_stabilization: host load
/// is the mean CPU of the last hour before plan time divided by host cores; repeatedly take the single migration
/// (any movable VM, any host: the "fullsearch" host choice) that lowers the standard deviation of host loads the most,
/// until the move cap or no improvement. It honours memory capacity, anti-affinity and pinning like the real planner,
/// and never moves the same VM twice.
/// </summary>
internal static class WatcherStyleGreedy
{
    public static IReadOnlyList<(string Vm, string From, string To)> Plan(ClusterSnapshot snapshot, ClusterHistory history)
    {
        var hosts = snapshot.Hosts.ToArray();
        var hostIndex = hosts.Select((h, i) => (h.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var vms = snapshot.Vms.ToArray();
        var place = vms.Select(v => hostIndex[v.Host]).ToArray();
        var load = vms.Select(v => LastHour(history.Get(v.Name, ClusterMetrics.CpuCores), snapshot.PlanTime)).ToArray();
        var hostLoad = new double[hosts.Length];
        var hostMem = new double[hosts.Length];
        for (var v = 0; v < vms.Length; v++)
        {
            hostLoad[place[v]] += load[v];
            hostMem[place[v]] += vms[v].MemoryBytes;
        }

        var moved = new HashSet<int>();
        var moves = new List<(string, string, string)>();
        var current = Std(hosts, hostLoad);
        while (moves.Count < snapshot.Policy.MaxMigrations)
        {
            (int Vm, int To, double Std)? best = null;
            for (var v = 0; v < vms.Length; v++)
            {
                if (moved.Contains(v) || snapshot.Constraints.Pinned.Contains(vms[v].Name))
                {
                    continue;
                }

                var from = place[v];
                var peers = snapshot.Constraints.AntiAffinity.Where(g => g.Contains(vms[v].Name)).SelectMany(g => g).Where(n => n != vms[v].Name).ToHashSet();
                for (var to = 0; to < hosts.Length; to++)
                {
                    if (to == from || snapshot.IsDraining(hosts[to].Name)
                        || hostMem[to] + vms[v].MemoryBytes > hosts[to].MemoryBytes * snapshot.Policy.MemoryOvercommit
                        || Enumerable.Range(0, vms.Length).Any(o => place[o] == to && peers.Contains(vms[o].Name)))
                    {
                        continue;
                    }

                    hostLoad[from] -= load[v];
                    hostLoad[to] += load[v];
                    var std = Std(hosts, hostLoad);
                    hostLoad[from] += load[v];
                    hostLoad[to] -= load[v];
                    if (best is null || std < best.Value.Std - 1e-12)
                    {
                        best = (v, to, std);
                    }
                }
            }

            if (best is null || best.Value.Std >= current - 1e-9)
            {
                break;
            }

            var (vm, target, s) = best.Value;
            moves.Add((vms[vm].Name, hosts[place[vm]].Name, hosts[target].Name));
            hostLoad[place[vm]] -= load[vm];
            hostMem[place[vm]] -= vms[vm].MemoryBytes;
            place[vm] = target;
            hostLoad[target] += load[vm];
            hostMem[target] += vms[vm].MemoryBytes;
            moved.Add(vm);
            current = s;
        }

        return moves;
    }

    private static double LastHour(Analysis.Data.RawSeries? s, long planTime)
    {
        if (s is null || s.Count == 0)
        {
            return 0;
        }

        var mean = HourlyGrid.Means(s, planTime - HourlyGrid.Hour, 1)[0];
        if (double.IsFinite(mean))
        {
            return mean;
        }

        var i = HourlyGrid.LowerBound(s.Timestamps, planTime) - 1;
        return i >= 0 ? s.Values[i] : 0;
    }

    private static double Std(Analysis.Cluster.HostSpec[] hosts, double[] load)
    {
        var u = hosts.Select((h, i) => load[i] / h.CpuCores).ToArray();
        var mean = u.Average();
        return Math.Sqrt(u.Sum(x => (x - mean) * (x - mean)) / u.Length);
    }
}
