using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analyzer.Planning;

namespace KvmMetrics.Analyzer.Sources;

/// <summary>
/// What a data source delivers: the cluster snapshot (with capacity options) and per-VM history,
/// a one-line description of where it came from, and honest notes about what was missing.
/// </summary>
/// <param name="Cluster">Hosts, VMs, constraints, policy and capacity options.</param>
/// <param name="Series">Per-VM raw series (cpu_cores, memory_bytes, disk/network rates, steal).</param>
/// <param name="Description">Where the data came from, for the report header.</param>
/// <param name="Warnings">Data-quality notes (gaps, hosts left out, unknown entities).</param>
/// <param name="DefaultNow">The analysis time to use when none is given (newest data, or the file's planTime).</param>
public sealed record AnalysisData(ClusterFile Cluster, IReadOnlyList<RawSeries> Series, string Description, IReadOnlyList<string> Warnings, long DefaultNow)
{
    /// <summary>Hosts the source knows VMs on but returned no usage series for (e.g. a partial answer): not to be balanced as if empty.</summary>
    public IReadOnlyList<string> HostsWithoutData { get; init; } = [];

    /// <summary>Unix time of each host's newest capacity sample (<c>kvm_host_cpus</c>), when the source knows it: a host
    /// without VMs has no usage series to tell that its exporter stopped, and would look empty, and attractive, to the planner.</summary>
    public IReadOnlyDictionary<string, long> HostLastSeen { get; init; } = new Dictionary<string, long>();

    /// <summary>The data as the analysis library sees it at <paramref name="now"/>: samples at or after now are dropped.</summary>
    public (ClusterSnapshot Snapshot, ClusterHistory History) At(long now)
    {
        var series = Series.Select(s => Before(s, now)).Where(s => s.Count > 0).ToArray();
        return (Cluster.Snapshot with { PlanTime = now }, new ClusterHistory(series));
    }

    /// <summary>The newest sample time over all series, or null when there are none.</summary>
    public static long? Newest(IReadOnlyList<RawSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var withData = series.Where(s => s.Count > 0).ToArray();
        return withData.Length == 0 ? null : withData.Max(s => s.Timestamps[^1]);
    }

    private static RawSeries Before(RawSeries s, long now)
    {
        var n = HourlyGrid.LowerBound(s.Timestamps, now);
        return n == s.Count ? s : new RawSeries(s.Entity, s.Metric, s.Timestamps[..n], s.Values[..n]);
    }
}
