namespace KvmMetrics.Analysis.Planning;

/// <summary>
/// Thresholds and limits of the planner. Defaults are documented in docs/planning.md; <see cref="Validate"/>
/// names the first bad field and its accepted range.
/// </summary>
public sealed record PlannerPolicy
{
    /// <summary>Host CPU load, as a fraction of its cores, above which an hour counts as hot. Default 0.8.</summary>
    public double CpuHighWatermark { get; init; } = 0.8;

    /// <summary>Maximum number of migrations in one plan, mandatory ones included. Default 5.</summary>
    public int MaxMigrations { get; init; } = 5;

    /// <summary>Hours of forecast the plan optimises for. Default 24.</summary>
    public int HorizonHours { get; init; } = 24;

    /// <summary>
    /// Minimum net benefit of an optional move, in expected hot host-hours avoided per day of horizon
    /// (after the migration cost is subtracted). In a sequence of moves that only pay off together, the sequence has to
    /// gain this much per move. Default 0.25.
    /// </summary>
    public double MinBenefit { get; init; } = 0.25;

    /// <summary>A VM migrated less than this long ago is not moved again (optional moves). Default 6 h.</summary>
    public long CooldownSeconds { get; init; } = 6 * 3600;

    /// <summary>A VM does not go back to the host it left within this window (optional moves). Default 48 h.</summary>
    public long ReverseMoveWindowSeconds { get; init; } = 48 * 3600;

    /// <summary>Allocated memory may reach this multiple of a host's memory (1.0 = no overcommit). Default 1.0.</summary>
    public double MemoryOvercommit { get; init; } = 1.0;

    /// <summary>Penalty per GiB transferred by a migration, in hot host-hours per day. Default 0.02.</summary>
    public double CostPerGiB { get; init; } = 0.02;

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
    /// deviation, instead of 1 when x is above the watermark and 0 otherwise. It makes the objective prefer margin
    /// under the watermark (forecasts from the last days miss busier weeks) and lets the search see progress on a host
    /// that one move cannot bring under the watermark. 0 = the plain scenario count. Default 0.1.
    /// </summary>
    public double LoadUncertainty { get; init; } = 0.1;

    /// <summary>
    /// Width of the beam search over sequences of optional moves: the planner keeps this many best partial
    /// sequences per depth, so it finds moves that only pay off together (two VMs off a host that one move cannot
    /// bring under the watermark). 1 is the plain greedy (best single move while it gains at least
    /// <see cref="MinBenefit"/>). Default 16.
    /// </summary>
    public int SearchBeamWidth { get; init; } = 16;

    /// <summary>Live-migration bandwidth used to estimate migration time, bytes per second. Default 1.25e9 (10 Gbit/s).</summary>
    public double MigrationBandwidthBytesPerSecond { get; init; } = 1.25e9;

    /// <summary>Returns null when valid, else a message naming the field and the accepted range.</summary>
    public string? Validate()
    {
        static bool In(double v, double lo, double hi) => double.IsFinite(v) && v >= lo && v <= hi;
        if (!In(CpuHighWatermark, 0.05, 1.0))
        {
            return "policy.cpuHighWatermark must be between 0.05 and 1.0";
        }

        if (MaxMigrations is < 0 or > 10_000)
        {
            return "policy.maxMigrations must be an integer from 0 to 10000";
        }

        if (HorizonHours is < 1 or > 24 * 31)
        {
            return "policy.horizonHours must be from 1 to 744";
        }

        if (!In(MinBenefit, 0, 1e6))
        {
            return "policy.minBenefit must be a non-negative number";
        }

        if (CooldownSeconds < 0 || ReverseMoveWindowSeconds < 0)
        {
            return "policy.cooldownSeconds and policy.reverseMoveWindowSeconds must not be negative";
        }

        if (!In(MemoryOvercommit, 0.1, 4.0))
        {
            return "policy.memoryOvercommit must be between 0.1 and 4.0";
        }

        if (!In(CostPerGiB, 0, 1e6) || !In(BalanceWeight, 0, 1e6) || !In(OverloadWeight, 0, 1e6))
        {
            return "policy.costPerGiB, policy.balanceWeight and policy.overloadWeight must be non-negative numbers";
        }

        if (!In(LoadUncertainty, 0, 1))
        {
            return "policy.loadUncertainty must be between 0 and 1";
        }

        if (SearchBeamWidth is < 1 or > 256)
        {
            return "policy.searchBeamWidth must be an integer from 1 to 256";
        }

        return !In(MigrationBandwidthBytesPerSecond, 1e6, 1e12)
            ? "policy.migrationBandwidthBytesPerSecond must be between 1e6 and 1e12"
            : null;
    }
}
