namespace KvmMetrics.Analysis.Hotspots;

/// <summary>
/// The window the hotspot rules look at (defaults documented in docs/planning.md). The thresholds themselves —
/// watermarks, hysteresis, sustain steps — are policy and come from <see cref="Policy.ClusterPolicy"/> on the snapshot.
/// </summary>
public sealed record HotspotOptions
{
    /// <summary>Evaluation step of the host series, seconds. Default 300 (the exporter's usual scrape rollup).</summary>
    public long StepSeconds { get; init; } = 300;

    /// <summary>How far back findings are looked for, seconds. Default 24 h.</summary>
    public long LookbackSeconds { get; init; } = 24 * 3600;

    /// <summary>Forecast horizon for will-be-hot, hours. Default 24.</summary>
    public int ForecastHours { get; init; } = 24;
}
