namespace KvmMetrics.Libvirt;

/// <summary>
/// Statistics groups of <c>virConnectGetAllDomainStats</c>; the values are libvirt's
/// <c>virDomainStatsTypes</c> bits (libvirt-domain.h), so they pass to libvirt unchanged.
/// </summary>
[Flags]
public enum StatsGroups
{
    /// <summary>No group. libvirt treats 0 as "every group the driver supports".</summary>
    None = 0,

    /// <summary><c>VIR_DOMAIN_STATS_STATE</c>: <c>state.state</c>, <c>state.reason</c>.</summary>
    State = 1 << 0,

    /// <summary><c>VIR_DOMAIN_STATS_CPU_TOTAL</c>: <c>cpu.time</c>, <c>cpu.user</c>, <c>cpu.system</c>, <c>cpu.haltpoll.*</c>.</summary>
    CpuTotal = 1 << 1,

    /// <summary><c>VIR_DOMAIN_STATS_BALLOON</c>: <c>balloon.*</c>.</summary>
    Balloon = 1 << 2,

    /// <summary><c>VIR_DOMAIN_STATS_VCPU</c>: <c>vcpu.current</c>, <c>vcpu.maximum</c>, <c>vcpu.N.*</c>.</summary>
    Vcpu = 1 << 3,

    /// <summary><c>VIR_DOMAIN_STATS_INTERFACE</c>: <c>net.count</c>, <c>net.N.*</c>.</summary>
    Interface = 1 << 4,

    /// <summary><c>VIR_DOMAIN_STATS_BLOCK</c>: <c>block.count</c>, <c>block.N.*</c>.</summary>
    Block = 1 << 5,

    /// <summary><c>VIR_DOMAIN_STATS_PERF</c>: <c>perf.*</c>.</summary>
    Perf = 1 << 6,

    /// <summary><c>VIR_DOMAIN_STATS_IOTHREAD</c>: <c>iothread.count</c>, <c>iothread.N.*</c>.</summary>
    IoThread = 1 << 7,

    /// <summary><c>VIR_DOMAIN_STATS_MEMORY</c>: <c>memory.bandwidth.monitor.*</c>.</summary>
    Memory = 1 << 8,

    /// <summary><c>VIR_DOMAIN_STATS_DIRTYRATE</c>: <c>dirtyrate.*</c>.</summary>
    DirtyRate = 1 << 9,

    /// <summary><c>VIR_DOMAIN_STATS_VM</c> (libvirt 8.9+): <c>vm.*</c> KVM statistics.</summary>
    Vm = 1 << 10,

    /// <summary>Every group libvirt 9 offers.</summary>
    All = State | CpuTotal | Balloon | Vcpu | Interface | Block | Perf | IoThread | Memory | DirtyRate | Vm,
}
