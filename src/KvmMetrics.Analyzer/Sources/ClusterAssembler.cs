using KvmMetrics.Analysis.Policy;
using KvmMetrics.Analysis.Capacity;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analysis.Planning;
using KvmMetrics.Analyzer.Planning;

namespace KvmMetrics.Analyzer.Sources;

/// <summary>
/// Builds the analyzer's cluster from what a time-series server returned, the same way for every server:
/// hosts are those reporting CPUs and memory, a VM's host is where its newest CPU point was seen, and a
/// domain seen on two hosts in the range (live-migrated) has its series merged by time. A host with VMs
/// allocated in the last hour but no CPU series for any of them is named in <see cref="AnalysisData.HostsWithoutData"/>
/// (it would otherwise look empty, and attractive, to the planner; typical of a partial answer).
/// </summary>
public static class ClusterAssembler
{
    /// <summary>The key of a per-VM value: host, NUL, domain.</summary>
    public static string Key(string host, string domain) => host + "\u0000" + domain;

    /// <summary>Assembles the analysis data.</summary>
    /// <param name="hostCpus">Logical CPUs by host.</param>
    /// <param name="hostMemory">Memory bytes by host.</param>
    /// <param name="vmVcpus">Allocated vCPUs by <see cref="Key"/>.</param>
    /// <param name="vmMemory">Allocated memory bytes by <see cref="Key"/>.</param>
    /// <param name="metrics">Per analyzer metric: points by (host, domain).</param>
    /// <param name="end">The analysis time.</param>
    /// <param name="describe">The description from the numbers of hosts and VMs.</param>
    /// <param name="serverWarnings">Warnings the server attached to its answers (partial responses), already worded; appended to <see cref="AnalysisData.Warnings"/>.</param>
    /// <param name="hostLastSeen">Unix time of each host's newest capacity sample (<see cref="AnalysisData.HostLastSeen"/>).</param>
    public static AnalysisData Build(
        IReadOnlyDictionary<string, double> hostCpus, IReadOnlyDictionary<string, double> hostMemory,
        IReadOnlyDictionary<string, double> vmVcpus, IReadOnlyDictionary<string, double> vmMemory,
        IEnumerable<(string Metric, IReadOnlyDictionary<(string Host, string Domain), SortedList<long, double>> PerVm)> metrics,
        long end, Func<int, int, string> describe, IEnumerable<string>? serverWarnings = null, IReadOnlyDictionary<string, long>? hostLastSeen = null)
    {
        ArgumentNullException.ThrowIfNull(hostCpus);
        ArgumentNullException.ThrowIfNull(hostMemory);
        ArgumentNullException.ThrowIfNull(vmVcpus);
        ArgumentNullException.ThrowIfNull(vmMemory);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(describe);
        var warnings = new List<string>();
        var series = new List<RawSeries>();
        var newestByVm = new Dictionary<string, (string Host, long Time)>(StringComparer.Ordinal);
        var hostsWithCpu = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (metric, perVm) in metrics)
        {
            foreach (var ((host, domain), points) in perVm.OrderBy(p => p.Key.Domain, StringComparer.Ordinal).ThenBy(p => p.Key.Host, StringComparer.Ordinal))
            {
                if (points.Count == 0)
                {
                    continue;
                }

                if (metric == ClusterMetrics.CpuCores)
                {
                    hostsWithCpu.Add(host);
                    if (!newestByVm.TryGetValue(domain, out var seen) || points.Keys[^1] > seen.Time)
                    {
                        newestByVm[domain] = (host, points.Keys[^1]);
                    }
                }

                series.Add(new RawSeries(domain, metric, [.. points.Keys], [.. points.Values]));
            }
        }

        var merged = series.GroupBy(s => (s.Entity, s.Metric)).Select(g => Merge(g.Key.Entity, g.Key.Metric, g)).ToArray();
        var hosts = hostCpus.OrderBy(h => h.Key, StringComparer.Ordinal)
            .Select(h => new HostSpec(h.Key, h.Value, (long)hostMemory.GetValueOrDefault(h.Key, 0)))
            .Where(h => h.MemoryBytes > 0).ToArray();
        var vms = new List<VmSpec>();
        foreach (var (domain, (host, _)) in newestByVm.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            if (!hosts.Any(h => h.Name == host))
            {
                warnings.Add($"VM {domain} runs on {host}, which reports no host capacity; left out");
                continue;
            }

            var key = Key(host, domain);
            var vcpus = (int)Math.Max(1, vmVcpus.GetValueOrDefault(key, 1));
            var memory = (long)vmMemory.GetValueOrDefault(key, 0);
            vms.Add(new VmSpec(domain, host, vcpus, memory));
        }

        // Hosts with allocated VMs (keys host NUL domain) but no CPU series at all in the range.
        var withoutData = vmVcpus.Keys.Select(k => k.IndexOf('\u0000', StringComparison.Ordinal) is var i and >= 0 ? k[..i] : k)
            .Where(h => hosts.Any(x => x.Name == h) && !hostsWithCpu.Contains(h)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (serverWarnings is not null)
        {
            warnings.AddRange(serverWarnings);
        }

        var snapshot = new ClusterSnapshot(hosts, vms, PlacementConstraints.None, ClusterPolicy.Default, end); // --policy.* flags: PolicyOverrideSource
        return new AnalysisData(new ClusterFile(snapshot, new CapacityOptions(), true), merged, describe(hosts.Length, vms.Count), warnings, end)
        {
            HostsWithoutData = withoutData,
            HostLastSeen = hostLastSeen ?? new Dictionary<string, long>(),
        };
    }

    private static RawSeries Merge(string entity, string metric, IEnumerable<RawSeries> parts)
    {
        var all = new SortedDictionary<long, double>();
        foreach (var p in parts)
        {
            for (var i = 0; i < p.Count; i++)
            {
                all[p.Timestamps[i]] = p.Values[i];
            }
        }

        return new RawSeries(entity, metric, [.. all.Keys], [.. all.Values]);
    }
}
