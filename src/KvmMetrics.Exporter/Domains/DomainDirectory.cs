using KvmMetrics.Libvirt;

namespace KvmMetrics.Exporter.Domains;

/// <summary>
/// The running, filtered domains, replaced after every libvirt statistics call and patched in between by
/// lifecycle events (a started domain appears before the next round, a stopped one disappears).
/// </summary>
public sealed class DomainDirectory : IDomainDirectory
{
    private readonly Lock _gate = new();
    private IReadOnlyList<RunningDomain> _running = [];

    /// <inheritdoc />
    public IReadOnlyList<RunningDomain> Running => Volatile.Read(ref _running);

    /// <summary>Replaces the list from a statistics call (domains with an id are running).</summary>
    public void Update(IEnumerable<DomainStats> domains)
    {
        var list = domains.Where(d => d.Id >= 0).Select(d => new RunningDomain(d.Uuid, d.Name, d.Id)).OrderBy(d => d.Name, StringComparer.Ordinal).ToArray();
        lock (_gate)
        {
            Volatile.Write(ref _running, list);
        }
    }

    /// <summary>Applies a lifecycle event for a domain that passed the filters.</summary>
    public void Apply(DomainLifecycleEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        lock (_gate)
        {
            var rest = _running.Where(d => d.Uuid != e.Uuid);
            IReadOnlyList<RunningDomain> next = e.Kind switch
            {
                DomainLifecycleKind.Started or DomainLifecycleKind.Resumed when e.Id >= 0 =>
                    rest.Append(new RunningDomain(e.Uuid, e.Name, e.Id)).OrderBy(d => d.Name, StringComparer.Ordinal).ToArray(),
                DomainLifecycleKind.Stopped or DomainLifecycleKind.Undefined or DomainLifecycleKind.Crashed => rest.ToArray(),
                _ => _running,
            };
            Volatile.Write(ref _running, next);
        }
    }
}
