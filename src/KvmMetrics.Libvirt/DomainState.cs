namespace KvmMetrics.Libvirt;

/// <summary>A domain's state, libvirt's <c>virDomainState</c> (the value of <c>state.state</c>).</summary>
public enum DomainState
{
    /// <summary><c>VIR_DOMAIN_NOSTATE</c>.</summary>
    NoState = 0,

    /// <summary><c>VIR_DOMAIN_RUNNING</c>.</summary>
    Running = 1,

    /// <summary><c>VIR_DOMAIN_BLOCKED</c>: blocked on a resource.</summary>
    Blocked = 2,

    /// <summary><c>VIR_DOMAIN_PAUSED</c>: paused by the user (or migration, I/O error, ...).</summary>
    Paused = 3,

    /// <summary><c>VIR_DOMAIN_SHUTDOWN</c>: being shut down.</summary>
    Shutdown = 4,

    /// <summary><c>VIR_DOMAIN_SHUTOFF</c>: not running (also every inactive defined domain).</summary>
    Shutoff = 5,

    /// <summary><c>VIR_DOMAIN_CRASHED</c>.</summary>
    Crashed = 6,

    /// <summary><c>VIR_DOMAIN_PMSUSPENDED</c>: suspended by guest power management.</summary>
    PmSuspended = 7,
}
