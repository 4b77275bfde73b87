namespace KvmMetrics.Analysis.Hotspots;

/// <summary>Hotspot thresholds (defaults documented in docs/planning.md).</summary>
public sealed record HotspotOptions
{
    /// <summary>Evaluation step of the host series, seconds. Default 300 (the exporter's usual scrape rollup).</summary>
    public long StepSeconds { get; init; } = 300;

    /// <summary>How far back findings are looked for, seconds. Default 24 h.</summary>
    public long LookbackSeconds { get; init; } = 24 * 3600;

    /// <summary>CPU watermark as a fraction of host cores. Default 0.8.</summary>
    public double CpuHighWatermark { get; init; } = 0.8;

    /// <summary>How far below the watermark CPU must fall to clear. Default 0.05.</summary>
    public double CpuHysteresis { get; init; } = 0.05;

    /// <summary>Consecutive steps above a threshold to open a finding. Default 3 (15 min at 5-minute steps).</summary>
    public int SustainSteps { get; init; } = 3;

    /// <summary>Consecutive steps below the exit threshold to close it. Default 3.</summary>
    public int ClearSteps { get; init; } = 3;

    /// <summary>Memory used as a fraction of host memory. Default 0.9.</summary>
    public double MemoryHighWatermark { get; init; } = 0.9;

    /// <summary>vCPU steal per vCPU (fraction of time a runnable vCPU waited). Default 0.05.</summary>
    public double StealPerVcpu { get; init; } = 0.05;

    /// <summary>Forecast horizon for will-be-hot, hours. Default 24.</summary>
    public int ForecastHours { get; init; } = 24;
}
