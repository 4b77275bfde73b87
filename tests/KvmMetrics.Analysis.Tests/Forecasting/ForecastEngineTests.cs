using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.Forecasting.Models;
using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Tests.Forecasting;

public sealed class ForecastEngineTests
{
    [Fact]
    public void ForecastMany_HeldOutSyntheticFleet_GlobalModelBeatsSeasonalNaive()
    {
        // Bursty "VMs": a daily shape of per-series amplitude, one-hour bursts on 6% of hours and a level that
        // drifts by day. Seasonal naive copies yesterday's bursts; the global model must learn to ignore them.
        // Scored on the 3 days after each series' history, which no model saw (BacktestEvaluator).
        var fleet = Enumerable.Range(0, 40).Select(i => new RegularSeries(0, 3600, BurstyVm((24 * 31) + 48, seed: 1000 + i))).ToArray();

        var report = BacktestEvaluator.Evaluate(fleet, new BacktestSettings(24, 3, 24 * 28));

        var global = report.Rows.Single(r => r.Model == ForecastEngine.GlobalName);
        var selected = report.Rows.Single(r => r.Model == BacktestEvaluator.SelectedRow);
        Assert.Equal(40, global.Series);
        Assert.True(global.AvgRelMae < 0.85, $"global model AvgRelMAE {global.AvgRelMae:0.000} vs seasonal naive 1.0");
        Assert.True(selected.AvgRelMae < 0.85, $"selected AvgRelMAE {selected.AvgRelMae:0.000}");
    }

    [Fact]
    public void ForecastMany_ResultsAreInInputOrderAndStartAtEachSeriesEnd()
    {
        var a = new RegularSeries(0, 3600, BurstyVm(24 * 20, seed: 1));
        var b = new RegularSeries(7200, 3600, BurstyVm(24 * 21, seed: 2));

        var f = new ForecastEngine().ForecastMany([a, b], 24);

        Assert.Equal([a.End, b.End], f.Select(x => x.Start));
        Assert.All(f, x => Assert.Equal(24, x.Horizon));
    }

    [Fact]
    public void Forecast_ModelNameIsOneOfTheCandidatesAndTheReasonHasTheFigures()
    {
        var f = new ForecastEngine().Forecast(new RegularSeries(0, 3600, BurstyVm(24 * 28, seed: 3)), 24);

        Assert.Contains(f.Model, new[] { ForecastEngine.ComboName, ForecastEngine.GlobalName, ForecastEngine.MedianName, ForecastEngine.EtsName, SeasonalNaiveForecaster.DailyName });
        Assert.Contains("MAE", f.Reason, StringComparison.Ordinal);
        Assert.Equal(f.Model == ForecastEngine.MedianName, f.IsBaseline);
    }

    internal static double[] BurstyVm(int length, int seed)
    {
        var rng = new Random(seed);
        var amplitude = 0.5 + (2 * rng.NextDouble());
        var level = 0.2 + rng.NextDouble();
        var y = new double[length];
        for (var t = 0; t < length; t++)
        {
            if (t % 24 == 0)
            {
                level = Math.Max(0.05, level * (1 + (0.1 * Synthetic.Gaussian(rng))));
            }

            var hour = t % 24;
            var shape = hour is >= 8 and < 18 ? amplitude : 0.1 * amplitude;
            var burst = rng.NextDouble() < 0.06 ? 3 * (amplitude + level) * rng.NextDouble() : 0;
            y[t] = Math.Max(0, level + shape + burst + (0.05 * Synthetic.Gaussian(rng)));
        }

        return y;
    }

    [Fact]
    public void Forecast_NoisySeasonalSeries_SelectsAModelThatBeatsTheBaseline()
    {
        var values = Synthetic.DailySine(24 * 28, noise: 0.8, seed: 5);

        var result = new ForecastEngine().Evaluate(new RegularSeries(0, 3600, values), 24, includeCandidates: true);

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
