using System.Reflection;
using KvmMetrics.Exposition;

namespace KvmMetrics.Exporter.Scraping;

/// <summary>The exporter's own families (node_exporter's <c>scrape_collector_*</c> shape plus build info).</summary>
public static class ExporterSelfMetrics
{
    /// <summary><c>kvm_exporter_collector_success</c>.</summary>
    public static readonly MetricDescriptor CollectorSuccess = new("kvm_exporter_collector_success", MetricType.Gauge,
        "1 when the collector finished without error before the scrape deadline in the round that produced this page, else 0.", "collector");

    /// <summary><c>kvm_exporter_collector_duration_seconds</c>.</summary>
    public static readonly MetricDescriptor CollectorDuration = new("kvm_exporter_collector_duration_seconds", MetricType.Gauge,
        "Time the collector took in the round that produced this page (until the deadline when it missed it).", "collector");

    /// <summary><c>kvm_exporter_build_info</c>.</summary>
    public static readonly MetricDescriptor BuildInfo = new("kvm_exporter_build_info", MetricType.Info,
        "Version of the exporter and of the .NET runtime it runs on.", "version", "runtime");

    /// <summary><c>kvm_exporter_duplicate_series_dropped_total</c>.</summary>
    public static readonly MetricDescriptor DuplicatesDropped = new("kvm_exporter_duplicate_series_dropped_total", MetricType.Counter,
        "Samples dropped because the same series (or a family with the same name but another shape) was already on the page.");

    /// <summary><c>kvm_exporter_collection_rounds_total</c>.</summary>
    public static readonly MetricDescriptor Rounds = new("kvm_exporter_collection_rounds_total", MetricType.Counter,
        "Collection rounds run; concurrent scrapes share one round, so this grows slower than kvm_exporter_scrapes_total under load.");

    /// <summary><c>kvm_exporter_scrapes_total</c>.</summary>
    public static readonly MetricDescriptor Scrapes = new("kvm_exporter_scrapes_total", MetricType.Counter,
        "Scrape requests answered, by how: 'round' (ran a round), 'joined' (shared a round in flight), 'cached' (a background snapshot younger than --collection.interval), 'overrun' (the round missed the deadline by more than 250 ms: answered with self-metrics only, every collector failed).", "source");

    /// <summary><c>kvm_exporter_collection_start_timestamp_seconds</c>.</summary>
    public static readonly MetricDescriptor CollectionStart = new("kvm_exporter_collection_start_timestamp_seconds", MetricType.Gauge,
        "Unix time at which the round that produced this page started: the age of its samples is the scrape time minus this.");

    /// <summary><c>kvm_exporter_collection_duration_seconds</c>.</summary>
    public static readonly MetricDescriptor CollectionDuration = new("kvm_exporter_collection_duration_seconds", MetricType.Gauge,
        "Duration of the round that produced this page (all collectors in parallel).");

    /// <summary>The exporter version (assembly informational version).</summary>
    public static string Version { get; } =
        typeof(ExporterSelfMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    /// <summary>Every self-metric family.</summary>
    public static IEnumerable<MetricDescriptor> Descriptors =>
        [CollectorSuccess, CollectorDuration, BuildInfo, DuplicatesDropped, Rounds, Scrapes, CollectionStart, CollectionDuration];
}
