using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Forecasting.Models;

/// <summary>
/// A fixed robust combination: the median, step by step, of several models' forecasts. Combining
/// forecasts that fail in different ways (yesterday's shape, the recent level, the weekly median) is
/// steadier than picking one per series from a short backtest, where the choice itself is noisy.
/// </summary>
public sealed class MedianEnsembleForecaster : IForecaster
{
    private readonly IForecaster[] _members;

    /// <summary>Creates the ensemble under <paramref name="name"/> from at least two members.</summary>
    public MedianEnsembleForecaster(string name, params IForecaster[] members)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentOutOfRangeException.ThrowIfLessThan(members.Length, 2, nameof(members));
        Name = name;
        _members = members;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int MinimumLength(Seasonality seasonality) => _members.Max(m => m.MinimumLength(seasonality));

    /// <inheritdoc />
    public IFittedForecaster Fit(ReadOnlySpan<double> history, Seasonality seasonality, IFittedForecaster? warmStart = null)
    {
        var previous = warmStart as Fitted;
        var fitted = new IFittedForecaster[_members.Length];
        for (var i = 0; i < _members.Length; i++)
        {
            fitted[i] = _members[i].Fit(history, seasonality, previous?.Members[i]);
        }

        return new Fitted(fitted);
    }

    private sealed class Fitted(IFittedForecaster[] members) : IFittedForecaster
    {
        public IFittedForecaster[] Members => members;

        public double[] Forecast(int horizon)
        {
            var forecasts = members.Select(m => m.Forecast(horizon)).ToArray();
            var result = new double[horizon];
            Span<double> column = stackalloc double[forecasts.Length];
            for (var h = 0; h < horizon; h++)
            {
                for (var m = 0; m < forecasts.Length; m++)
                {
                    column[m] = forecasts[m][h];
                }

                result[h] = Stats.Median(column);
            }

            return result;
        }
    }
}
