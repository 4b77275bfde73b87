using KvmMetrics.Analysis.Policy;

namespace KvmMetrics.Analysis.Planning;

/// <summary>
/// Pre-copy live-migration cost: all guest memory is sent once, then pages dirtied meanwhile are re-sent;
/// with a dirty ratio d per round the total is about M / (1 - d). The dirty ratio is proxied by CPU
/// utilisation (a busy guest writes more memory); it is capped so the estimate stays finite, as QEMU's
/// auto-converge throttles such guests.
/// </summary>
public static class MigrationCostModel
{
    /// <summary>Highest dirty ratio assumed.</summary>
    public const double MaxDirtyRatio = 0.8;

    /// <summary>Estimates the cost of migrating a VM.</summary>
    /// <param name="memoryBytes">Memory to copy.</param>
    /// <param name="cpuUtilisation">Median forecast CPU / vCPUs, in [0, 1].</param>
    /// <param name="policy">Bandwidth and cost weight.</param>
    public static MigrationCost Estimate(long memoryBytes, double cpuUtilisation, ClusterPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var util = double.IsFinite(cpuUtilisation) ? Math.Clamp(cpuUtilisation, 0, 1) : 1;
        var dirty = Math.Min(MaxDirtyRatio, 0.1 + (0.7 * util));
        var transfer = (long)(Math.Max(0, memoryBytes) / (1 - dirty));
        var seconds = transfer / policy.MigrationBandwidthBytesPerSecond;
        var penalty = policy.CostPerGiB * transfer / (1024.0 * 1024 * 1024);
        return new MigrationCost(memoryBytes, Math.Round(dirty, 4), transfer, Math.Round(seconds, 2), Math.Round(penalty, 4));
    }
}
