namespace KvmMetrics.Analysis.Forecasting;

/// <summary>How <see cref="ForecastEngine"/> selects and calibrates; the defaults are the ones evaluated in docs/forecasting.md.</summary>
public sealed record ForecastOptions
{
    /// <summary>Rolling origins of the per-series selection backtest (default 7: the last 7 days for daily data).</summary>
    public int BacktestOrigins { get; init; } = 7;

    /// <summary>Candidate models; the daily seasonal naive baseline is always evaluated too.</summary>
    public IReadOnlyList<IForecaster> Models { get; init; } = ForecastEngine.DefaultModels();

    /// <summary>Also consider the median of the best <see cref="EnsembleSize"/> models' forecasts as a candidate.</summary>
    public bool Ensemble { get; init; } = true;

    /// <summary>How many of the best-ranked models the ensemble combines (its median).</summary>
    public int EnsembleSize { get; init; } = 8;

    /// <summary>Most recent steps used at all (0 = the whole history); keeps old regimes out and bounds the cost.</summary>
    public int MaxHistory { get; init; }

    /// <summary>
    /// Multiplier on the calibrated error quantiles (1 = the raw empirical quantiles). The default 1.35
    /// corrects for the optimism of errors measured on the backtest that also chose the model and for
    /// regime changes after the origin; it was set on the Bitbrains evaluation (docs/forecasting.md).
    /// </summary>
    public double IntervalScale { get; init; } = 1.35;

    /// <summary>Checks the ranges; throws <see cref="ArgumentOutOfRangeException"/> naming the option.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BacktestOrigins, 1, nameof(BacktestOrigins));
        ArgumentOutOfRangeException.ThrowIfLessThan(EnsembleSize, 2, nameof(EnsembleSize));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxHistory, nameof(MaxHistory));
        if (!(IntervalScale > 0) || double.IsInfinity(IntervalScale))
        {
            throw new ArgumentOutOfRangeException(nameof(IntervalScale), IntervalScale, "must be positive and finite");
        }

        ArgumentNullException.ThrowIfNull(Models);
        if (Models.Select(m => m.Name).Distinct(StringComparer.Ordinal).Count() != Models.Count)
        {
            throw new ArgumentException("model names must be unique", nameof(Models));
        }
    }
}
