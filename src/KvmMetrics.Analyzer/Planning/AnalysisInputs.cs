using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Data;

namespace KvmMetrics.Analyzer.Planning;

/// <summary>The cluster file and history shared by the <c>plan</c> and <c>capacity</c> commands.</summary>
/// <param name="Cluster">The parsed cluster file, with the plan time filled in.</param>
/// <param name="History">Per-VM history.</param>
/// <param name="Warnings">Non-fatal remarks for stderr.</param>
public sealed record AnalysisInputs(ClusterFile Cluster, ClusterHistory History, IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// Reads both files. Without <c>planTime</c> in the cluster file the plan time is one second after the newest
    /// history sample (deterministic: the same files give the same plan).
    /// </summary>
    public static AnalysisInputs Load(string clusterPath, string historyPath)
    {
        var cluster = ClusterJsonReader.ReadFile(clusterPath);
        IReadOnlyList<RawSeries> series = HistoryCsv.ReadFile(historyPath);
        var warnings = new List<string>();
        if (!cluster.HasPlanTime)
        {
            if (series.Count == 0 || series.All(s => s.Count == 0))
            {
                throw new UsageException($"{clusterPath}: planTime is missing and {historyPath} has no samples to take it from; add \"planTime\": <unix seconds>");
            }

            var last = series.Where(s => s.Count > 0).Max(s => s.Timestamps[^1]) + 1;
            cluster = cluster with { Snapshot = cluster.Snapshot with { PlanTime = last } };
            warnings.Add($"{clusterPath} has no planTime: using {last} (just after the newest history sample)");
        }

        var vmNames = cluster.Snapshot.Vms.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = series.Select(s => s.Entity).Distinct().Where(e => !vmNames.Contains(e)).Order(StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
        {
            warnings.Add($"{historyPath}: {unknown.Length} entit{(unknown.Length == 1 ? "y is" : "ies are")} not VMs of {clusterPath} and were ignored: {string.Join(", ", unknown.Take(5))}{(unknown.Length > 5 ? ", ..." : "")}");
        }

        return new AnalysisInputs(cluster, new ClusterHistory(series), warnings);
    }
}
