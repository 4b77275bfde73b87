using System.Globalization;
using KvmMetrics.Exporter.LibvirtAccess;
using KvmMetrics.Exposition;

namespace KvmMetrics.Exporter.Collectors.Libvirt;

/// <summary>
/// The <c>domain_info</c> collector: one <c>kvm_domain_info</c> series per domain with descriptive labels
/// (OS type, machine, title, OpenStack Nova metadata) and the allocation gauges, all from the cached XML.
/// </summary>
public sealed class DomainInfoCollector(DomainStatsSource source) : ICollector
{
    /// <summary><c>kvm_domain_info</c>.</summary>
    public static readonly MetricDescriptor Info = new("kvm_domain_info", MetricType.Info,
        "Descriptive data of a domain from its XML and OpenStack Nova metadata (nova:instance); empty labels when absent.",
        "uuid", "domain", "title", "os_type", "machine", "hypervisor", "vcpus", "memory_bytes",
        "nova_name", "nova_flavor", "nova_project_name", "nova_project_uuid", "nova_user_name", "nova_user_uuid", "nova_root_type", "nova_root_uuid");

    /// <summary><c>kvm_domain_vcpus_allocated</c>.</summary>
    public static readonly MetricDescriptor VcpusAllocated = new("kvm_domain_vcpus_allocated", MetricType.Gauge,
        "vCPUs allocated to the domain at boot (<vcpu> in the domain XML).", "uuid", "domain");

    /// <summary><c>kvm_domain_memory_allocated_bytes</c>.</summary>
    public static readonly MetricDescriptor MemoryAllocated = new("kvm_domain_memory_allocated_bytes", MetricType.Gauge,
        "Memory allocated to the domain (<currentMemory> in the domain XML).", "uuid", "domain");

    /// <summary><c>kvm_domain_memory_max_bytes</c>.</summary>
    public static readonly MetricDescriptor MemoryMax = new("kvm_domain_memory_max_bytes", MetricType.Gauge,
        "Maximum memory of the domain (<memory> in the domain XML).", "uuid", "domain");

    /// <summary>The families this collector can emit.</summary>
    public static IEnumerable<MetricDescriptor> Descriptors => [Info, VcpusAllocated, MemoryAllocated, MemoryMax];

    /// <inheritdoc />
    public string Name => "domain_info";

    /// <inheritdoc />
    public async Task CollectAsync(IMetricSink sink, CancellationToken cancellationToken)
    {
        var snapshot = await source.GetAsync(cancellationToken).ConfigureAwait(false);
        foreach (var d in snapshot.Domains)
        {
            if (!snapshot.Descriptions.TryGetValue(d.Uuid, out var x))
            {
                continue;
            }

            var n = x.Nova;
            sink.Add(Info, 1,
                d.Uuid, d.Name, x.Title ?? string.Empty, x.OsType, x.Machine ?? string.Empty, x.DomainType,
                x.VcpusMax.ToString(CultureInfo.InvariantCulture), x.MemoryBytes.ToString(CultureInfo.InvariantCulture),
                n?.Name ?? string.Empty, n?.FlavorName ?? string.Empty, n?.ProjectName ?? string.Empty, n?.ProjectUuid ?? string.Empty,
                n?.UserName ?? string.Empty, n?.UserUuid ?? string.Empty, n?.RootType ?? string.Empty, n?.RootUuid ?? string.Empty);
            sink.Add(VcpusAllocated, x.VcpusMax, d.Uuid, d.Name);
            sink.Add(MemoryAllocated, x.MemoryBytes, d.Uuid, d.Name);
            sink.Add(MemoryMax, x.MaxMemoryBytes, d.Uuid, d.Name);
        }
    }
}
