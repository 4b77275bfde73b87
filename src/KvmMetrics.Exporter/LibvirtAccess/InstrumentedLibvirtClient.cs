using KvmMetrics.Libvirt;

namespace KvmMetrics.Exporter.LibvirtAccess;

/// <summary>
/// Decorates an <see cref="ILibvirtClient"/> with call accounting (<see cref="LibvirtCallStats"/>): every
/// call is timed and its failure counted by libvirt error code. Owns the inner client.
/// </summary>
public sealed class InstrumentedLibvirtClient(ILibvirtClient inner, LibvirtCallStats stats, TimeProvider time) : ILibvirtClient
{
    /// <inheritdoc />
    public event EventHandler<DomainLifecycleEvent>? DomainLifecycle
    {
        add => inner.DomainLifecycle += value;
        remove => inner.DomainLifecycle -= value;
    }

    /// <inheritdoc />
    public event EventHandler<ConnectionStateChanged>? ConnectionChanged
    {
        add => inner.ConnectionChanged += value;
        remove => inner.ConnectionChanged -= value;
    }

    /// <inheritdoc />
    public bool IsConnected => inner.IsConnected;

    /// <inheritdoc />
    public Task<IReadOnlyList<DomainStats>> GetAllDomainStatsAsync(StatsGroups groups, CancellationToken ct) =>
        StatsCall("GetAllDomainStats", () => inner.GetAllDomainStatsAsync(groups, ct), ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<DomainStats>> GetDomainStatsAsync(IReadOnlyList<string> uuids, StatsGroups groups, CancellationToken ct) =>
        StatsCall("GetDomainStats", () => inner.GetDomainStatsAsync(uuids, groups, ct), ct);

    /// <inheritdoc />
    public Task<HostInfo> GetHostInfoAsync(CancellationToken ct) => Timed("GetHostInfo", () => inner.GetHostInfoAsync(ct), ct);

    /// <inheritdoc />
    public Task<DomainDescription> GetDomainDescriptionAsync(string uuid, CancellationToken ct) =>
        Timed("GetDomainDescription", () => inner.GetDomainDescriptionAsync(uuid, ct), ct);

    /// <inheritdoc />
    public void Dispose() => inner.Dispose();

    // Statistics calls drive kvm_libvirt_up: success, failure, and "still pending at the deadline" (hung).
    private async Task<IReadOnlyList<DomainStats>> StatsCall(string call, Func<Task<IReadOnlyList<DomainStats>>> body, CancellationToken ct)
    {
        stats.StatsCallStarted();
        try
        {
            var result = await Timed(call, body, ct).ConfigureAwait(false);
            stats.SetUp(true);
            return result;
        }
        catch (Exception e) when (e is LibvirtException or OperationCanceledException)
        {
            stats.SetUp(false);
            throw;
        }
        finally
        {
            stats.StatsCallEnded();
        }
    }

    private async Task<T> Timed<T>(string call, Func<Task<T>> body, CancellationToken ct)
    {
        var start = time.GetTimestamp();
        try
        {
            var result = await body().ConfigureAwait(false);
            stats.Record(call, time.GetElapsedTime(start), null);
            return result;
        }
        catch (LibvirtException ex)
        {
            stats.Record(call, time.GetElapsedTime(start), ex.CodeName);
            throw;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            stats.Record(call, time.GetElapsedTime(start), "timeout");
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            stats.Record(call, time.GetElapsedTime(start), "exception");
            throw;
        }
    }
}
