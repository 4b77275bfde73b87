namespace KvmMetrics.Analysis.Capacity;

/// <summary>Capacity and right-sizing thresholds (defaults documented in docs/capacity.md).</summary>
public sealed record CapacityOptions
{
    /// <summary>Hosts held in reserve for failures and maintenance (N+1 = 1). Default 1.</summary>
    public int ReserveHosts { get; init; } = 1;

    /// <summary>Share of usable capacity that counts as full (room for peaks). Default 0.8.</summary>
    public double TargetUtilisation { get; init; } = 0.8;

    /// <summary>How far ahead time-until-full is searched, days. Default 365.</summary>
    public int HorizonDays { get; init; } = 365;

    /// <summary>vCPUs that may be allocated per physical core (Nova's initial_cpu_allocation_ratio is 4.0). Default 4.</summary>
    public double CpuAllocationRatio { get; init; } = 4.0;

    /// <summary>Memory that may be allocated per byte of host memory (Nova's initial_ram_allocation_ratio is 1.0). Default 1.</summary>
    public double MemoryAllocationRatio { get; init; } = 1.0;

    /// <summary>Disk that may be allocated per byte of host disk (Nova's initial_disk_allocation_ratio is 1.0). Default 1.</summary>
    public double DiskAllocationRatio { get; init; } = 1.0;

    /// <summary>Days from ordering hardware to having it in service; the order date is the earliest full date minus this. Default 60.</summary>
    public int LeadTimeDays { get; init; } = 60;

    /// <summary>Days a purchase should last after it arrives (at the upper growth). Default 180.</summary>
    public int CoverDays { get; init; } = 180;

    /// <summary>Days of history used for right-sizing (idle, oversized, undersized). Default 14.</summary>
    public int RightSizingDays { get; init; } = 14;

    /// <summary>A VM is idle when at least this share of its hours is below the idle thresholds. Default 0.9.</summary>
    public double IdleShare { get; init; } = 0.9;

    /// <summary>CPU below which an hour is idle, cores. Default 0.05.</summary>
    public double IdleCpuCores { get; init; } = 0.05;

    /// <summary>Disk and network throughput below which an hour is idle, bytes per second. Default 10 KiB/s.</summary>
    public double IdleIoBytesPerSecond { get; init; } = 10 * 1024;

    /// <summary>A VM is oversized when its p95 CPU is below this share of its vCPUs (or p95 memory of its allocation). Default 0.3.</summary>
    public double OversizedShare { get; init; } = 0.3;

    /// <summary>A VM is undersized when at least <see cref="UndersizedHoursShare"/> of its hours exceed this share of its vCPUs. Default 0.85.</summary>
    public double UndersizedShare { get; init; } = 0.85;

    /// <summary>Share of hours above <see cref="UndersizedShare"/> that makes a VM undersized. Default 0.2.</summary>
    public double UndersizedHoursShare { get; init; } = 0.2;

    /// <summary>Steal per vCPU above which a VM is undersized for its host (contention). Default 0.1.</summary>
    public double UndersizedStealPerVcpu { get; init; } = 0.1;

    /// <summary>Headroom over p95 when recommending a size. Default 1.25.</summary>
    public double SizingHeadroom { get; init; } = 1.25;

    /// <summary>Returns null when valid, else a message naming the field and the accepted range.</summary>
    public string? Validate()
    {
        static bool In(double v, double lo, double hi) => double.IsFinite(v) && v >= lo && v <= hi;
        if (ReserveHosts is < 0 or > 100)
        {
            return "capacity.reserveHosts must be from 0 to 100";
        }

        if (!In(TargetUtilisation, 0.1, 1.0))
        {
            return "capacity.targetUtilisation must be between 0.1 and 1.0";
        }

        if (HorizonDays is < 1 or > 3650 || RightSizingDays is < 1 or > 90)
        {
            return "capacity.horizonDays must be 1..3650 and capacity.rightSizingDays 1..90";
        }

        if (!In(CpuAllocationRatio, 0.1, 64) || !In(MemoryAllocationRatio, 0.1, 4) || !In(DiskAllocationRatio, 0.1, 16))
        {
            return "capacity.cpuAllocationRatio must be 0.1..64, memoryAllocationRatio 0.1..4 and diskAllocationRatio 0.1..16";
        }

        if (LeadTimeDays is < 0 or > 730 || CoverDays is < 1 or > 3650)
        {
            return "capacity.leadTimeDays must be 0..730 and capacity.coverDays 1..3650";
        }

        if (!In(IdleShare, 0, 1) || !In(OversizedShare, 0, 1) || !In(UndersizedShare, 0, 1) || !In(UndersizedHoursShare, 0, 1))
        {
            return "capacity shares (idleShare, oversizedShare, undersizedShare, undersizedHoursShare) must be between 0 and 1";
        }

        if (!In(IdleCpuCores, 0, 1e6) || !In(IdleIoBytesPerSecond, 0, 1e15) || !In(UndersizedStealPerVcpu, 0, 1))
        {
            return "capacity.idleCpuCores, idleIoBytesPerSecond and undersizedStealPerVcpu must be non-negative";
        }

        return !In(SizingHeadroom, 1, 10) ? "capacity.sizingHeadroom must be between 1 and 10" : null;
    }
}
