namespace KvmMetrics.Libvirt;

/// <summary>
/// A persistent, read-only, thread-safe libvirt connection. Every call connects (or reconnects, with
/// backoff) on demand, runs the native call off the caller's thread, and honours its cancellation token by
/// abandoning the wait: a hung libvirtd never blocks a caller past its deadline.
/// </summary>
public interface ILibvirtClient : IDisposable
{
    /// <summary>True while a connection is open and libvirt considers it alive.</summary>
    bool IsConnected { get; }

    /// <summary>Statistics of every domain (running and inactive: inactive ones report only what libvirt has,
    /// e.g. <c>state.*</c>), fetched with <c>VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT</c> so a domain
    /// holding a job lock (migration, shutdown) never stalls the call. With <see cref="LibvirtOptions.ParallelChunks"/>
    /// above 1 the domain list is split into chunks fetched concurrently.</summary>
    /// <exception cref="LibvirtException">libvirt failed or is unreachable.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    Task<IReadOnlyList<DomainStats>> GetAllDomainStatsAsync(StatsGroups groups, CancellationToken ct);

    /// <summary>Statistics of the given domains (<c>virDomainListGetStats</c>); unknown or vanished UUIDs are skipped.</summary>
    Task<IReadOnlyList<DomainStats>> GetDomainStatsAsync(IReadOnlyList<string> uuids, StatsGroups groups, CancellationToken ct);

    /// <summary>Host facts: versions, CPUs, memory.</summary>
    Task<HostInfo> GetHostInfoAsync(CancellationToken ct);

    /// <summary>The domain's description parsed from its live XML (no secure flags: read-only connections cannot).</summary>
    /// <exception cref="LibvirtException">With <see cref="LibvirtErrorCodes.NoDomain"/> when the domain does not exist; with code 0
    /// when the XML cannot be parsed.</exception>
    Task<DomainDescription> GetDomainDescriptionAsync(string uuid, CancellationToken ct);

    /// <summary>Domain lifecycle events (and metadata changes), raised on a background thread in the order libvirt sent them.</summary>
    event EventHandler<DomainLifecycleEvent>? DomainLifecycle;

    /// <summary>Connection opened or lost, raised on a background thread.</summary>
    event EventHandler<ConnectionStateChanged>? ConnectionChanged;
}
