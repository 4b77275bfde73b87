using KvmMetrics.Analysis.Data;

namespace KvmMetrics.Analysis.Planning;

/// <summary>
/// The planner's seam to forecasting: per-VM CPU history in, per-future-hour demand quantiles out.
/// Implementations must be pure and deterministic.
/// </summary>
public interface IDemandForecaster
{
    /// <summary>Short model name used in plan explanations.</summary>
    string Name { get; }

    /// <summary>
    /// Forecasts hourly CPU demand (cores) of one VM over <paramref name="horizonHours"/> hours from
    /// <paramref name="planTime"/>, using only samples before it. <paramref name="cpuCores"/> may be null (no history):
    /// the forecaster then returns <paramref name="fallbackCores"/> for every hour and <c>HasHistory = false</c>.
    /// </summary>
    DemandForecast Forecast(string vm, RawSeries? cpuCores, long planTime, int horizonHours, double fallbackCores);
}
