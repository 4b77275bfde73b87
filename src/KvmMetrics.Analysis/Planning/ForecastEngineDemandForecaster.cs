using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Data;
using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Planning;

/// <summary>
/// Adapter from the forecasting engine (model selection by backtest, calibrated p95) to the planner's seam: hourly
/// means of the last <see cref="HistoryDays"/> days in, the selected model's mean as p50 and its p95 quantile out.
/// With <see cref="JointScenarios"/> (the default) it also gives joint scenarios: the engine's mean plus the
/// deviation of each of the last <see cref="ScenarioDays"/> days from the median at the same hour, so scenario k of
/// every VM comes from the same past day and host sums keep the correlation between VMs (as
/// <see cref="SameHourQuantileForecaster"/> does around the plain median). Without it the planner sums VMs
/// comonotonically (conservative: peaks assumed to coincide).
/// </summary>
public sealed class ForecastEngineDemandForecaster(ForecastEngine? engine = null) : IDemandForecaster
{
    private readonly ForecastEngine _engine = engine ?? new ForecastEngine();

    /// <summary>Days of hourly history given to the engine. Default 28.</summary>
    public int HistoryDays { get; init; } = 28;

    /// <summary>Whether to add joint same-hour scenarios around the engine's mean. Default true.</summary>
    public bool JointScenarios { get; init; } = true;

    /// <summary>Past days whose same-hour deviations become scenarios. Default 7 (as <see cref="SameHourQuantileForecaster"/>).</summary>
    public int ScenarioDays { get; init; } = 7;

    /// <inheritdoc />
    public string Name => JointScenarios ? "forecast-engine+same-hour-scenarios" : "forecast-engine";

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
        var scenarios = JointScenarios ? Scenarios(grid, p50, Math.Min(ScenarioDays, HistoryDays)) : [];
        return new DemandForecast(vm, p50, p95, scenarios, $"{Name}:{forecast.Model}", HasHistory: true);
    }

    /// <summary>Scenario k, hour h: the engine's mean at h plus (same hour k+1 days before plan time − median of those same hours).</summary>
    private static double[][] Scenarios(double[] grid, double[] mean, int days)
    {
        var horizon = mean.Length;
        var scenarios = new double[days][];
        for (var k = 0; k < days; k++)
        {
            scenarios[k] = new double[horizon];
        }

        var sameHour = new double[days];
        for (var h = 0; h < horizon; h++)
        {
            var hourOfDay = h % 24;
            for (var k = 0; k < days; k++)
            {
                sameHour[k] = grid[grid.Length - ((k + 1) * 24) + hourOfDay];
            }

            var median = Quantiles.Median(sameHour);
            for (var k = 0; k < days; k++)
            {
                // A missing hour deviates by nothing: a gap must not look like an idle or a busy day.
                var deviation = double.IsNaN(sameHour[k]) || double.IsNaN(median) ? 0 : sameHour[k] - median;
                scenarios[k][h] = Math.Max(0, mean[h] + deviation);
            }
        }

        return scenarios;
    }
}
