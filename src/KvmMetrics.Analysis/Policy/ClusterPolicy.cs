namespace KvmMetrics.Analysis.Policy;

/// <summary>
/// The one home of the operator's cluster policy: when a host counts as hot (CPU and memory watermarks and the
/// hysteresis of the hotspot rules), how much the planner may do about it (move cap, cooldown, reverse-move window,
/// memory overcommit), how it weighs a move (objective weights, minimum benefit, cost per GiB) and the link speed the
/// migration time is estimated at. The hotspot detector, the planner and the report read the watermark from here and
/// nowhere else. Defaults are documented in docs/planning.md; <see cref="Validate"/> names the first bad field and its
/// accepted range. Capacity headroom (N+1) and right-sizing rules are in <c>Capacity.CapacityOptions</c> for now.
/// </summary>
public sealed record ClusterPolicy
{
    /// <summary>The defaults.</summary>
    public static ClusterPolicy Default { get; } = new();

    // ---- watermarks and hotspot rules ----

    /// <summary>Host CPU load, as a fraction of its cores, above which an hour (or a sample) is hot. Default 0.8.</summary>
    public double CpuHighWatermark { get; init; } = 0.8;

    /// <summary>How far below <see cref="CpuHighWatermark"/> sustained CPU must fall before a finding closes. Default 0.05.</summary>
    public double CpuClearMargin { get; init; } = 0.05;

    /// <summary>Peak CPU share above which a sustained-CPU finding is critical rather than a warning. Default 0.95.</summary>
    public double CpuCriticalPeak { get; init; } = 0.95;

    /// <summary>Memory used, as a fraction of host memory, above which a host is hot. Default 0.9.</summary>
    public double MemoryHighWatermark { get; init; } = 0.9;

    /// <summary>How far below <see cref="MemoryHighWatermark"/> memory used must fall before a finding closes. Default 0.05.</summary>
    public double MemoryClearMargin { get; init; } = 0.05;

    /// <summary>Peak memory share above which a memory finding is critical. Default 0.97.</summary>
    public double MemoryCriticalPeak { get; init; } = 0.97;

    /// <summary>
    /// Memory-headroom rule: the finding opens when the cluster's largest VM needs this multiple of the host's free
    /// memory (1 = it no longer fits) and closes below <see cref="HeadroomClearRatio"/>. Default 1.0.
    /// </summary>
    public double HeadroomEnterRatio { get; init; } = 1.0;

    /// <summary>Ratio below which a memory-headroom finding closes. Default 0.9.</summary>
    public double HeadroomClearRatio { get; init; } = 0.9;

    /// <summary>vCPU steal per vCPU (share of time a runnable vCPU waited) that opens a contention finding. Default 0.05.</summary>
    public double StealPerVcpu { get; init; } = 0.05;

    /// <summary>A contention finding closes below this multiple of <see cref="StealPerVcpu"/>. Default 0.6.</summary>
    public double StealClearFactor { get; init; } = 0.6;

    /// <summary>A contention finding is critical above this multiple of <see cref="StealPerVcpu"/>. Default 2.</summary>
    public double StealCriticalFactor { get; init; } = 2;

    /// <summary>Consecutive steps above a threshold that open a finding. Default 3 (15 min at 5-minute steps).</summary>
    public int SustainSteps { get; init; } = 3;

    /// <summary>Consecutive steps below the exit threshold that close it. Default 3.</summary>
    public int ClearSteps { get; init; } = 3;

    /// <summary>A will-be-hot finding is a warning (not info) from this many expected hot hours on. Default 2.</summary>
    public double WillBeHotWarningHours { get; init; } = 2;

    // ---- what the planner may do ----

    /// <summary>Maximum number of migrations in one plan, mandatory ones included. Default 5.</summary>
    public int MaxMigrations { get; init; } = 5;

    /// <summary>
    /// Hours of forecast the plan optimises for and is explained over. Default 168 (7 days): the horizon an operator
    /// acts on; a plan for the next day only would be re-made, and moves undone, every day.
    /// </summary>
    public int HorizonHours { get; init; } = 168;

    /// <summary>A VM migrated less than this long ago is not moved again (optional moves). Default 6 h.</summary>
    public long CooldownSeconds { get; init; } = 6 * 3600;

    /// <summary>A VM does not go back to the host it left within this window (optional moves). Default 48 h.</summary>
    public long ReverseMoveWindowSeconds { get; init; } = 48 * 3600;

    /// <summary>Allocated memory may reach this multiple of a host's memory (1.0 = no overcommit). Default 1.0.</summary>
    public double MemoryOvercommit { get; init; } = 1.0;

    // ---- how the planner weighs a move ----

    /// <summary>
    /// Minimum net benefit of an optional move, in expected hot host-hours avoided per day of horizon
    /// (after the migration cost is subtracted). In a sequence of moves that only pay off together, the sequence has to
    /// gain this much per move. Default 0.1 (tuned on the planner benchmark's training samples, docs/planning.md).
    /// </summary>
    public double MinBenefit { get; init; } = 0.1;

    /// <summary>Penalty per GiB transferred by a migration, in hot host-hours per day. Default 0.005 (tuned on the training samples once the cost counted the whole allocation).</summary>
    public double CostPerGiB { get; init; } = 0.005;

    /// <summary>
    /// Weight of the expected overload (cores above the watermark / host cores, per hour) relative to expected hot
    /// hours. Small, so that spreading an overload nobody can remove over two hosts (two hot hosts instead of one)
    /// does not pay. Default 0.25.
    /// </summary>
    public double OverloadWeight { get; init; } = 0.25;

    /// <summary>Weight of the balance term (spread of expected load) relative to hot hours. Default 0.25.</summary>
    public double BalanceWeight { get; init; } = 0.25;

    /// <summary>
    /// Relative forecast error assumed for a host's hourly load when counting expected hot hours in the objective:
    /// a scenario at load x counts as hot with probability P(x (1 + e) &gt; watermark), e normal with this standard
    /// deviation. 0 = the plain scenario count. Default 0.1.
    /// </summary>
    public double LoadUncertainty { get; init; } = 0.1;

    /// <summary>
    /// Width of the beam search over sequences of optional moves (1 = greedy that can still look through a chain of
    /// moves). Default 16.
    /// </summary>
    public int SearchBeamWidth { get; init; } = 16;

    /// <summary>
    /// Live-migration link speed used to estimate migration time, bytes per second. Default 1.25e9 (10 Gbit/s).
    /// </summary>
    public double MigrationBandwidthBytesPerSecond { get; init; } = 1.25e9;

    /// <summary>Returns null when valid, else a message naming the field and the accepted range.</summary>
    public string? Validate()
    {
        static bool In(double v, double lo, double hi) => double.IsFinite(v) && v >= lo && v <= hi;
        return
            !In(CpuHighWatermark, 0.05, 1.0) ? "policy.cpuHighWatermark must be between 0.05 and 1.0"
            : !In(CpuClearMargin, 0, CpuHighWatermark) ? "policy.cpuClearMargin must be between 0 and policy.cpuHighWatermark"
            : !In(CpuCriticalPeak, CpuHighWatermark, 10) ? "policy.cpuCriticalPeak must be at least policy.cpuHighWatermark (and at most 10)"
            : !In(MemoryHighWatermark, 0.05, 1.0) ? "policy.memoryHighWatermark must be between 0.05 and 1.0"
            : !In(MemoryClearMargin, 0, MemoryHighWatermark) ? "policy.memoryClearMargin must be between 0 and policy.memoryHighWatermark"
            : !In(MemoryCriticalPeak, MemoryHighWatermark, 10) ? "policy.memoryCriticalPeak must be at least policy.memoryHighWatermark (and at most 10)"
            : !In(HeadroomEnterRatio, 0.1, 10) || !In(HeadroomClearRatio, 0, HeadroomEnterRatio) ? "policy.headroomEnterRatio must be 0.1..10 and policy.headroomClearRatio 0..headroomEnterRatio"
            : !In(StealPerVcpu, 0.001, 1) ? "policy.stealPerVcpu must be between 0.001 and 1"
            : !In(StealClearFactor, 0, 1) ? "policy.stealClearFactor must be between 0 and 1"
            : !In(StealCriticalFactor, 1, 100) ? "policy.stealCriticalFactor must be between 1 and 100"
            : SustainSteps is < 1 or > 1000 || ClearSteps is < 1 or > 1000 ? "policy.sustainSteps and policy.clearSteps must be integers from 1 to 1000"
            : !In(WillBeHotWarningHours, 0, 24 * 31) ? "policy.willBeHotWarningHours must be from 0 to 744"
            : MaxMigrations is < 0 or > 10_000 ? "policy.maxMigrations must be an integer from 0 to 10000"
            : HorizonHours is < 1 or > 24 * 31 ? "policy.horizonHours must be from 1 to 744"
            : !In(MinBenefit, 0, 1e6) ? "policy.minBenefit must be a non-negative number"
            : CooldownSeconds < 0 || ReverseMoveWindowSeconds < 0 ? "policy.cooldownSeconds and policy.reverseMoveWindowSeconds must not be negative"
            : !In(MemoryOvercommit, 0.1, 4.0) ? "policy.memoryOvercommit must be between 0.1 and 4.0"
            : !In(CostPerGiB, 0, 1e6) || !In(BalanceWeight, 0, 1e6) || !In(OverloadWeight, 0, 1e6) ? "policy.costPerGiB, policy.balanceWeight and policy.overloadWeight must be non-negative numbers"
            : !In(LoadUncertainty, 0, 1) ? "policy.loadUncertainty must be between 0 and 1"
            : SearchBeamWidth is < 1 or > 256 ? "policy.searchBeamWidth must be an integer from 1 to 256"
            : !In(MigrationBandwidthBytesPerSecond, 1e6, 1e12) ? "policy.migrationBandwidthBytesPerSecond must be between 1e6 and 1e12"
            : null;
    }
}
