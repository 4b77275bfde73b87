using KvmMetrics.Exporter.LibvirtAccess;
using KvmMetrics.Exposition;
using KvmMetrics.Libvirt;

namespace KvmMetrics.Exporter.Collectors.Libvirt;

/// <summary>
/// The <c>host</c> collector: libvirt/QEMU versions, host CPUs and memory (virNodeGetInfo), and the
/// vCPU and memory overcommit ratios of the running domains (allocation from the cached domain XML).
/// </summary>
public sealed class HostCollector(ILibvirtClient client, DomainStatsSource source) : ICollector
{
    /// <summary><c>kvm_host_info</c>.</summary>
    public static readonly MetricDescriptor Info = new("kvm_host_info", MetricType.Info,
        "The hypervisor host: hostname, libvirt version, hypervisor driver and version (virConnectGet*), CPU model (virNodeGetInfo).",
        "hostname", "libvirt_version", "hypervisor", "hypervisor_version", "cpu_model");

    /// <summary><c>kvm_host_cpus</c>.</summary>
    public static readonly MetricDescriptor Cpus = new("kvm_host_cpus", MetricType.Gauge, "Active logical CPUs of the host (virNodeGetInfo cpus).");

    /// <summary><c>kvm_host_cpu_frequency_hertz</c>.</summary>
    public static readonly MetricDescriptor CpuHertz = new("kvm_host_cpu_frequency_hertz", MetricType.Gauge, "Expected CPU frequency of the host (virNodeGetInfo mhz).");

    /// <summary><c>kvm_host_numa_nodes</c>.</summary>
    public static readonly MetricDescriptor NumaNodes = new("kvm_host_numa_nodes", MetricType.Gauge, "NUMA nodes of the host (virNodeGetInfo nodes).");

    /// <summary><c>kvm_host_cpu_topology</c>.</summary>
    public static readonly MetricDescriptor Topology = new("kvm_host_cpu_topology", MetricType.Gauge,
        "Host CPU topology (virNodeGetInfo): sockets per NUMA node, cores per socket, threads per core, by level.", "level");

    /// <summary><c>kvm_host_memory_bytes</c>.</summary>
    public static readonly MetricDescriptor Memory = new("kvm_host_memory_bytes", MetricType.Gauge, "Host memory (virNodeGetInfo memory).");

    /// <summary><c>kvm_host_memory_free_bytes</c>.</summary>
    public static readonly MetricDescriptor FreeMemory = new("kvm_host_memory_free_bytes", MetricType.Gauge, "Free host memory (virNodeGetFreeMemory).");

    /// <summary><c>kvm_host_vcpus_allocated</c>.</summary>
    public static readonly MetricDescriptor VcpusAllocated = new("kvm_host_vcpus_allocated", MetricType.Gauge,
        "vCPUs allocated to the running domains that pass the filters (sum of <vcpu> from their XML).");

    /// <summary><c>kvm_host_memory_allocated_bytes</c>.</summary>
    public static readonly MetricDescriptor MemoryAllocated = new("kvm_host_memory_allocated_bytes", MetricType.Gauge,
        "Memory allocated to the running domains that pass the filters (sum of <currentMemory> from their XML).");

    /// <summary><c>kvm_host_vcpu_overcommit_ratio</c>.</summary>
    public static readonly MetricDescriptor VcpuOvercommit = new("kvm_host_vcpu_overcommit_ratio", MetricType.Gauge,
        "vCPUs allocated to running domains divided by the host's logical CPUs.");

    /// <summary><c>kvm_host_memory_overcommit_ratio</c>.</summary>
    public static readonly MetricDescriptor MemoryOvercommit = new("kvm_host_memory_overcommit_ratio", MetricType.Gauge,
        "Memory allocated to running domains divided by the host's memory.");

    /// <summary>The families this collector can emit.</summary>
    public static IEnumerable<MetricDescriptor> Descriptors =>
        [Info, Cpus, CpuHertz, NumaNodes, Topology, Memory, FreeMemory, VcpusAllocated, MemoryAllocated, VcpuOvercommit, MemoryOvercommit];

    private readonly Lock _gate = new();
    private Task<HostInfo>? _pending;

    /// <inheritdoc />
    public string Name => "host";

    /// <inheritdoc />
    public async Task CollectAsync(IMetricSink sink, CancellationToken cancellationToken)
    {
        Task<HostInfo> hostTask;
        lock (_gate)
        {
            // Join a host-info call still pending from an earlier round (hung libvirtd) instead of adding one.
            if (_pending is null || _pending.IsCompleted)
            {
                _pending = client.GetHostInfoAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
            }

            hostTask = _pending.WaitAsync(cancellationToken);
        }

        var snapshotTask = source.GetAsync(cancellationToken);
        var host = await hostTask.ConfigureAwait(false);
        sink.Add(Info, 1, host.Hostname, host.LibvirtVersion, host.HypervisorType, host.HypervisorVersion, host.CpuModel);
        sink.Add(Cpus, host.Cpus);
        sink.Add(CpuHertz, host.CpuMhz * 1e6);
        sink.Add(NumaNodes, host.NumaNodes);
        sink.Add(Topology, host.Sockets, "sockets");
        sink.Add(Topology, host.CoresPerSocket, "cores");
        sink.Add(Topology, host.ThreadsPerCore, "threads");
        sink.Add(Memory, host.MemoryBytes);
        sink.Add(FreeMemory, host.FreeMemoryBytes);

        var snapshot = await snapshotTask.ConfigureAwait(false);
        long vcpus = 0;
        long memory = 0;
        foreach (var d in snapshot.Domains)
        {
            if (d.Id >= 0 && d.State is not DomainState.Shutoff && snapshot.Descriptions.TryGetValue(d.Uuid, out var x))
            {
                vcpus += x.VcpusMax;
                memory += x.MemoryBytes;
            }
        }

        sink.Add(VcpusAllocated, vcpus);
        sink.Add(MemoryAllocated, memory);
        if (host.Cpus > 0)
        {
            sink.Add(VcpuOvercommit, (double)vcpus / host.Cpus);
        }

        if (host.MemoryBytes > 0)
        {
            sink.Add(MemoryOvercommit, (double)memory / host.MemoryBytes);
        }
    }
}
