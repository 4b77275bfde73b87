using KvmMetrics.Exposition;

namespace KvmMetrics.Exporter.Collectors.Libvirt;

/// <summary>
/// The metric families of the <c>domain</c> collector and the table mapping libvirt's flat statistic
/// names (libvirt 9, <c>virConnectGetAllDomainStats</c>) to them, with the factor to base units.
/// Fields not in the table are exported generically (<see cref="UnknownStat"/>), so every numeric
/// statistic of a newer libvirt still reaches Prometheus.
/// </summary>
public static class DomainMetrics
{
    private const double Nanoseconds = 1e-9;
    private const double KiB = 1024;
    private const double MiB = 1024 * 1024;

    private static readonly string[] Id = ["uuid", "domain"];
    private static readonly string[] Vcpu = ["uuid", "domain", "vcpu"];
    private static readonly string[] Device = ["uuid", "domain", "device"];

    /// <summary>Domains by state (after the include/exclude filters).</summary>
    public static readonly MetricDescriptor DomainsByState = new("kvm_domains", MetricType.Gauge,
        "Number of libvirt domains by state (state.state), after the domain filters.", "state");

    /// <summary>One series per state and domain, 1 for the current state.</summary>
    public static readonly MetricDescriptor State = new("kvm_domain_state", MetricType.Gauge,
        "1 for the domain's current libvirt state (state.state), 0 for the other states.", "uuid", "domain", "state");

    /// <summary>The state reason code.</summary>
    public static readonly MetricDescriptor StateReason = new("kvm_domain_state_reason", MetricType.Gauge,
        "Reason code of the current state (state.reason; meaning depends on the state, see virDomain*Reason).", Id);

    /// <summary>Generic family for numeric fields not in the table.</summary>
    public static readonly MetricDescriptor UnknownStat = new("kvm_domain_stat", MetricType.Untyped,
        "A numeric libvirt domain statistic this exporter has no specific family for, by its sanitised field name (stat); unit and type as libvirt reports them.",
        "uuid", "domain", "stat");

    /// <summary>Per-vCPU KVM statistics (vm group, libvirt 8.9+), cumulative.</summary>
    public static readonly MetricDescriptor VcpuKvmCounter = new("kvm_domain_vcpu_kvm_stat_total", MetricType.Counter,
        "A cumulative KVM per-vCPU statistic (vcpu.N.<stat> from QEMU query-stats); names ending in _ns are converted to _seconds.", "uuid", "domain", "vcpu", "stat");

    /// <summary>Per-vCPU KVM statistics, instantaneous or peak.</summary>
    public static readonly MetricDescriptor VcpuKvmGauge = new("kvm_domain_vcpu_kvm_stat", MetricType.Gauge,
        "An instantaneous or peak KVM per-vCPU statistic (vcpu.N.<stat> from QEMU query-stats).", "uuid", "domain", "vcpu", "stat");

    /// <summary>VM-wide KVM statistics, cumulative.</summary>
    public static readonly MetricDescriptor VmKvmCounter = new("kvm_domain_vm_kvm_stat_total", MetricType.Counter,
        "A cumulative KVM VM-wide statistic (vm.<stat> from QEMU query-stats); names ending in _ns are converted to _seconds.", "uuid", "domain", "stat");

    /// <summary>VM-wide KVM statistics, instantaneous or peak.</summary>
    public static readonly MetricDescriptor VmKvmGauge = new("kvm_domain_vm_kvm_stat", MetricType.Gauge,
        "An instantaneous or peak KVM VM-wide statistic (vm.<stat> from QEMU query-stats).", "uuid", "domain", "stat");

    /// <summary>Block device descriptive series.</summary>
    public static readonly MetricDescriptor BlockInfo = new("kvm_domain_block_info", MetricType.Info,
        "Block device of a domain: target name (block.N.name) and source path (block.N.path); cdroms and floppies are not exported.", "uuid", "domain", "device", "path");

    /// <summary>Interface descriptive series.</summary>
    public static readonly MetricDescriptor InterfaceInfo = new("kvm_domain_interface_info", MetricType.Info,
        "Network interface of a domain: host-side target name (net.N.name).", Device);

    /// <summary>Dirty-rate calculation mode.</summary>
    public static readonly MetricDescriptor DirtyRateInfo = new("kvm_domain_dirtyrate_info", MetricType.Info,
        "Mode of the last dirty page rate calculation (dirtyrate.calc_mode).", "uuid", "domain", "calc_mode");

    /// <summary>Per-vCPU dirty rate.</summary>
    public static readonly MetricDescriptor DirtyRateVcpu = new("kvm_domain_dirtyrate_vcpu_bytes_per_second", MetricType.Gauge,
        "Memory dirty rate of one vCPU from the last calculation (dirtyrate.vcpu.N.megabytes_per_second, converted from MiB/s).", Vcpu);

    /// <summary>Cache monitor bytes per bank.</summary>
    public static readonly MetricDescriptor CacheMonitorBytes = new("kvm_domain_cpu_cache_monitor_bytes", MetricType.Gauge,
        "Last-level cache occupancy of a resctrl cache monitor per cache bank (cpu.cache.monitor.N.bank.M.bytes).", "uuid", "domain", "monitor", "bank");

    /// <summary>Memory bandwidth monitor, total.</summary>
    public static readonly MetricDescriptor MemoryBandwidthTotal = new("kvm_domain_memory_bandwidth_total_bytes_total", MetricType.Counter,
        "Memory bandwidth used by the monitored vCPUs on a NUMA node, all sources (memory.bandwidth.monitor.N.node.M.bytes.total).", "uuid", "domain", "monitor", "node");

    /// <summary>Memory bandwidth monitor, local.</summary>
    public static readonly MetricDescriptor MemoryBandwidthLocal = new("kvm_domain_memory_bandwidth_local_bytes_total", MetricType.Counter,
        "Memory bandwidth used by the monitored vCPUs on a NUMA node, local accesses (memory.bandwidth.monitor.N.node.M.bytes.local).", "uuid", "domain", "monitor", "node");

    /// <summary>Plain (non-indexed) fields: libvirt name → family and factor.</summary>
    public static IReadOnlyDictionary<string, FieldMapping> Plain { get; } = BuildPlain();

    /// <summary>Per-vCPU fields (<c>vcpu.N.rest</c>) by rest.</summary>
    public static IReadOnlyDictionary<string, FieldMapping> PerVcpu { get; } = new Dictionary<string, FieldMapping>(StringComparer.Ordinal)
    {
        ["state"] = G("kvm_domain_vcpu_state", "State of the vCPU (vcpu.N.state: 0 offline, 1 running, 2 blocked).", Vcpu),
        ["time"] = C("kvm_domain_vcpu_time_seconds_total", "CPU time spent by the vCPU thread (vcpu.N.time).", Vcpu, Nanoseconds),
        ["wait"] = C("kvm_domain_vcpu_wait_seconds_total", "Time the vCPU wanted to run but was waiting on I/O (vcpu.N.wait).", Vcpu, Nanoseconds),
        ["halted"] = G("kvm_domain_vcpu_halted", "1 when the vCPU is halted by the guest (vcpu.N.halted).", Vcpu),
        ["delay"] = C("kvm_domain_vcpu_delay_seconds_total", "Time the vCPU thread was runnable but waiting for a host CPU: steal time as the guest sees it (vcpu.N.delay, from schedstat).", Vcpu, Nanoseconds),
    };

    /// <summary>Per-block-device fields (<c>block.N.rest</c>) by rest; <c>name</c>, <c>path</c> and <c>backingIndex</c> are labels.</summary>
    public static IReadOnlyDictionary<string, FieldMapping> PerBlock { get; } = new Dictionary<string, FieldMapping>(StringComparer.Ordinal)
    {
        ["rd.reqs"] = C("kvm_domain_block_read_requests_total", "Read requests completed (block.N.rd.reqs).", Device),
        ["rd.bytes"] = C("kvm_domain_block_read_bytes_total", "Bytes read (block.N.rd.bytes).", Device),
        ["rd.times"] = C("kvm_domain_block_read_time_seconds_total", "Total time spent on reads (block.N.rd.times).", Device, Nanoseconds),
        ["wr.reqs"] = C("kvm_domain_block_write_requests_total", "Write requests completed (block.N.wr.reqs).", Device),
        ["wr.bytes"] = C("kvm_domain_block_write_bytes_total", "Bytes written (block.N.wr.bytes).", Device),
        ["wr.times"] = C("kvm_domain_block_write_time_seconds_total", "Total time spent on writes (block.N.wr.times).", Device, Nanoseconds),
        ["fl.reqs"] = C("kvm_domain_block_flush_requests_total", "Flush requests completed (block.N.fl.reqs).", Device),
        ["fl.times"] = C("kvm_domain_block_flush_time_seconds_total", "Total time spent on flushes (block.N.fl.times).", Device, Nanoseconds),
        ["errors"] = C("kvm_domain_block_errors_total", "I/O errors reported by the hypervisor (block.N.errors).", Device),
        ["allocation"] = G("kvm_domain_block_allocation_bytes", "Highest allocated offset of the image: bytes used on the host (block.N.allocation).", Device),
        ["capacity"] = G("kvm_domain_block_capacity_bytes", "Logical size of the disk as the guest sees it (block.N.capacity).", Device),
        ["physical"] = G("kvm_domain_block_physical_bytes", "Physical size of the image file or device on the host (block.N.physical).", Device),
        ["threshold"] = G("kvm_domain_block_threshold_bytes", "Write threshold configured for the disk (block.N.threshold).", Device),
    };

    /// <summary>Per-interface fields (<c>net.N.rest</c>) by rest; <c>name</c> is the label.</summary>
    public static IReadOnlyDictionary<string, FieldMapping> PerInterface { get; } = new Dictionary<string, FieldMapping>(StringComparer.Ordinal)
    {
        ["rx.bytes"] = C("kvm_domain_interface_receive_bytes_total", "Bytes received by the guest (net.N.rx.bytes).", Device),
        ["rx.pkts"] = C("kvm_domain_interface_receive_packets_total", "Packets received by the guest (net.N.rx.pkts).", Device),
        ["rx.errs"] = C("kvm_domain_interface_receive_errors_total", "Receive errors (net.N.rx.errs).", Device),
        ["rx.drop"] = C("kvm_domain_interface_receive_drops_total", "Received packets dropped (net.N.rx.drop).", Device),
        ["tx.bytes"] = C("kvm_domain_interface_transmit_bytes_total", "Bytes transmitted by the guest (net.N.tx.bytes).", Device),
        ["tx.pkts"] = C("kvm_domain_interface_transmit_packets_total", "Packets transmitted by the guest (net.N.tx.pkts).", Device),
        ["tx.errs"] = C("kvm_domain_interface_transmit_errors_total", "Transmit errors (net.N.tx.errs).", Device),
        ["tx.drop"] = C("kvm_domain_interface_transmit_drops_total", "Transmitted packets dropped (net.N.tx.drop).", Device),
    };

    /// <summary>Per-I/O-thread fields (<c>iothread.N.rest</c>, N the iothread id) by rest.</summary>
    public static IReadOnlyDictionary<string, FieldMapping> PerIoThread { get; } = new Dictionary<string, FieldMapping>(StringComparer.Ordinal)
    {
        ["poll-max-ns"] = G("kvm_domain_iothread_poll_max_seconds", "Maximum polling time of the I/O thread (iothread.N.poll-max-ns); 0 means polling is disabled.", ["uuid", "domain", "iothread"], Nanoseconds),
        ["poll-grow"] = G("kvm_domain_iothread_poll_grow", "Factor by which the I/O thread's polling time grows (iothread.N.poll-grow).", ["uuid", "domain", "iothread"]),
        ["poll-shrink"] = G("kvm_domain_iothread_poll_shrink", "Divisor by which the I/O thread's polling time shrinks (iothread.N.poll-shrink).", ["uuid", "domain", "iothread"]),
    };

    /// <summary>KVM statistics (vcpu.N.x and vm.x) that are instantaneous or peak values rather than counters.</summary>
    public static IReadOnlySet<string> KvmGaugeStats { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "guest_mode", "blocking", "mmu_unsync", "pages_4k", "pages_2m", "pages_1g", "nx_lpage_splits", "lpages", "pages",
    };

    /// <summary>Every family of the domain collector, for the metric reference.</summary>
    public static IEnumerable<MetricDescriptor> All =>
        new[] { DomainsByState, State, StateReason, UnknownStat, VcpuKvmCounter, VcpuKvmGauge, VmKvmCounter, VmKvmGauge, BlockInfo, InterfaceInfo,
                DirtyRateInfo, DirtyRateVcpu, CacheMonitorBytes, MemoryBandwidthTotal, MemoryBandwidthLocal }
            .Concat(Plain.Values.Select(m => m.Metric))
            .Concat(PerVcpu.Values.Select(m => m.Metric))
            .Concat(PerBlock.Values.Select(m => m.Metric))
            .Concat(PerInterface.Values.Select(m => m.Metric))
            .Concat(PerIoThread.Values.Select(m => m.Metric))
            .Distinct();

    private static Dictionary<string, FieldMapping> BuildPlain()
    {
        var d = new Dictionary<string, FieldMapping>(StringComparer.Ordinal)
        {
            // cpu-total
            ["cpu.time"] = C("kvm_domain_cpu_time_seconds_total", "Total CPU time used by the domain: vCPUs and QEMU threads (cpu.time).", Id, Nanoseconds),
            ["cpu.user"] = C("kvm_domain_cpu_user_seconds_total", "User-mode CPU time of the domain's QEMU process (cpu.user).", Id, Nanoseconds),
            ["cpu.system"] = C("kvm_domain_cpu_system_seconds_total", "Kernel-mode CPU time of the domain's QEMU process (cpu.system).", Id, Nanoseconds),
            ["cpu.haltpoll.success.time"] = C("kvm_domain_cpu_haltpoll_success_seconds_total", "CPU time spent in successful halt polling (cpu.haltpoll.success.time).", Id, Nanoseconds),
            ["cpu.haltpoll.fail.time"] = C("kvm_domain_cpu_haltpoll_fail_seconds_total", "CPU time spent in failed halt polling (cpu.haltpoll.fail.time).", Id, Nanoseconds),
            ["cpu.cache.monitor.count"] = G("kvm_domain_cpu_cache_monitors", "Number of resctrl cache monitors of the domain (cpu.cache.monitor.count).", Id),

            // balloon (libvirt reports KiB)
            ["balloon.current"] = G("kvm_domain_balloon_current_bytes", "Memory currently assigned to the guest by the balloon (balloon.current).", Id, KiB),
            ["balloon.maximum"] = G("kvm_domain_balloon_maximum_bytes", "Maximum memory the balloon may assign (balloon.maximum).", Id, KiB),
            ["balloon.swap_in"] = C("kvm_domain_balloon_swap_in_bytes_total", "Memory swapped in by the guest (balloon.swap_in).", Id, KiB),
            ["balloon.swap_out"] = C("kvm_domain_balloon_swap_out_bytes_total", "Memory swapped out by the guest (balloon.swap_out).", Id, KiB),
            ["balloon.major_fault"] = C("kvm_domain_balloon_major_faults_total", "Major page faults in the guest (balloon.major_fault).", Id),
            ["balloon.minor_fault"] = C("kvm_domain_balloon_minor_faults_total", "Minor page faults in the guest (balloon.minor_fault).", Id),
            ["balloon.unused"] = G("kvm_domain_balloon_unused_bytes", "Memory the guest leaves completely unused (balloon.unused).", Id, KiB),
            ["balloon.available"] = G("kvm_domain_balloon_available_bytes", "Memory usable by the guest as it reports it (balloon.available).", Id, KiB),
            ["balloon.rss"] = G("kvm_domain_balloon_rss_bytes", "Resident set size of the domain's QEMU process on the host (balloon.rss).", Id, KiB),
            ["balloon.usable"] = G("kvm_domain_balloon_usable_bytes", "Memory the guest could use without swapping (balloon.usable).", Id, KiB),
            ["balloon.last-update"] = G("kvm_domain_balloon_last_update_timestamp_seconds", "When the guest last updated its balloon statistics, Unix time (balloon.last-update).", Id),
            ["balloon.disk_caches"] = G("kvm_domain_balloon_disk_caches_bytes", "Guest memory used by disk caches (balloon.disk_caches).", Id, KiB),
            ["balloon.hugetlb_pgalloc"] = C("kvm_domain_balloon_hugetlb_page_allocations_total", "Successful huge page allocations in the guest (balloon.hugetlb_pgalloc).", Id),
            ["balloon.hugetlb_pgfail"] = C("kvm_domain_balloon_hugetlb_page_failures_total", "Failed huge page allocations in the guest (balloon.hugetlb_pgfail).", Id),

            // vcpu
            ["vcpu.current"] = G("kvm_domain_vcpus_current", "vCPUs currently online (vcpu.current).", Id),
            ["vcpu.maximum"] = G("kvm_domain_vcpus_maximum", "Maximum vCPUs of the domain (vcpu.maximum).", Id),

            // interface, block, iothread counts
            ["net.count"] = G("kvm_domain_interfaces", "Network interfaces of the domain (net.count).", Id),
            ["block.count"] = G("kvm_domain_block_devices", "Block devices reported by libvirt, cdroms included (block.count).", Id),
            ["iothread.count"] = G("kvm_domain_iothreads", "I/O threads of the domain (iothread.count).", Id),

            // perf (perf events must be enabled in the domain XML)
            ["perf.cmt"] = G("kvm_domain_perf_cache_occupancy_bytes", "Last-level cache used by the domain (perf.cmt).", Id),
            ["perf.mbmt"] = G("kvm_domain_perf_memory_bandwidth_total_bytes_per_second", "Total memory bandwidth used by the domain (perf.mbmt).", Id),
            ["perf.mbml"] = G("kvm_domain_perf_memory_bandwidth_local_bytes_per_second", "Local memory bandwidth used by the domain (perf.mbml).", Id),
            ["perf.cpu_clock"] = C("kvm_domain_perf_cpu_clock_seconds_total", "CPU clock time of the domain (perf.cpu_clock).", Id, Nanoseconds),
            ["perf.task_clock"] = C("kvm_domain_perf_task_clock_seconds_total", "Task clock time of the domain (perf.task_clock).", Id, Nanoseconds),

            // memory bandwidth monitors
            ["memory.bandwidth.monitor.count"] = G("kvm_domain_memory_bandwidth_monitors", "Number of memory bandwidth monitors (memory.bandwidth.monitor.count).", Id),

            // dirtyrate
            ["dirtyrate.calc_status"] = G("kvm_domain_dirtyrate_calc_status", "Status of the dirty page rate calculation (dirtyrate.calc_status: 0 unstarted, 1 measuring, 2 measured).", Id),
            ["dirtyrate.calc_start_time"] = G("kvm_domain_dirtyrate_calc_start_time_seconds", "Start time of the last dirty page rate calculation (dirtyrate.calc_start_time).", Id),
            ["dirtyrate.calc_period"] = G("kvm_domain_dirtyrate_calc_period_seconds", "Period of the last dirty page rate calculation (dirtyrate.calc_period).", Id),
            ["dirtyrate.megabytes_per_second"] = G("kvm_domain_dirtyrate_bytes_per_second", "Memory dirty rate from the last calculation (dirtyrate.megabytes_per_second, converted from MiB/s).", Id, MiB),
        };

        foreach (var (field, name, help) in new[]
                 {
                     ("cpu_cycles", "cpu_cycles", "CPU cycles"), ("instructions", "instructions", "instructions retired"),
                     ("cache_references", "cache_references", "cache references"), ("cache_misses", "cache_misses", "cache misses"),
                     ("branch_instructions", "branch_instructions", "branch instructions"), ("branch_misses", "branch_misses", "branch misses"),
                     ("bus_cycles", "bus_cycles", "bus cycles"), ("stalled_cycles_frontend", "stalled_cycles_frontend", "stalled frontend cycles"),
                     ("stalled_cycles_backend", "stalled_cycles_backend", "stalled backend cycles"), ("ref_cpu_cycles", "ref_cpu_cycles", "reference CPU cycles"),
                     ("page_faults", "page_faults", "page faults"), ("context_switches", "context_switches", "context switches"),
                     ("cpu_migrations", "cpu_migrations", "CPU migrations"), ("page_faults_min", "minor_page_faults", "minor page faults"),
                     ("page_faults_maj", "major_page_faults", "major page faults"), ("alignment_faults", "alignment_faults", "alignment faults"),
                     ("emulation_faults", "emulation_faults", "emulation faults"),
                 })
        {
            d["perf." + field] = C($"kvm_domain_perf_{name}_total", $"Perf event count of {help} by the domain (perf.{field}).", Id);
        }

        return d;
    }

    private static FieldMapping G(string name, string help, string[] labels, double factor = 1) =>
        new(new MetricDescriptor(name, MetricType.Gauge, help, labels), factor);

    private static FieldMapping C(string name, string help, string[] labels, double factor = 1) =>
        new(new MetricDescriptor(name, MetricType.Counter, help, labels), factor);
}

/// <summary>A libvirt field's family and the factor that converts its value to base units.</summary>
/// <param name="Metric">The family.</param>
/// <param name="Factor">Multiplier to seconds / bytes (1e-9 for nanoseconds, 1024 for KiB).</param>
public sealed record FieldMapping(MetricDescriptor Metric, double Factor);
