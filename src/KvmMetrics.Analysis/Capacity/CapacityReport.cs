namespace KvmMetrics.Analysis.Capacity;

/// <summary>Capacity of one resource for the cluster or one host.</summary>
/// <param name="Scope"><c>cluster</c> or a host name.</param>
/// <param name="Resource"><c>cpu</c> (cores), <c>memory</c> or <c>disk</c> (bytes).</param>
/// <param name="Capacity">Raw capacity.</param>
/// <param name="UsableCapacity">Capacity minus the N+1 reserve (cluster only), times the target utilisation.</param>
/// <param name="Allocated">vCPUs or allocated bytes of the VMs on it.</param>
/// <param name="AllocationRatio">Allocated / capacity (vCPU:pCPU or memory overcommit).</param>
/// <param name="Demand">Current demand: p95 of hourly demand over the last 7 days (usage + contention for CPU).</param>
/// <param name="GrowthPerDay">Trend of the daily p95 demand, units per day.</param>
/// <param name="ForecastDemand">Expected demand at the end of the horizon.</param>
/// <param name="DaysUntilFullExpected">Days until the expected demand reaches usable capacity; null when not within the horizon.</param>
/// <param name="DaysUntilFullConservative">Same from the upper 95% band; null when not within the horizon.</param>
/// <param name="RecommendedCapacity">Capacity that keeps the forecast demand at the target utilisation (with the reserve for the cluster).</param>
/// <param name="Note">How the numbers were obtained or why some are missing.</param>
public sealed record ResourceCapacity(
    string Scope, string Resource, double Capacity, double UsableCapacity, double Allocated, double AllocationRatio, double Demand,
    double GrowthPerDay, double ForecastDemand, double? DaysUntilFullExpected, double? DaysUntilFullConservative, double RecommendedCapacity, string Note);

/// <summary>Right-sizing verdict for one VM.</summary>
/// <param name="Vm">The VM.</param>
/// <param name="Class"><c>idle</c>, <c>oversized</c>, <c>undersized</c>, <c>ok</c> or <c>no-data</c>.</param>
/// <param name="Vcpus">Allocated vCPUs.</param>
/// <param name="RecommendedVcpus">Suggested vCPUs.</param>
/// <param name="ReclaimableVcpus">vCPUs freed by the suggestion (all of them for an idle VM).</param>
/// <param name="MemoryBytes">Allocated memory.</param>
/// <param name="RecommendedMemoryBytes">Suggested memory.</param>
/// <param name="ReclaimableMemoryBytes">Memory freed by the suggestion.</param>
/// <param name="CpuP95Cores">p95 of hourly CPU over the right-sizing window.</param>
/// <param name="MemoryP95Bytes">p95 of hourly memory use (NaN without data).</param>
/// <param name="IdleShare">Share of hours that were idle.</param>
/// <param name="Evidence">The numbers behind the verdict.</param>
public sealed record VmSizing(
    string Vm, string Class, int Vcpus, int RecommendedVcpus, int ReclaimableVcpus, long MemoryBytes, long RecommendedMemoryBytes,
    long ReclaimableMemoryBytes, double CpuP95Cores, double MemoryP95Bytes, double IdleShare, string Evidence);

/// <summary>Totals of the right-sizing.</summary>
/// <param name="Idle">Idle VMs.</param>
/// <param name="Oversized">Oversized VMs.</param>
/// <param name="Undersized">Undersized VMs.</param>
/// <param name="ReclaimableVcpus">vCPUs reclaimable from idle and oversized VMs.</param>
/// <param name="ReclaimableMemoryBytes">Memory reclaimable from idle and oversized VMs.</param>
public sealed record SizingSummary(int Idle, int Oversized, int Undersized, int ReclaimableVcpus, long ReclaimableMemoryBytes);

/// <summary>The capacity report.</summary>
/// <param name="Time">Unix seconds the report is for.</param>
/// <param name="ReserveHosts">Hosts held back (N+1 = 1).</param>
/// <param name="Resources">Cluster rows first, then hosts in snapshot order.</param>
/// <param name="Vms">Right-sizing per VM, by name.</param>
/// <param name="Sizing">Totals.</param>
public sealed record CapacityReport(long Time, int ReserveHosts, IReadOnlyList<ResourceCapacity> Resources, IReadOnlyList<VmSizing> Vms, SizingSummary Sizing);
