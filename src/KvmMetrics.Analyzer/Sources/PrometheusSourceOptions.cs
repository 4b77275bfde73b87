namespace KvmMetrics.Analyzer.Sources;

/// <summary>Options of <see cref="PrometheusSource"/> (command-line names in docs/analyzer.md).</summary>
public sealed record PrometheusSourceOptions
{
    /// <summary>Base URL of Prometheus, Thanos Query, Mimir (with its prefix) or VictoriaMetrics.</summary>
    public required Uri Url { get; init; }

    /// <summary>History to fetch before the analysis time, default 35 days.</summary>
    public TimeSpan Lookback { get; init; } = TimeSpan.FromDays(35);

    /// <summary>Resolution of the range queries, default 5 minutes.</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Window of <c>rate()</c>; null = twice the step, at least 1 minute (a window must hold 2+ scrapes).</summary>
    public TimeSpan? RateWindow { get; init; }

    /// <summary>Timeout of one HTTP request, default 30 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Label naming the host of a domain series, default <c>instance</c>.</summary>
    public string HostLabel { get; init; } = "instance";

    /// <summary>Points per series and request; Prometheus refuses more than 11,000.</summary>
    public int MaxPointsPerRequest { get; init; } = 10_000;

    /// <summary>Attempts per request (the first plus retries with exponential backoff).</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>Backoff before the first retry; doubled for each further one.</summary>
    public TimeSpan Backoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Clock for the default analysis time.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
