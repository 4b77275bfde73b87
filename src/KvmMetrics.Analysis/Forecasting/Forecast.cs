namespace KvmMetrics.Analysis.Forecasting;

/// <summary>
/// A forecast of one series: point forecast, 80% and 95% prediction intervals and the p95 quantile
/// forecast per future step, plus which model produced it and how well it backtested.
/// </summary>
/// <param name="Start">Unix seconds of the first forecast step (the end of the history).</param>
/// <param name="Step">Seconds per step.</param>
/// <param name="Mean">Point forecast per step.</param>
/// <param name="Lower80">Lower bound of the 80% interval (10% quantile).</param>
/// <param name="Upper80">Upper bound of the 80% interval (90% quantile).</param>
/// <param name="Lower95">Lower bound of the 95% interval (2.5% quantile).</param>
/// <param name="Upper95">Upper bound of the 95% interval (97.5% quantile).</param>
/// <param name="P95">The 95% quantile forecast (one-sided): demand to size for.</param>
/// <param name="Model">The model that produced <paramref name="Mean"/> (the selection winner).</param>
/// <param name="BacktestScore">
/// The model's MAE relative to daily seasonal naive on the series' own rolling-origin backtest
/// (below 1 beats the baseline); NaN when the history was too short for a backtest.
/// </param>
/// <param name="IsBaseline">True when the baseline was used (nothing beat it, or too little history).</param>
/// <param name="Reason">One sentence saying why this model was chosen.</param>
public sealed record Forecast(
    long Start,
    long Step,
    double[] Mean,
    double[] Lower80,
    double[] Upper80,
    double[] Lower95,
    double[] Upper95,
    double[] P95,
    string Model,
    double BacktestScore,
    bool IsBaseline,
    string Reason)
{
    /// <summary>Number of forecast steps.</summary>
    public int Horizon => Mean.Length;

    /// <summary>Unix seconds at which forecast step <paramref name="index"/> starts.</summary>
    public long TimeAt(int index) => Start + (index * Step);
}
