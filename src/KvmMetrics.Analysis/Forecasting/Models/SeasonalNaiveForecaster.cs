namespace KvmMetrics.Analysis.Forecasting.Models;

/// <summary>
/// Seasonal naive: each future step repeats the value one season earlier (yesterday's same hour,
/// or last week's). The baseline every other model is scored against. Falls back to the last value
/// when the history is shorter than a season.
/// </summary>
public sealed class SeasonalNaiveForecaster : IForecaster
{
    private readonly bool _weekly;

    /// <summary>Creates the daily (<paramref name="weekly"/> false) or weekly seasonal naive model.</summary>
    public SeasonalNaiveForecaster(bool weekly = false) => _weekly = weekly;

    /// <summary>The daily seasonal naive baseline's name.</summary>
    public const string DailyName = "seasonal-naive-daily";

    /// <inheritdoc />
    public string Name => _weekly ? "seasonal-naive-weekly" : DailyName;

    /// <inheritdoc />
    public int MinimumLength(Seasonality seasonality)
    {
        ArgumentNullException.ThrowIfNull(seasonality);
        return Math.Max(1, Season(seasonality));
    }

    /// <inheritdoc />
    public IFittedForecaster Fit(ReadOnlySpan<double> history, Seasonality seasonality, IFittedForecaster? warmStart = null)
    {
        ArgumentNullException.ThrowIfNull(seasonality);
        var season = Season(seasonality);
        if (season == 0 || history.Length < season)
        {
            return new Fitted(history.Length == 0 ? [double.NaN] : [history[^1]]);
        }

        return new Fitted(history[^season..].ToArray());
    }

    private int Season(Seasonality s) => _weekly ? s.Weekly : s.Daily;

    private sealed class Fitted(double[] lastSeason) : IFittedForecaster
    {
        public double[] Forecast(int horizon)
        {
            var result = new double[horizon];
            for (var h = 0; h < horizon; h++)
            {
                result[h] = lastSeason[h % lastSeason.Length];
            }

            return result;
        }
    }
}
