using KvmMetrics.Exposition;

namespace KvmMetrics.Exporter.Scraping;

/// <summary>The page of one collection round.</summary>
/// <param name="Metrics">Every sample of the round, self-metrics included.</param>
/// <param name="StartedAt">When the round started.</param>
/// <param name="Duration">How long it took.</param>
/// <param name="Outcomes">Per-collector outcomes.</param>
public sealed record ScrapeResult(MetricSet Metrics, DateTimeOffset StartedAt, TimeSpan Duration, IReadOnlyList<CollectorOutcome> Outcomes);
