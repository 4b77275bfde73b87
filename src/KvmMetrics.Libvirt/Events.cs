namespace KvmMetrics.Libvirt;

/// <summary>libvirt's <c>virDomainEventType</c> (lifecycle events), plus <see cref="MetadataChanged"/> for
/// <c>VIR_DOMAIN_EVENT_ID_METADATA_CHANGE</c>.</summary>
public enum DomainLifecycleKind
{
    /// <summary><c>VIR_DOMAIN_EVENT_DEFINED</c>: defined or updated.</summary>
    Defined = 0,

    /// <summary><c>VIR_DOMAIN_EVENT_UNDEFINED</c>.</summary>
    Undefined = 1,

    /// <summary><c>VIR_DOMAIN_EVENT_STARTED</c>.</summary>
    Started = 2,

    /// <summary><c>VIR_DOMAIN_EVENT_SUSPENDED</c>.</summary>
    Suspended = 3,

    /// <summary><c>VIR_DOMAIN_EVENT_RESUMED</c>.</summary>
    Resumed = 4,

    /// <summary><c>VIR_DOMAIN_EVENT_STOPPED</c>.</summary>
    Stopped = 5,

    /// <summary><c>VIR_DOMAIN_EVENT_SHUTDOWN</c>.</summary>
    Shutdown = 6,

    /// <summary><c>VIR_DOMAIN_EVENT_PMSUSPENDED</c>.</summary>
    PmSuspended = 7,

    /// <summary><c>VIR_DOMAIN_EVENT_CRASHED</c>.</summary>
    Crashed = 8,

    /// <summary>Not a libvirt lifecycle value: the domain's metadata (title, description, or an element such
    /// as Nova's) changed; <see cref="DomainLifecycleEvent.Detail"/> is the <c>virDomainMetadataType</c>.</summary>
    MetadataChanged = 100,
}

/// <summary>A domain lifecycle or metadata event.</summary>
/// <param name="Uuid">The domain UUID.</param>
/// <param name="Name">The domain name.</param>
/// <param name="Id">The domain id at the time of the event (-1 when not running).</param>
/// <param name="Kind">What happened.</param>
/// <param name="Detail">libvirt's detail code for the kind (e.g. <c>VIR_DOMAIN_EVENT_STOPPED_DESTROYED</c> = 2).</param>
public sealed record DomainLifecycleEvent(string Uuid, string Name, int Id, DomainLifecycleKind Kind, int Detail);

/// <summary>The client's connection opened or closed.</summary>
/// <param name="Connected">The new state.</param>
/// <param name="Reason">Why (e.g. <c>keepalive timeout</c>, <c>end of file</c>, or the connect error).</param>
public sealed record ConnectionStateChanged(bool Connected, string Reason);
