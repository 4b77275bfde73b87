using KvmMetrics.Exposition;

namespace KvmMetrics.Exporter.Collectors.Cgroup;

/// <summary>
/// Every metric the cgroup collector emits, in one table (docs are generated from <see cref="All"/>).
/// Per-domain series carry <c>uuid</c> and <c>domain</c> first; values are in base units (seconds, bytes).
/// </summary>
public static class CgroupMetrics
{
    private const string P = "kvm_cgroup_";

    // Gauges
    public static readonly MetricDescriptor Found = G("found",
        "1 when the domain's cgroup v2 directory was found, 0 when not; reason is empty when found and otherwise one of no_cgroup2, no_scope, pid_unreadable, proc_unreadable, vanished.",
        "reason");

    public static readonly MetricDescriptor ScopeInfo = new(P + "scope_info", MetricType.Info,
        "The domain's cgroup directory relative to the cgroup2 mount, its layout (systemd, systemd_flat, cgroupfs) and whether it was found from the QEMU pid or libvirt's naming rules.",
        "uuid", "domain", "path", "layout", "resolved_by");

    public static readonly MetricDescriptor DomainFileErrors = G("domain_file_errors",
        "Number of the domain's cgroup files that exist but could not be read or parsed in this scrape; kvm_cgroup_file_errors_total names the files.");

    public static readonly MetricDescriptor FileErrors = new(P + "file_errors_total", MetricType.Counter,
        "Cgroup files that existed but were unreadable or malformed (empty, truncated, unexpected content), by file name, since the exporter started.",
        "file");

    public static readonly MetricDescriptor ScopeResolutions = new(P + "scope_resolutions_total", MetricType.Counter,
        "Lookups of a domain's cgroup directory (new domain, new domain id, vanished directory or retry after a miss); cached domains are not counted.");

    // cpu.stat, cpu.max, cpu.weight
    public static readonly MetricDescriptor CpuUsage = C("cpu_usage_seconds_total", "CPU time used by all of the domain's threads, from usage_usec in cpu.stat.");
    public static readonly MetricDescriptor CpuUser = C("cpu_user_seconds_total", "CPU time the domain's threads spent in user mode (guest code counts here), from user_usec in cpu.stat.");
    public static readonly MetricDescriptor CpuSystem = C("cpu_system_seconds_total", "CPU time the domain's threads spent in the host kernel, from system_usec in cpu.stat.");
    public static readonly MetricDescriptor CpuPeriods = C("cpu_periods_total", "Enforcement periods of the domain's CPU bandwidth limit that had runnable threads, from nr_periods in cpu.stat.");
    public static readonly MetricDescriptor CpuThrottledPeriods = C("cpu_throttled_periods_total", "Enforcement periods in which the domain was throttled by its CPU limit, from nr_throttled in cpu.stat.");
    public static readonly MetricDescriptor CpuThrottled = C("cpu_throttled_seconds_total", "Time the domain's threads were throttled by the CPU bandwidth limit, from throttled_usec in cpu.stat.");
    public static readonly MetricDescriptor CpuBursts = C("cpu_bursts_total", "Periods in which the domain used burst capacity beyond its quota, from nr_bursts in cpu.stat.");
    public static readonly MetricDescriptor CpuBurst = C("cpu_burst_seconds_total", "CPU time used beyond the quota thanks to cpu.max.burst, from burst_usec in cpu.stat.");
    public static readonly MetricDescriptor CpuMaxQuota = G("cpu_max_quota_seconds", "CPU time the domain may use per period, from the first field of cpu.max; +Inf when it is max (no limit).");
    public static readonly MetricDescriptor CpuMaxPeriod = G("cpu_max_period_seconds", "Length of the CPU bandwidth enforcement period, from the second field of cpu.max.");
    public static readonly MetricDescriptor CpuWeight = G("cpu_weight", "Relative CPU weight of the domain (1 to 10000, default 100), from cpu.weight.");

    // Per-thread split from the libvirt children
    public static readonly MetricDescriptor VcpuCpu = C("vcpu_cpu_seconds_total", "CPU time used by one vCPU thread, from usage_usec in the vcpuN/cpu.stat child cgroup.", "vcpu");
    public static readonly MetricDescriptor VcpuThrottled = C("vcpu_throttled_seconds_total", "Time one vCPU thread was throttled by its per-vCPU quota, from throttled_usec in vcpuN/cpu.stat.", "vcpu");
    public static readonly MetricDescriptor OverheadCpu = C("overhead_cpu_seconds_total",
        "CPU time used by QEMU outside the vCPUs (thread=emulator for the main loop and helpers, iothreadN for I/O threads), from usage_usec in that child's cpu.stat.", "thread");

    // memory.*
    public static readonly MetricDescriptor MemoryCurrent = G("memory_current_bytes", "Memory charged to the domain (guest RAM touched, QEMU heap, page cache, kernel), from memory.current.");
    public static readonly MetricDescriptor MemoryPeak = G("memory_peak_bytes", "Highest memory.current since the cgroup was created, from memory.peak.");
    public static readonly MetricDescriptor MemoryMax = G("memory_max_bytes", "Hard memory limit (OOM above it), from memory.max; +Inf when it is max.");
    public static readonly MetricDescriptor MemoryHigh = G("memory_high_bytes", "Memory throttling limit (reclaim pressure above it), from memory.high; +Inf when it is max.");
    public static readonly MetricDescriptor MemoryLow = G("memory_low_bytes", "Best-effort memory protection, from memory.low.");
    public static readonly MetricDescriptor MemoryMin = G("memory_min_bytes", "Hard memory protection, from memory.min.");
    public static readonly MetricDescriptor SwapCurrent = G("memory_swap_current_bytes", "Swap used by the domain, from memory.swap.current.");
    public static readonly MetricDescriptor SwapMax = G("memory_swap_max_bytes", "Swap limit, from memory.swap.max; +Inf when it is max.");
    public static readonly MetricDescriptor MemoryStat = G("memory_stat_bytes",
        "Memory of the domain by kind (anon, file, kernel, kernel_stack, pagetables, sec_pagetables for KVM's MMU, shmem, anon_thp, file_dirty, file_writeback, active_file, inactive_file, ...), from the byte fields of memory.stat.", "kind");
    public static readonly MetricDescriptor PageFaults = C("memory_page_faults_total", "Page faults (minor and major) of the domain's threads, from pgfault in memory.stat.");
    public static readonly MetricDescriptor MajorPageFaults = C("memory_major_page_faults_total", "Major page faults (needing I/O) of the domain's threads, from pgmajfault in memory.stat.");
    public static readonly MetricDescriptor WorkingsetRefaults = C("memory_workingset_refaults_total",
        "Refaults of previously evicted pages (thrashing), from workingset_refault_anon and workingset_refault_file in memory.stat.", "kind");
    public static readonly MetricDescriptor PagesScanned = C("memory_pages_scanned_total", "Pages scanned by reclaim in the domain's cgroup, from pgscan in memory.stat.");
    public static readonly MetricDescriptor PagesReclaimed = C("memory_pages_reclaimed_total", "Pages reclaimed from the domain's cgroup, from pgsteal in memory.stat.");
    public static readonly MetricDescriptor MemoryEvents = C("memory_events_total",
        "Memory events of the domain's cgroup and its children (low, high, max, oom, oom_kill, oom_group_kill), from memory.events.", "kind");

    // io.*
    public static readonly MetricDescriptor IoReadBytes = C("io_read_bytes_total", "Bytes the domain read from a host block device, from rbytes in io.stat; a stacked device (dm, md) and the disk below it both count the same I/O.", "device");
    public static readonly MetricDescriptor IoWrittenBytes = C("io_written_bytes_total", "Bytes the domain wrote to a host block device, from wbytes in io.stat; a stacked device (dm, md) and the disk below it both count the same I/O.", "device");
    public static readonly MetricDescriptor IoReads = C("io_reads_total", "Read requests the domain issued to a host block device, from rios in io.stat.", "device");
    public static readonly MetricDescriptor IoWrites = C("io_writes_total", "Write requests the domain issued to a host block device, from wios in io.stat.", "device");
    public static readonly MetricDescriptor IoDiscardedBytes = C("io_discarded_bytes_total", "Bytes the domain discarded on a host block device, from dbytes in io.stat.", "device");
    public static readonly MetricDescriptor IoDiscards = C("io_discards_total", "Discard requests the domain issued to a host block device, from dios in io.stat.", "device");
    public static readonly MetricDescriptor IoMaxBytes = G("io_max_bytes_per_second",
        "I/O bandwidth limit on a host block device by direction (read, write), from rbps and wbps in io.max; +Inf when it is max.", "device", "direction");
    public static readonly MetricDescriptor IoMaxIops = G("io_max_iops",
        "I/O operations per second limit on a host block device by direction (read, write), from riops and wiops in io.max; +Inf when it is max.", "device", "direction");
    public static readonly MetricDescriptor IoWeight = G("io_weight",
        "Proportional I/O weight of the domain (1 to 10000), from io.weight; device=\"default\" is the default line, other devices are overrides.", "device");

    // PSI
    public static readonly MetricDescriptor CpuPressure = C("cpu_pressure_seconds_total",
        "Time some (kind=some) or all (kind=full) of the domain's runnable threads waited for a CPU, from total= in cpu.pressure.", "kind");
    public static readonly MetricDescriptor MemoryPressure = C("memory_pressure_seconds_total",
        "Time some (kind=some) or all (kind=full) of the domain's threads were stalled on memory (reclaim, refaults), from total= in memory.pressure.", "kind");
    public static readonly MetricDescriptor IoPressure = C("io_pressure_seconds_total",
        "Time some (kind=some) or all (kind=full) of the domain's threads were stalled on I/O, from total= in io.pressure.", "kind");

    // pids.*
    public static readonly MetricDescriptor PidsCurrent = G("pids_current", "Number of tasks (threads) in the domain's cgroup, from pids.current.");
    public static readonly MetricDescriptor PidsMax = G("pids_max", "Limit on the number of tasks in the domain's cgroup, from pids.max; +Inf when it is max.");

    /// <summary>The byte fields of memory.stat exported as <c>kvm_cgroup_memory_stat_bytes{kind}</c> (a fixed list, so a new kernel adds no unreviewed series).</summary>
    public static IReadOnlyList<string> MemoryStatByteKinds { get; } =
    [
        "anon", "file", "kernel", "kernel_stack", "pagetables", "sec_pagetables", "percpu", "sock", "vmalloc", "shmem",
        "zswap", "zswapped", "file_mapped", "file_dirty", "file_writeback", "swapcached", "anon_thp", "file_thp", "shmem_thp",
        "inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable", "slab_reclaimable", "slab_unreclaimable",
    ];

    /// <summary>Every descriptor above, in declaration order.</summary>
    public static IReadOnlyList<MetricDescriptor> All { get; } =
    [
        Found, ScopeInfo, DomainFileErrors, FileErrors, ScopeResolutions,
        CpuUsage, CpuUser, CpuSystem, CpuPeriods, CpuThrottledPeriods, CpuThrottled, CpuBursts, CpuBurst, CpuMaxQuota, CpuMaxPeriod, CpuWeight,
        VcpuCpu, VcpuThrottled, OverheadCpu,
        MemoryCurrent, MemoryPeak, MemoryMax, MemoryHigh, MemoryLow, MemoryMin, SwapCurrent, SwapMax,
        MemoryStat, PageFaults, MajorPageFaults, WorkingsetRefaults, PagesScanned, PagesReclaimed, MemoryEvents,
        IoReadBytes, IoWrittenBytes, IoReads, IoWrites, IoDiscardedBytes, IoDiscards, IoMaxBytes, IoMaxIops, IoWeight,
        CpuPressure, MemoryPressure, IoPressure,
        PidsCurrent, PidsMax,
    ];

    private static MetricDescriptor G(string name, string help, params string[] extra) =>
        new(P + name, MetricType.Gauge, help, ["uuid", "domain", .. extra]);

    private static MetricDescriptor C(string name, string help, params string[] extra) =>
        new(P + name, MetricType.Counter, help, ["uuid", "domain", .. extra]);
}
