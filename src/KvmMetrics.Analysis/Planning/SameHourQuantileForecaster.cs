using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Data;

namespace KvmMetrics.Analysis.Planning;

/// <summary>
/// The default demand forecaster: the hourly means of the same hour on each of the last
/// <see cref="ScenarioDays"/> days become equally likely scenarios for the coming day; p50 is the median of the
/// last <see cref="MedianDays"/> same hours (on the Bitbrains traces this beats daily seasonal naive by about 26%,
/// see ../shared/data/README.md) and p95 the 95th percentile of all scenarios. Hours past the first day repeat the
/// daily profile. Missing hours in a scenario take that hour's median, so a gap never looks like an idle VM.
/// </summary>
public sealed class SameHourQuantileForecaster : IDemandForecaster
{
    /// <summary>
    /// Days of history replayed as scenarios. Default 7: one of each weekday, and on the planner benchmark's training
    /// samples the last week predicted the next one as well as the last 10 days and better than 14, 21 or 28 (docs/planning.md).
    /// </summary>
    public int ScenarioDays { get; init; } = 7;

    /// <summary>Days whose same hour gives the median. Default 7.</summary>
    public int MedianDays { get; init; } = 7;

    /// <inheritdoc />
    public string Name => "same-hour-quantiles";

    /// <inheritdoc />
    public DemandForecast Forecast(string vm, RawSeries? cpuCores, long planTime, int horizonHours, double fallbackCores)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizonHours);
        var days = ScenarioDays;
        var grid = HourlyGrid.Means(cpuCores, planTime - (days * HourlyGrid.Day), days * 24);
        if (grid.All(double.IsNaN))
        {
            var flat = Enumerable.Repeat(fallbackCores, horizonHours).ToArray();
            return new DemandForecast(vm, flat, [.. flat], [], Name + " (no history: allocation assumed)", HasHistory: false);
        }

        var overall = Quantiles.Median(grid);
        var scenarios = new double[days][];
        for (var k = 0; k < days; k++)
        {
            scenarios[k] = new double[horizonHours];
        }

        var p50 = new double[horizonHours];
        var p95 = new double[horizonHours];
        var sameHour = new double[days];
        for (var h = 0; h < horizonHours; h++)
        {
            var hourOfDay = h % 24;

            // Scenario k (k = 0 is yesterday) is the same hour k+1 days before the plan time.
            for (var k = 0; k < days; k++)
            {
                sameHour[k] = grid[((days - 1 - k) * 24) + hourOfDay];
            }

            var hourMedian = Quantiles.Median(sameHour);
            if (double.IsNaN(hourMedian))
            {
                hourMedian = overall;
            }

            for (var k = 0; k < days; k++)
            {
                scenarios[k][h] = double.IsNaN(sameHour[k]) ? hourMedian : sameHour[k];
            }

            var recent = Quantiles.Median(sameHour.Take(MedianDays));
            p50[h] = double.IsNaN(recent) ? hourMedian : recent;
            p95[h] = Math.Max(p50[h], Quantiles.Of(scenarios.Select(s => s[h]), 0.95));
        }

        return new DemandForecast(vm, p50, p95, scenarios, Name, HasHistory: true);
    }
}
