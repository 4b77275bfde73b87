using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Forecasting.Models;

/// <summary>
/// Robust seasonal median: each future step is the median of the last <c>k</c> values at the same
/// phase of the season (e.g. the same hour on each of the last 7 days). Insensitive to one-off spikes,
/// which makes it strong on bursty VM CPU (the README's 0.74 baseline is this model with k = 7, daily).
/// </summary>
public sealed class SeasonalMedianForecaster : IForecaster
{
    private readonly int _periods;
    private readonly bool _weekly;

    /// <summary>Median over the last <paramref name="periods"/> same-phase values of the daily (or weekly) season.</summary>
    public SeasonalMedianForecaster(int periods, bool weekly = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(periods, 1);
        _periods = periods;
        _weekly = weekly;
    }

    /// <inheritdoc />
    public string Name => _weekly ? $"seasonal-median-{_periods}w" : $"seasonal-median-{_periods}d";

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
            var tail = history[Math.Max(0, history.Length - _periods)..];
            return new Fitted([Stats.Median(tail)]);
        }

        var profile = new double[season];
        Span<double> buffer = stackalloc double[_periods];
        var n = history.Length;
        for (var phase = 0; phase < season; phase++)
        {
            // Index of the most recent value with the phase of forecast step `phase`.
            var count = 0;
            for (var j = 1; j <= _periods; j++)
            {
                var index = n - (j * season) + phase;
                if (index < 0)
                {
                    break;
                }

                buffer[count++] = history[index];
            }

            profile[phase] = Stats.Median(buffer[..count]);
        }

        return new Fitted(profile);
    }

    private int Season(Seasonality s) => _weekly ? s.Weekly : s.Daily;

    private sealed class Fitted(double[] profile) : IFittedForecaster
    {
        public double[] Forecast(int horizon)
        {
            var result = new double[horizon];
            for (var h = 0; h < horizon; h++)
            {
                result[h] = profile[h % profile.Length];
            }

            return result;
        }
    }
}
