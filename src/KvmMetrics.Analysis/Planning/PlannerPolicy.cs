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
    /// (after the migration cost is subtracted). Default 0.5.
    /// </summary>
    public double MinBenefit { get; init; } = 0.5;

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

        return !In(MigrationBandwidthBytesPerSecond, 1e6, 1e12)
            ? "policy.migrationBandwidthBytesPerSecond must be between 1e6 and 1e12"
            : null;
    }
}
