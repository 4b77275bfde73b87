using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analyzer.Sources;

namespace KvmMetrics.Analyzer.Tests.Sources;

/// <summary>The cluster building shared by the Prometheus and InfluxDB sources.</summary>
public sealed class ClusterAssemblerTests
{
    private static readonly Dictionary<string, double> HostCpus = new(StringComparer.Ordinal) { ["a"] = 8, ["b"] = 8, ["c"] = 8 };
    private static readonly Dictionary<string, double> HostMemory = new(StringComparer.Ordinal) { ["a"] = 1L << 34, ["b"] = 1L << 34, ["c"] = 1L << 34 };

    [Fact]
    public void AHostWithAllocatedVmsButNoCpuSeries_IsNamedInHostsWithoutData()
    {
        // a: VM with CPU; b: VM allocated in the last hour, no CPU series (partial answer); c: no VMs at all (really empty).
        var vmVcpus = new Dictionary<string, double>(StringComparer.Ordinal) { [ClusterAssembler.Key("a", "va")] = 2, [ClusterAssembler.Key("b", "vb")] = 2 };
        var cpu = new Dictionary<(string Host, string Domain), SortedList<long, double>> { [("a", "va")] = new() { [100] = 1, [200] = 1 } };
        var memory = new Dictionary<(string Host, string Domain), SortedList<long, double>> { [("b", "vb")] = new() { [100] = 1e9 } };

        var data = ClusterAssembler.Build(HostCpus, HostMemory, vmVcpus, new Dictionary<string, double>(),
            [(ClusterMetrics.CpuCores, cpu), (ClusterMetrics.MemoryBytes, memory)], 300, (h, v) => $"{h} hosts, {v} VMs");

        Assert.Equal(["b"], data.HostsWithoutData);
        Assert.Equal(["va"], data.Cluster.Snapshot.Vms.Select(v => v.Name));
        Assert.Equal("3 hosts, 1 VMs", data.Description);
        Assert.Empty(data.Warnings);
    }

    [Fact]
    public void ServerWarnings_AreKeptAfterTheAssemblersOwn()
    {
        var vmVcpus = new Dictionary<string, double>(StringComparer.Ordinal) { [ClusterAssembler.Key("x", "vx")] = 1 };
        var cpu = new Dictionary<(string Host, string Domain), SortedList<long, double>> { [("x", "vx")] = new() { [100] = 1 } };

        var data = ClusterAssembler.Build(HostCpus, HostMemory, vmVcpus, new Dictionary<string, double>(),
            [(ClusterMetrics.CpuCores, cpu)], 300, (h, v) => "", ["http://p/: the server warned: partial response"]);

        Assert.Equal(["VM vx runs on x, which reports no host capacity; left out", "http://p/: the server warned: partial response"], data.Warnings);
        Assert.Empty(data.HostsWithoutData);
    }
}
