namespace KvmMetrics.Exporter.Scraping;

/// <summary>How one collector did in one round.</summary>
/// <param name="Collector">The collector name.</param>
/// <param name="Success">True when it finished without error before the deadline.</param>
/// <param name="Duration">Time until it finished, failed, or the deadline expired.</param>
/// <param name="Error">Why it failed (exception message or "deadline exceeded"), or null.</param>
public sealed record CollectorOutcome(string Collector, bool Success, TimeSpan Duration, string? Error);
