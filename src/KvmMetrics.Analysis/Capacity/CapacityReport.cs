namespace KvmMetrics.Analysis.Capacity;

/// <summary>Which view of a resource limits it: what is handed out (allocation) or what is used (demand).</summary>
public enum CapacityBasis
{
    /// <summary>vCPUs, allocated memory or disk against what may be allocated (capacity × allocation ratio, N+k).</summary>
    Allocation,

    /// <summary>Measured p95 demand against usable capacity (capacity, N+k, × target utilisation).</summary>
    Demand,
}

/// <summary>
/// Time until a view of a resource is full, with its interval and the rule that produced it. The one answer every
/// surface (report, API, /metrics, CLI) shows.
/// </summary>
/// <param name="Days">Expected days until full; 0 = full now; null = not within the horizon (or not growing).</param>
/// <param name="Earliest">Lower end of the 90% interval (growth at its upper bound); null = not within the horizon.</param>
/// <param name="Latest">Upper end of the 90% interval (growth at its lower bound); null = not within the horizon.</param>
/// <param name="Rule">The rule and the numbers behind it, in a sentence.</param>
/// <param name="Projected">False when there is no growth to project (allocations have no history): null days then mean "unknown", not "beyond the horizon".</param>
public sealed record TimeUntilFull(double? Days, double? Earliest, double? Latest, string Rule, bool Projected = true);

/// <summary>One view (allocation or demand) of one resource in one scope.</summary>
/// <param name="Basis">Allocation or demand.</param>
/// <param name="Limit">What may be allocated (allocation) or used (demand) with the reserve held back.</param>
/// <param name="Used">Allocated now, or p95 of hourly demand over the last 7 days.</param>
/// <param name="Headroom">Limit − used; negative = over the limit.</param>
/// <param name="GrowthPerDay">Growth of <paramref name="Used"/> per day; NaN when unknown (allocations have no history).</param>
/// <param name="GrowthStdError">Standard error of the growth; NaN when unknown.</param>
/// <param name="Full">Time until <paramref name="Used"/> reaches <paramref name="Limit"/>.</param>
public sealed record CapacityView(CapacityBasis Basis, double Limit, double Used, double Headroom, double GrowthPerDay, double GrowthStdError, TimeUntilFull Full)
{
    /// <summary>Headroom as a share of the limit (negative = over).</summary>
    public double HeadroomShare => Limit > 0 ? Headroom / Limit : double.NaN;
}

/// <summary>Capacity of one resource for the cluster or one host: both views, which one binds, and when it is full.</summary>
/// <param name="Scope"><c>cluster</c> or a host name.</param>
/// <param name="Resource"><c>cpu</c> (cores, vCPUs), <c>memory</c> or <c>disk</c> (bytes).</param>
/// <param name="Capacity">Raw capacity of the active hosts (cluster) or of the host.</param>
/// <param name="Reserve">Capacity held back for failures and maintenance (N+k, cluster only).</param>
/// <param name="AllocationView">Allocation against (capacity − reserve) × allocation ratio.</param>
/// <param name="DemandView">p95 demand against (capacity − reserve) × target utilisation.</param>
/// <param name="Binding">The view that is full first (or, when neither is, has the smaller headroom share).</param>
/// <param name="RecommendedCapacity">Capacity that keeps the demand 90 days ahead (upper growth) at the target and the allocation within its ratio, plus the reserve.</param>
/// <param name="Note">How the numbers were obtained or why some are missing.</param>
public sealed record ResourceCapacity(
    string Scope, string Resource, double Capacity, double Reserve, CapacityView AllocationView, CapacityView DemandView, CapacityBasis Binding,
    double RecommendedCapacity, string Note)
{
    /// <summary>Time until full of the binding view: the resource's answer.</summary>
    public TimeUntilFull Full => BoundView().Full;

    /// <summary>The binding view.</summary>
    public CapacityView BoundView() => Binding == CapacityBasis.Allocation ? AllocationView : DemandView;

    /// <summary>Usable capacity of the demand view (kept for API and /metrics readers).</summary>
    public double UsableCapacity => DemandView.Limit;

    /// <summary>Allocated vCPUs or bytes.</summary>
    public double Allocated => AllocationView.Used;

    /// <summary>Allocated / raw capacity (vCPU:pCPU or memory overcommit).</summary>
    public double AllocationRatio => Capacity > 0 ? Math.Round(AllocationView.Used / Capacity, 4) : 0;

    /// <summary>p95 demand over the last 7 days (NaN without history).</summary>
    public double Demand => DemandView.Used;

    /// <summary>Growth of the demand per day.</summary>
    public double GrowthPerDay => DemandView.GrowthPerDay;

    /// <summary>Expected days until full of the binding view (same as <see cref="Full"/>.Days).</summary>
    public double? DaysUntilFullExpected => Full.Days;

    /// <summary>Early end of the interval of the binding view (same as <see cref="Full"/>.Earliest).</summary>
    public double? DaysUntilFullConservative => Full.Earliest;
}

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
/// <param name="ReclaimableVcpus">vCPUs reclaimable from idle and oversized VMs (gross).</param>
/// <param name="ReclaimableMemoryBytes">Memory reclaimable from idle and oversized VMs (gross).</param>
/// <param name="NeededVcpus">vCPUs the undersized VMs need on top of what they have.</param>
/// <param name="NeededMemoryBytes">Memory the undersized VMs need on top of what they have.</param>
public sealed record SizingSummary(int Idle, int Oversized, int Undersized, int ReclaimableVcpus, long ReclaimableMemoryBytes, int NeededVcpus = 0, long NeededMemoryBytes = 0)
{
    /// <summary>vCPUs returned to the cluster after the undersized VMs get theirs (recommended sizes keep the sizing headroom over p95).</summary>
    public int NetReclaimableVcpus => ReclaimableVcpus - NeededVcpus;

    /// <summary>Memory returned to the cluster after the undersized VMs get theirs.</summary>
    public long NetReclaimableMemoryBytes => ReclaimableMemoryBytes - NeededMemoryBytes;
}

/// <summary>One VM size of the cluster's mix.</summary>
/// <param name="Vcpus">vCPUs.</param>
/// <param name="MemoryBytes">Memory.</param>
/// <param name="Count">VMs of this size now.</param>
public sealed record VmSize(int Vcpus, long MemoryBytes, int Count);

/// <summary>How many more VMs of the cluster's own mix fit, per resource and view, and which limit stops them.</summary>
/// <param name="Count">VMs of the mix that still fit in every view at N+k (0 when a view is already over).</param>
/// <param name="LimitedBy">Resource and view that stop the next VM, e.g. <c>memory allocation</c>.</param>
/// <param name="Mix">The sizes of today's VMs, most common first.</param>
/// <param name="PerVm">Average need of one VM of the mix per resource and view (vCPUs, cores, bytes), keyed <c>cpu allocation</c>, <c>cpu demand</c>, ....</param>
/// <param name="Fits">VMs that fit per resource and view, same keys.</param>
/// <param name="Rule">How the count was obtained.</param>
public sealed record StandardVmFit(int Count, string LimitedBy, IReadOnlyList<VmSize> Mix, IReadOnlyDictionary<string, double> PerVm, IReadOnlyDictionary<string, int> Fits, string Rule);

/// <summary>When to order hardware and how much, for the cluster.</summary>
/// <param name="Resource">The resource that is full first.</param>
/// <param name="Basis">Its binding view.</param>
/// <param name="OrderInDays">Days from now by which to order (full at the earliest minus the lead time); 0 = order now; null = no order needed within the horizon.</param>
/// <param name="OrderBy">Unix seconds of that day; null when no order is needed.</param>
/// <param name="Hosts">Hosts of the cluster's typical size to add.</param>
/// <param name="LeadTimeDays">Lead time assumed (option).</param>
/// <param name="CoverDays">Days the purchase should last after it arrives (option).</param>
/// <param name="Rule">How the date and the amount were obtained.</param>
public sealed record PurchaseAdvice(string Resource, CapacityBasis Basis, double? OrderInDays, long? OrderBy, int Hosts, int LeadTimeDays, int CoverDays, string Rule);

/// <summary>The capacity model: one place for every capacity number the analyzer shows.</summary>
/// <param name="Time">Unix seconds the report is for.</param>
/// <param name="ReserveHosts">Hosts held back (N+1 = 1).</param>
/// <param name="HorizonDays">Horizon of the time-until-full search.</param>
/// <param name="Resources">Cluster rows first (cpu, memory, disk), then hosts in snapshot order.</param>
/// <param name="Vms">Right-sizing per VM, by name.</param>
/// <param name="Sizing">Totals.</param>
/// <param name="StandardVms">How many more VMs of today's mix fit.</param>
/// <param name="Purchase">When to buy and how much.</param>
public sealed record CapacityReport(
    long Time, int ReserveHosts, int HorizonDays, IReadOnlyList<ResourceCapacity> Resources, IReadOnlyList<VmSizing> Vms, SizingSummary Sizing,
    StandardVmFit StandardVms, PurchaseAdvice Purchase)
{
    /// <summary>The cluster row of <paramref name="resource"/>.</summary>
    public ResourceCapacity Cluster(string resource) => Resources.First(r => r.Scope == "cluster" && r.Resource == resource);

    /// <summary>The row of <paramref name="resource"/> for <paramref name="host"/>, or null.</summary>
    public ResourceCapacity? Host(string host, string resource) => Resources.FirstOrDefault(r => r.Scope == host && r.Resource == resource);
}
