namespace KvmMetrics.Analysis.Cluster;

/// <summary>One guest of a cluster snapshot and where it runs now.</summary>
/// <param name="Name">Domain name, unique in the cluster; the <c>entity</c> of its history series.</param>
/// <param name="Host">The host it runs on.</param>
/// <param name="Vcpus">Allocated vCPUs.</param>
/// <param name="MemoryBytes">Allocated (maximum) memory.</param>
/// <param name="DiskBytes">Allocated disk, when known (capacity reports only).</param>
public sealed record VmSpec(string Name, string Host, int Vcpus, long MemoryBytes, long? DiskBytes = null);
