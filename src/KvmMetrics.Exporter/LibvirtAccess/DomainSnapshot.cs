using KvmMetrics.Libvirt;

namespace KvmMetrics.Exporter.LibvirtAccess;

/// <summary>The filtered result of one libvirt statistics round.</summary>
/// <param name="Domains">Statistics of the domains that pass the filters.</param>
/// <param name="Descriptions">Cached XML descriptions by UUID (may lack domains whose XML could not be read).</param>
/// <param name="StartedAt">When the libvirt call started (the age of the samples).</param>
public sealed record DomainSnapshot(
    IReadOnlyList<DomainStats> Domains,
    IReadOnlyDictionary<string, DomainDescription> Descriptions,
    DateTimeOffset StartedAt);
