using System.Globalization;
using KvmMetrics.Analyzer.Planning;
using KvmMetrics.Analyzer.Sample;

namespace KvmMetrics.Analyzer.Sources;

/// <summary>The sample cluster embedded in the analyzer (real Bitbrains traces, see docs/report.md).</summary>
public sealed class SampleSource : IAnalysisSource
{
    /// <inheritdoc />
    public string Name => "sample";

    /// <inheritdoc />
    public Task<AnalysisData> LoadAsync(long? now, CancellationToken cancellationToken)
    {
        var cluster = ClusterJsonReader.Parse(BundledSample.ClusterJson(), "bundled sample " + SampleBuilder.ClusterFile);
        var series = BundledSample.History();
        var snapshot = cluster.Snapshot;
        var description = string.Create(CultureInfo.InvariantCulture,
            $"bundled sample cluster: {snapshot.Hosts.Count} hosts, {snapshot.Vms.Count} VMs from the Bitbrains GWA-T-12 Rnd traces (hourly, shifted to 2026)");
        return Task.FromResult(new AnalysisData(cluster, series, description, [], snapshot.PlanTime));
    }
}
