using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Forecasting.Models;

/// <summary>
/// Flat forecast at the median of the last <c>k</c> steps (k = 1 is the naive last-value forecast).
/// On bursty, mostly idle VMs the recent level predicts the next day better than yesterday's same
/// hour, and the median ignores a burst that has just ended.
/// </summary>
public sealed class RecentMedianForecaster : IForecaster
{
    private readonly int _steps;

    /// <summary>Median of the last <paramref name="steps"/> values.</summary>
    public RecentMedianForecaster(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        _steps = steps;
    }

    /// <inheritdoc />
    public string Name => _steps == 1 ? "naive-last-value" : $"recent-median-{_steps}";

    /// <inheritdoc />
    public int MinimumLength(Seasonality seasonality) => _steps;

    /// <inheritdoc />
    public IFittedForecaster Fit(ReadOnlySpan<double> history, Seasonality seasonality, IFittedForecaster? warmStart = null) =>
        new Flat(Stats.Median(history[Math.Max(0, history.Length - _steps)..]));

    private sealed class Flat(double level) : IFittedForecaster
    {
        public double[] Forecast(int horizon)
        {
            var result = new double[horizon];
            Array.Fill(result, level);
            return result;
        }
    }
}
