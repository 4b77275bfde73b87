namespace KvmMetrics.Analysis.Cluster;

/// <summary>One hypervisor host of a cluster snapshot.</summary>
/// <param name="Name">Host name, unique in the cluster.</param>
/// <param name="CpuCores">Physical cores (or hardware threads) the host offers to guests.</param>
/// <param name="MemoryBytes">Memory the host offers to guests.</param>
/// <param name="Maintenance">True when the host is in maintenance: it must be emptied and receives nothing.</param>
/// <param name="DiskBytes">Local disk capacity for guest images, when known (capacity reports only).</param>
public sealed record HostSpec(string Name, double CpuCores, long MemoryBytes, bool Maintenance = false, long? DiskBytes = null);
