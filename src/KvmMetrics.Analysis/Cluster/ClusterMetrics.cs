namespace KvmMetrics.Analysis.Cluster;

/// <summary>The per-VM metric names of the history format (<c>timestamp,entity,metric,value</c>).</summary>
public static class ClusterMetrics
{
    /// <summary>CPU in use, in cores (CPU seconds per second).</summary>
    public const string CpuCores = "cpu_cores";

    /// <summary>Guest memory in use, in bytes.</summary>
    public const string MemoryBytes = "memory_bytes";

    /// <summary>vCPU run-queue delay (steal) summed over the VM's vCPUs, in cores (seconds per second).</summary>
    public const string CpuStealCores = "cpu_steal_cores";

    /// <summary>Disk read plus write throughput, bytes per second.</summary>
    public const string DiskBytesPerSecond = "disk_bytes_per_second";

    /// <summary>Network receive plus transmit throughput, bytes per second.</summary>
    public const string NetworkBytesPerSecond = "network_bytes_per_second";

    /// <summary>Disk space in use, bytes.</summary>
    public const string DiskBytes = "disk_bytes";
}
