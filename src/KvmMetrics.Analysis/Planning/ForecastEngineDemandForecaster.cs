using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Planning;

/// <summary>
/// Adapter from the forecasting engine (model selection by backtest, calibrated p95) to the planner's seam: hourly
/// means of the last <see cref="HistoryDays"/> days in, the selected model's mean as p50 and its p95 quantile out.
/// It gives quantiles only, so the planner sums VMs comonotonically (conservative: peaks assumed to coincide).
/// </summary>
public sealed class ForecastEngineDemandForecaster(ForecastEngine? engine = null) : IDemandForecaster
{
    private readonly ForecastEngine _engine = engine ?? new ForecastEngine();

    /// <summary>Days of hourly history given to the engine. Default 28.</summary>
    public int HistoryDays { get; init; } = 28;

    /// <inheritdoc />
    public string Name => "forecast-engine";

    /// <inheritdoc />
    public DemandForecast Forecast(string vm, RawSeries? cpuCores, long planTime, int horizonHours, double fallbackCores)
    {
        var hours = HistoryDays * 24;
        var start = planTime - (hours * HourlyGrid.Hour);
        var grid = HourlyGrid.Means(cpuCores, start, hours);
        if (grid.All(double.IsNaN))
        {
            var flat = Enumerable.Repeat(fallbackCores, horizonHours).ToArray();
            return new DemandForecast(vm, flat, [.. flat], [], Name + " (no history: allocation assumed)", HasHistory: false);
        }

        var forecast = _engine.Forecast(new RegularSeries(start, HourlyGrid.Hour, grid), horizonHours);
        var p50 = forecast.Mean.Select(v => Math.Max(0, v)).ToArray();
        var p95 = forecast.P95.Zip(p50, (q, m) => Math.Max(m, q)).ToArray();
        return new DemandForecast(vm, p50, p95, [], $"{Name}:{forecast.Model}", HasHistory: true);
    }
}
