namespace KvmMetrics.Analysis.Forecasting;

/// <summary>The engine's answer for one series: the selected forecast and, when asked, every candidate's.</summary>
/// <param name="Selected">The forecast of the selection winner (or of the baseline when nothing beat it).</param>
/// <param name="Candidates">One forecast per evaluated model (including the baseline and the ensemble), in ranking order; empty unless requested.</param>
/// <param name="Ranking">Every evaluated model with its backtest score (MAE relative to daily seasonal naive), best first.</param>
public sealed record ForecastResult(Forecast Selected, IReadOnlyList<Forecast> Candidates, IReadOnlyList<ModelScore> Ranking);

/// <summary>A model's score in the per-series selection backtest.</summary>
/// <param name="Model">Model name.</param>
/// <param name="Score">MAE relative to daily seasonal naive (below 1 beats it).</param>
/// <param name="Mae">Mean absolute error over the backtest origins, in the series' unit.</param>
public sealed record ModelScore(string Model, double Score, double Mae);
