using KvmMetrics.Analysis.Forecasting.Global;

namespace KvmMetrics.Analysis.Forecasting;

/// <summary>How <see cref="ForecastEngine"/> trains, selects and calibrates; the defaults are the ones evaluated in docs/forecasting.md.</summary>
public sealed record ForecastOptions
{
    /// <summary>Rolling origins (one day apart) of the per-series selection backtest and of the conformal calibration.</summary>
    public int BacktestOrigins { get; init; } = 3;

    /// <summary>Most recent steps used at all (0 = the whole history); keeps old regimes out and bounds the cost.</summary>
    public int MaxHistory { get; init; }

    /// <summary>Train the global model (off: only the robust baselines compete).</summary>
    public bool GlobalModel { get; init; } = true;

    /// <summary>Only the median of the last 7 same hours (with conformal intervals): the benchmark's anchor.</summary>
    public bool MedianOnly { get; init; }

    /// <summary>Evaluate damped Holt-Winters (ETS) as a candidate too.</summary>
    public bool Ets { get; init; } = true;

    /// <summary>Retrain the global model on the whole history (including the backtest window) for the final forecast.</summary>
    public bool RefitOnAll { get; init; }

    /// <summary>Relative backtest MAE improvement over the combination another candidate needs to be chosen instead (see <see cref="ModelGuard"/>).</summary>
    public double ChallengerMargin { get; init; } = 0.10;

    /// <summary>Multiplier on the conformal offsets (1 = the raw conformal quantiles).</summary>
    public double IntervalScale { get; init; } = 1.0;

    /// <summary>Hyper-parameters of the global model.</summary>
    public GlobalModelOptions Global { get; init; } = new();

    /// <summary>Checks the ranges; throws <see cref="ArgumentOutOfRangeException"/> naming the option.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BacktestOrigins, 1, nameof(BacktestOrigins));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxHistory, nameof(MaxHistory));
        if (!(IntervalScale > 0) || double.IsInfinity(IntervalScale))
        {
            throw new ArgumentOutOfRangeException(nameof(IntervalScale), IntervalScale, "must be positive and finite");
        }

        if (!(ChallengerMargin >= 0 && ChallengerMargin < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ChallengerMargin), ChallengerMargin, "must be in [0, 1)");
        }

        ArgumentNullException.ThrowIfNull(Global);
        Global.Validate();
    }
}
