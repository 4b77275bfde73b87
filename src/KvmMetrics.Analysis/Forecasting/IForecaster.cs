namespace KvmMetrics.Analysis.Forecasting;

/// <summary>
/// One forecasting model. Pure: fitting reads only the given history, so a model can be backtested
/// from any origin. Histories given to models are gap-free (the engine fills gaps first with
/// <see cref="TimeSeries.GapFiller"/>).
/// </summary>
public interface IForecaster
{
    /// <summary>Stable model name used in outputs and backtest tables (e.g. <c>holt-winters-damped</c>).</summary>
    string Name { get; }

    /// <summary>The shortest history (in steps) the model can fit with these seasons.</summary>
    int MinimumLength(Seasonality seasonality);

    /// <summary>Fits the model to <paramref name="history"/> (no NaN).</summary>
    /// <param name="history">Gap-free values, oldest first.</param>
    /// <param name="seasonality">Daily/weekly season lengths in steps.</param>
    /// <param name="warmStart">
    /// A model this forecaster fitted earlier on an overlapping history of the same series. Models with
    /// costly parameter optimisation (Holt-Winters, SSA) reuse its parameters and only re-run their
    /// filter, which keeps rolling-origin backtests cheap; pass null for a full fit.
    /// </param>
    IFittedForecaster Fit(ReadOnlySpan<double> history, Seasonality seasonality, IFittedForecaster? warmStart = null);
}

/// <summary>A fitted model: point forecasts from the end of the history it was fitted on.</summary>
public interface IFittedForecaster
{
    /// <summary>Point forecasts for the next <paramref name="horizon"/> steps.</summary>
    double[] Forecast(int horizon);
}
