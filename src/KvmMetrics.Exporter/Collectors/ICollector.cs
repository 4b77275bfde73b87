using KvmMetrics.Exposition;

namespace KvmMetrics.Exporter.Collectors;

/// <summary>
/// One source of samples (node_exporter shape): emits fresh samples for this scrape and keeps no
/// gauges alive between scrapes. The host wraps every collector and emits
/// <c>kvm_exporter_collector_success{collector}</c> and <c>kvm_exporter_collector_duration_seconds{collector}</c>,
/// so a collector reports "source broken" by throwing and "feature absent on this host" by emitting nothing.
/// </summary>
public interface ICollector
{
    /// <summary>The collector's name as used in flags (<c>--collector.NAME</c>) and self-metrics.</summary>
    string Name { get; }

    /// <summary>Adds this scrape's samples to <paramref name="sink"/>.</summary>
    Task CollectAsync(IMetricSink sink, CancellationToken cancellationToken);
}
