namespace KvmMetrics.Analysis.Cluster;

/// <summary>Placement rules the planner must never break.</summary>
/// <param name="AntiAffinity">Groups of VMs of which no two may share a host (a pair is a group of two).</param>
/// <param name="Pinned">VMs that must stay where they are (local devices, licences, operator decision).</param>
/// <param name="Drain">Hosts to empty (in addition to hosts flagged <see cref="HostSpec.Maintenance"/>).</param>
public sealed record PlacementConstraints(
    IReadOnlyList<IReadOnlyList<string>> AntiAffinity,
    IReadOnlyList<string> Pinned,
    IReadOnlyList<string> Drain)
{
    /// <summary>No constraints at all.</summary>
    public static PlacementConstraints None { get; } = new([], [], []);
}
