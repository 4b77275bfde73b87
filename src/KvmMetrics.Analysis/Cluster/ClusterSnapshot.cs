using KvmMetrics.Analysis.Policy;

namespace KvmMetrics.Analysis.Cluster;

/// <summary>
/// What the planner and the capacity report see of a cluster at one instant: hosts, current
/// placement, constraints, policy, and the time the analysis is for (never the wall clock).
/// </summary>
/// <param name="Hosts">All hosts, in the order the operator listed them.</param>
/// <param name="Vms">All guests with their current host.</param>
/// <param name="Constraints">Anti-affinity, pinning and drain requests.</param>
/// <param name="Policy">Thresholds and limits of the planner.</param>
/// <param name="PlanTime">Unix seconds: history before it is the past, forecasts start at it.</param>
public sealed record ClusterSnapshot(
    IReadOnlyList<HostSpec> Hosts,
    IReadOnlyList<VmSpec> Vms,
    PlacementConstraints Constraints,
    ClusterPolicy Policy,
    long PlanTime)
{
    /// <summary>The host with this name, or null.</summary>
    public HostSpec? FindHost(string name) => Hosts.FirstOrDefault(h => h.Name == name);

    /// <summary>True when the host must be emptied (maintenance flag or listed under <c>drain</c>).</summary>
    public bool IsDraining(string host) =>
        Constraints.Drain.Contains(host) || Hosts.Any(h => h.Name == host && h.Maintenance);
}
