using KvmMetrics.Analysis.Cluster;

namespace KvmMetrics.Analyzer.Sources.Influx;

/// <summary>How one analyzer metric is derived from the exporter's measurements.</summary>
/// <param name="Metric">The analyzer metric (<see cref="ClusterMetrics"/>).</param>
/// <param name="IsCounter">True: per-second rate of each series (resets handled), summed per domain; false: gauge, max per domain.</param>
/// <param name="Measurements">The exporter measurements whose series are combined.</param>
/// <param name="AddedWherePresent">
/// Measurements derived the same way and added per (host, domain) and step where they have a point, and left out where
/// they have none (<see cref="InfluxDerivation.PlusWherePresent"/>, PromQL <c>a + (b or a * 0)</c>); empty when none.
/// </param>
public sealed record InfluxMetricSource(string Metric, bool IsCounter, IReadOnlyList<string> Measurements, IReadOnlyList<string> AddedWherePresent)
{
    /// <summary>A metric derived from <paramref name="measurements"/> alone.</summary>
    public InfluxMetricSource(string metric, bool isCounter, IReadOnlyList<string> measurements)
        : this(metric, isCounter, measurements, [])
    {
    }
}

/// <summary>
/// What the kvm exporter pushes to InfluxDB (<c>InfluxPushService</c> in src/KvmMetrics.Exporter/Influx): one
/// measurement per metric family with the Prometheus name, the sample's labels (<c>uuid</c>, <c>domain</c>,
/// <c>device</c>, <c>vcpu</c>) as tags plus <c>host</c>, and one float field <c>value</c>. The analyzer reads
/// exactly these; a test pushes with the exporter's own code and reads back with <see cref="InfluxSource"/>.
/// </summary>
public static class ExporterInfluxSchema
{
    /// <summary>The tag naming the exporter's host (the exporter's <c>--influx.host-tag</c> value).</summary>
    public const string HostTag = "host";

    /// <summary>The domain name tag (the Prometheus label <c>domain</c>).</summary>
    public const string DomainTag = "domain";

    /// <summary>The single field of every exporter point.</summary>
    public const string ValueField = "value";

    /// <summary>Logical CPUs of a host.</summary>
    public const string HostCpus = "kvm_host_cpus";

    /// <summary>Memory of a host.</summary>
    public const string HostMemory = "kvm_host_memory_bytes";

    /// <summary>vCPUs allocated to a domain.</summary>
    public const string VmVcpus = "kvm_domain_vcpus_allocated";

    /// <summary>Memory allocated to a domain.</summary>
    public const string VmMemory = "kvm_domain_memory_allocated_bytes";

    /// <summary>CPU time a domain ran (libvirt <c>cpu.time</c>), with tag <c>domain</c>.</summary>
    public const string CpuTime = "kvm_domain_cpu_time_seconds_total";

    /// <summary>Time a vCPU was runnable but waited for a host CPU (libvirt <c>vcpu.N.delay</c>), with tags <c>domain</c> and <c>vcpu</c>.</summary>
    public const string VcpuDelay = "kvm_domain_vcpu_delay_seconds_total";

    /// <summary>
    /// The per-VM analyzer metrics, derived as the Prometheus source's PromQL does (docs/analyzer.md). <c>cpu_cores</c>
    /// is CPU demand: the rate of <see cref="CpuTime"/> plus the rate of <see cref="VcpuDelay"/> summed over vCPUs,
    /// and usage alone for a domain or step without delay points (libvirt without <c>vcpu.N.delay</c>).
    /// </summary>
    public static IReadOnlyList<InfluxMetricSource> Metrics { get; } =
    [
        new(ClusterMetrics.CpuCores, true, [CpuTime], [VcpuDelay]),
        new(ClusterMetrics.CpuStealCores, true, [VcpuDelay]),
        new(ClusterMetrics.MemoryBytes, false, ["kvm_domain_balloon_rss_bytes"]),
        new(ClusterMetrics.DiskBytesPerSecond, true, ["kvm_domain_block_read_bytes_total", "kvm_domain_block_write_bytes_total"]),
        new(ClusterMetrics.NetworkBytesPerSecond, true, ["kvm_domain_interface_receive_bytes_total", "kvm_domain_interface_transmit_bytes_total"]),
    ];

    /// <summary>Every measurement the source reads.</summary>
    public static IEnumerable<string> AllMeasurements =>
        new[] { HostCpus, HostMemory, VmVcpus, VmMemory }.Concat(Metrics.SelectMany(m => m.Measurements.Concat(m.AddedWherePresent))).Distinct(StringComparer.Ordinal);
}
