namespace KvmMetrics.Libvirt;

/// <summary>The hypervisor host as libvirt describes it (<c>virNodeGetInfo</c>, <c>virConnectGet*</c>).</summary>
/// <param name="Hostname">The host name (<c>virConnectGetHostname</c>).</param>
/// <param name="LibvirtVersion">libvirt's version, e.g. <c>9.0.0</c> (<c>virConnectGetLibVersion</c>).</param>
/// <param name="HypervisorType">The driver name, e.g. <c>QEMU</c> (<c>virConnectGetType</c>).</param>
/// <param name="HypervisorVersion">The hypervisor version, e.g. <c>7.2.0</c> (<c>virConnectGetVersion</c>).</param>
/// <param name="Cpus">Active logical CPUs.</param>
/// <param name="CpuMhz">Expected CPU frequency in MHz.</param>
/// <param name="Sockets">CPU sockets per NUMA node (libvirt's definition).</param>
/// <param name="CoresPerSocket">Cores per socket.</param>
/// <param name="ThreadsPerCore">Threads per core.</param>
/// <param name="MemoryBytes">Host memory in bytes.</param>
/// <param name="FreeMemoryBytes">Free host memory in bytes (<c>virNodeGetFreeMemory</c>).</param>
public sealed record HostInfo(
    string Hostname,
    string LibvirtVersion,
    string HypervisorType,
    string HypervisorVersion,
    int Cpus,
    int CpuMhz,
    int Sockets,
    int CoresPerSocket,
    int ThreadsPerCore,
    long MemoryBytes,
    long FreeMemoryBytes)
{
    /// <summary>NUMA nodes (<c>virNodeInfo.nodes</c>).</summary>
    public int NumaNodes { get; init; } = 1;

    /// <summary>The CPU model string of <c>virNodeInfo.model</c> (e.g. <c>x86_64</c>).</summary>
    public string CpuModel { get; init; } = string.Empty;

    /// <summary>Formats libvirt's packed version number (major * 1,000,000 + minor * 1,000 + release).</summary>
    public static string FormatVersion(ulong packed) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{packed / 1_000_000}.{packed / 1_000 % 1_000}.{packed % 1_000}");
}
