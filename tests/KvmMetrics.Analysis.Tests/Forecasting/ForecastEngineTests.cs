using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.Forecasting.Models;
using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Tests.Forecasting;

public sealed class ForecastEngineTests
{
    [Fact]
    public void Forecast_WhiteNoise_KeepsTheBaselineAndSaysSo()
    {
        // Against white noise every model is only noise-fitting; restrict the candidates to ones that
        // cannot average the noise away, so "nothing beats the baseline" is the true answer.
        var rng = new Random(11);
        var values = Enumerable.Range(0, 24 * 28).Select(_ => 10 + Synthetic.Gaussian(rng)).ToArray();
        var engine = new ForecastEngine(new ForecastOptions { Models = [new SeasonalNaiveForecaster(weekly: true), new LinearTrendForecaster(window: 6)], Ensemble = false });

        var forecast = engine.Forecast(new RegularSeries(0, 3600, values), 24);

        Assert.True(forecast.IsBaseline);
        Assert.Equal(SeasonalNaiveForecaster.DailyName, forecast.Model);
        Assert.Contains("no model beat", forecast.Reason, StringComparison.Ordinal);
        Assert.Equal(1.0, forecast.BacktestScore);
    }

    [Fact]
    public void Forecast_NoisySeasonalSeries_SelectsAModelThatBeatsTheBaseline()
    {
        var values = Synthetic.DailySine(24 * 28, noise: 0.8, seed: 5);

        var result = new ForecastEngine().Evaluate(new RegularSeries(0, 3600, values), 24, includeCandidates: true);

        Assert.False(result.Selected.IsBaseline);
        Assert.True(result.Selected.BacktestScore < 1.0);
        Assert.Contains(result.Ranking, r => r.Model == result.Selected.Model);
        Assert.Equal(result.Ranking.Count, result.Candidates.Count);
        Assert.Equal(24 * 28 * 3600, result.Selected.Start);
    }

    [Fact]
    public void Forecast_IntervalsAreOrderedAndNonNegativeForNonNegativeSeries()
    {
        var values = Synthetic.DailySine(24 * 28, level: 1, amplitude: 1, noise: 0.5, seed: 2).Select(v => Math.Max(0, v)).ToArray();

        var f = new ForecastEngine().Forecast(new RegularSeries(0, 3600, values), 24);

        for (var h = 0; h < 24; h++)
        {
            Assert.True(f.Lower95[h] <= f.Lower80[h] && f.Lower80[h] <= f.Upper80[h] && f.Upper80[h] <= f.Upper95[h]);
            Assert.True(f.P95[h] <= f.Upper95[h]);
            Assert.True(f.Lower95[h] >= 0 && f.Mean[h] >= 0);
        }
    }

    [Fact]
    public void Forecast_HistoryWithGaps_StillForecastsEveryStep()
    {
        var values = Synthetic.DailySine(24 * 28, noise: 0.3);
        for (var i = 200; i < 230; i++)
        {
            values[i] = double.NaN; // a 30 h outage, as in the Bitbrains trace
        }

        var f = new ForecastEngine().Forecast(new RegularSeries(0, 3600, values), 24);

        Assert.All(f.Mean, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void Forecast_TooShortForABacktest_UsesTheBaselineWithAReason()
    {
        var f = new ForecastEngine().Forecast(new RegularSeries(0, 3600, [1, 2, 3, 4, 5]), 24);

        Assert.True(f.IsBaseline);
        Assert.True(double.IsNaN(f.BacktestScore));
        Assert.Contains("too short", f.Reason, StringComparison.Ordinal);
        Assert.Equal(24, f.Horizon);
    }

    [Fact]
    public void Forecast_NoObservedValue_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => new ForecastEngine().Forecast(new RegularSeries(0, 3600, [double.NaN, double.NaN]), 24));
    }
}
