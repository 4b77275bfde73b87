using KvmMetrics.Analysis.Policy;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analysis.Planning;

namespace KvmMetrics.Bench.Planner;

/// <summary>Fixed parameters of one benchmark scenario (documented in docs/planning.md).</summary>
internal sealed record ScenarioSpec(int Seed, int PlanDay, int PlanHour, int Vms, double HostCores, long HostMemoryBytes, double VcpuOvercommit, int AntiAffinityPairs, int Pinned, int MaxMigrations);

/// <summary>A built scenario: the snapshot both planners see, the history before plan time, and the full series for scoring.</summary>
internal sealed record BenchScenario(ScenarioSpec Spec, ClusterSnapshot Snapshot, IReadOnlyList<RawSeries> History, IReadOnlyDictionary<string, RawSeries> FullCpu);

/// <summary>
/// Builds clusters from real traces: a seeded sample of VMs with data around the plan time, placed by an
/// allocation-only first fit (vCPUs with an overcommit ratio and memory, blind to usage, anti-affinity honoured as a
/// scheduler's server groups would), hosts of a few cores, plus one spare host.
/// </summary>
internal static class ScenarioBuilder
{
    /// <summary>2013-07-01 00:00 UTC, the first day of the trace.</summary>
    public const long TraceDay0 = 1_372_636_800;

    public static IReadOnlyList<ScenarioSpec> Default { get; } =
    [
        new(1, 28, 9, 36, 16, 128L << 30, 3.0, 3, 3, 5),
        new(2, 35, 14, 40, 16, 128L << 30, 3.0, 3, 3, 5),
        new(3, 42, 20, 32, 12, 96L << 30, 2.5, 3, 3, 5),
        new(4, 49, 3, 44, 24, 192L << 30, 3.0, 4, 3, 5),
        new(5, 56, 11, 36, 16, 128L << 30, 2.5, 3, 3, 5),
        new(6, 63, 17, 40, 16, 128L << 30, 3.0, 3, 3, 5),
        new(7, 70, 7, 32, 12, 96L << 30, 3.0, 3, 3, 5),
        new(8, 77, 22, 40, 16, 128L << 30, 2.5, 4, 3, 5),
    ];

    public static BenchScenario Build(ScenarioSpec spec, IReadOnlyList<BitbrainsVm> pool)
    {
        var planTime = TraceDay0 + (spec.PlanDay * HourlyGrid.Day) + (spec.PlanHour * HourlyGrid.Hour);
        var rng = new Random(spec.Seed);

        // ...and with samples in at least 90% of the hours of the 28 days before and the 7 days after plan time.
        // VMs larger than half a host are left out: no placement can fix a host that one VM saturates.
        var eligible = pool.Where(v => v.Vcpus <= spec.HostCores / 2 && v.MemoryBytes <= spec.HostMemoryBytes / 2)
            .Where(v => Coverage(v.Cpu, planTime - (28 * HourlyGrid.Day), 35 * 24) >= 0.9).OrderBy(v => v.Id).ToList();
        var chosen = eligible.OrderBy(_ => rng.Next()).Take(spec.Vms).ToList();
        var names = chosen.Select(v => Name(v)).ToArray();

        var groups = new List<IReadOnlyList<string>>();
        var shuffled = names.OrderBy(_ => rng.Next()).ToArray();
        for (var i = 0; i < spec.AntiAffinityPairs; i++)
        {
            groups.Add([shuffled[2 * i], shuffled[(2 * i) + 1]]);
        }

        var pinned = shuffled.Skip(2 * spec.AntiAffinityPairs).Take(spec.Pinned).Order(StringComparer.Ordinal).ToArray();

        // Arrival order is random; first fit scans hosts in order and opens a new host when nothing fits.
        var hosts = new List<(string Name, double Vcpus, long Memory, List<string> Vms)>();
        var vms = new List<VmSpec>();
        foreach (var vm in chosen.OrderBy(_ => rng.Next()))
        {
            var name = Name(vm);
            var peers = groups.Where(g => g.Contains(name)).SelectMany(g => g).Where(n => n != name).ToHashSet();
            var slot = hosts.FindIndex(h => h.Vcpus + vm.Vcpus <= spec.HostCores * spec.VcpuOvercommit
                && h.Memory + vm.MemoryBytes <= spec.HostMemoryBytes && !h.Vms.Any(peers.Contains));
            if (slot < 0)
            {
                hosts.Add(($"host{hosts.Count + 1:D2}", 0, 0, []));
                slot = hosts.Count - 1;
            }

            var h = hosts[slot];
            h.Vms.Add(name);
            hosts[slot] = (h.Name, h.Vcpus + vm.Vcpus, h.Memory + vm.MemoryBytes, h.Vms);
            vms.Add(new VmSpec(name, h.Name, vm.Vcpus, vm.MemoryBytes));
        }

        hosts.Add(($"host{hosts.Count + 1:D2}", 0, 0, []));
        var snapshot = new ClusterSnapshot(
            [.. hosts.Select(h => new HostSpec(h.Name, spec.HostCores, spec.HostMemoryBytes))],
            [.. vms.OrderBy(v => v.Name, StringComparer.Ordinal)],
            new PlacementConstraints(groups, pinned, []),
            new ClusterPolicy { MaxMigrations = spec.MaxMigrations },
            planTime);
        var history = chosen.SelectMany(v => new[] { Cut(v.Cpu, planTime), Cut(v.Memory, planTime) }).ToArray();
        var full = chosen.ToDictionary(v => Name(v), v => v.Cpu, StringComparer.Ordinal);
        return new BenchScenario(spec, snapshot, history, full);
    }

    private static string Name(BitbrainsVm vm) => vm.Cpu.Entity;

    private static RawSeries Cut(RawSeries s, long before)
    {
        var n = HourlyGrid.LowerBound(s.Timestamps, before);
        return s with { Timestamps = s.Timestamps[..n], Values = s.Values[..n] };
    }

    private static double Coverage(RawSeries s, long start, int hours) =>
        HourlyGrid.Means(s, start, hours).Count(double.IsFinite) / (double)hours;
}
