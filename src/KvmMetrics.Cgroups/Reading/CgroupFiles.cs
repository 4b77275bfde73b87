namespace KvmMetrics.Cgroups.Reading;

/// <summary>The cgroup v2 file names this library reads (also the <c>file</c> label of the error self-metric).</summary>
public static class CgroupFiles
{
#pragma warning disable CS1591 // The constants are the kernel's file names; each documents itself.
    public const string CpuStat = "cpu.stat";
    public const string CpuMax = "cpu.max";
    public const string CpuWeight = "cpu.weight";
    public const string CpuPressure = "cpu.pressure";
    public const string MemoryCurrent = "memory.current";
    public const string MemoryPeak = "memory.peak";
    public const string MemoryMax = "memory.max";
    public const string MemoryHigh = "memory.high";
    public const string MemoryLow = "memory.low";
    public const string MemoryMin = "memory.min";
    public const string MemorySwapCurrent = "memory.swap.current";
    public const string MemorySwapMax = "memory.swap.max";
    public const string MemoryStat = "memory.stat";
    public const string MemoryEvents = "memory.events";
    public const string MemoryPressure = "memory.pressure";
    public const string IoStat = "io.stat";
    public const string IoMax = "io.max";
    public const string IoWeight = "io.weight";
    public const string IoPressure = "io.pressure";
    public const string PidsCurrent = "pids.current";
    public const string PidsMax = "pids.max";
#pragma warning restore CS1591

    /// <summary>Every file above, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        CpuStat, CpuMax, CpuWeight, CpuPressure,
        MemoryCurrent, MemoryPeak, MemoryMax, MemoryHigh, MemoryLow, MemoryMin, MemorySwapCurrent, MemorySwapMax,
        MemoryStat, MemoryEvents, MemoryPressure,
        IoStat, IoMax, IoWeight, IoPressure,
        PidsCurrent, PidsMax,
    ];
}
