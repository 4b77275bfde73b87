namespace KvmMetrics.Exporter.Domains;

/// <summary>A running domain's identity, as every collector labels it.</summary>
/// <param name="Uuid">The libvirt UUID (lower-case, dashed): the stable identity label <c>uuid</c>.</param>
/// <param name="Name">The libvirt domain name: the label <c>domain</c>.</param>
/// <param name="Id">The libvirt domain id (changes on every start; used for cgroup scope names).</param>
public sealed record RunningDomain(string Uuid, string Name, int Id);

/// <summary>
/// The running domains that pass the include/exclude filters, kept current by the host (refreshed on
/// lifecycle events and on every libvirt scrape), so collectors other than the libvirt one (cgroups)
/// label their series identically without calling libvirt themselves.
/// </summary>
public interface IDomainDirectory
{
    /// <summary>The current running domains. Never null; empty when libvirt is unreachable.</summary>
    IReadOnlyList<RunningDomain> Running { get; }
}
