using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Forecasting.Models;

/// <summary>
/// The robust seasonal median profile (median of the last <c>k</c> same-hour values) moved to the
/// current level: forecast = profile[phase] + (median of the last few values − median of the profile
/// at those phases). Keeps the daily shape of the seasonal median while following a level change
/// that the 7-day median would need days to pick up. Never below zero for non-negative input
/// (the engine clamps), and adds no trend: the shift is constant over the horizon.
/// </summary>
public sealed class LevelSeasonalMedianForecaster : IForecaster
{
    private readonly int _periods;
    private readonly int _levelSteps;

    /// <summary>Profile from <paramref name="periods"/> days, level from the last <paramref name="levelSteps"/> steps.</summary>
    public LevelSeasonalMedianForecaster(int periods = 7, int levelSteps = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(periods, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(levelSteps, 1);
        _periods = periods;
        _levelSteps = levelSteps;
    }

    /// <inheritdoc />
    public string Name => $"seasonal-median-{_periods}d-level";

    /// <inheritdoc />
    public int MinimumLength(Seasonality seasonality)
    {
        ArgumentNullException.ThrowIfNull(seasonality);
        return Math.Max(_levelSteps, seasonality.Daily);
    }

    /// <inheritdoc />
    public IFittedForecaster Fit(ReadOnlySpan<double> history, Seasonality seasonality, IFittedForecaster? warmStart = null)
    {
        ArgumentNullException.ThrowIfNull(seasonality);
        var season = seasonality.Daily;
        var median = new SeasonalMedianForecaster(_periods);
        if (season == 0 || history.Length < Math.Max(season, _levelSteps))
        {
            return median.Fit(history, seasonality);
        }

        // profile[p] is the forecast for p steps after the end; phase of history[n - j] is profile[(season - j) % season].
        var profile = median.Fit(history, seasonality).Forecast(season);
        var level = Stats.Median(history[^_levelSteps..]);
        Span<double> recentProfile = stackalloc double[_levelSteps];
        for (var j = 1; j <= _levelSteps; j++)
        {
            recentProfile[j - 1] = profile[((season - j) % season + season) % season];
        }

        var shift = level - Stats.Median(recentProfile);
        return new Shifted(profile, shift);
    }

    private sealed class Shifted(double[] profile, double shift) : IFittedForecaster
    {
        public double[] Forecast(int horizon)
        {
            var result = new double[horizon];
            for (var h = 0; h < horizon; h++)
            {
                result[h] = profile[h % profile.Length] + shift;
            }

            return result;
        }
    }
}
