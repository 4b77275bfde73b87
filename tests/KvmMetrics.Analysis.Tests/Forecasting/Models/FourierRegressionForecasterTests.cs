using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.Forecasting.Models;

namespace KvmMetrics.Analysis.Tests.Forecasting.Models;

public sealed class FourierRegressionForecasterTests
{
    private static readonly Seasonality Hourly = Seasonality.ForStep(3600);

    [Fact]
    public void Forecast_PureSinePlusTrend_IsWithinTolerance()
    {
        var all = Synthetic.DailySine(24 * 28 + 72, slope: 0.01);

        var forecast = new FourierRegressionForecaster().Fit(all[..^72], Hourly).Forecast(72);

        Assert.True(Synthetic.MaxAbsError(all[^72..], forecast) < 0.05, $"max error {Synthetic.MaxAbsError(all[^72..], forecast)}");
    }

    [Fact]
    public void Fit_IsRobustToBursts()
    {
        var all = Synthetic.DailySine(24 * 28 + 24, noise: 0.1);
        var history = all[..^24].ToArray();
        for (var i = 5; i < history.Length; i += 37)
        {
            history[i] += 50; // short bursts, as on real VMs
        }

        var forecast = new FourierRegressionForecaster().Fit(history, Hourly).Forecast(24);

        Assert.True(Synthetic.MaxAbsError(all[^24..], forecast) < 0.5, $"max error {Synthetic.MaxAbsError(all[^24..], forecast)}");
    }

    [Fact]
    public void LinearTrend_MonotoneSeries_IsExtrapolated()
    {
        var history = Enumerable.Range(0, 100).Select(i => 1000.0 + (2 * i)).ToArray();

        var forecast = new LinearTrendForecaster().Fit(history, Hourly).Forecast(3);

        Assert.Equal(1200, forecast[0], 9);
        Assert.Equal(1204, forecast[2], 9);
    }

    [Fact]
    public void MedianEnsemble_TakesTheStepwiseMedianOfItsMembers()
    {
        var history = new[] { 1.0, 5, 3 };
        var ensemble = new MedianEnsembleForecaster("e", new RecentMedianForecaster(1), new RecentMedianForecaster(2), new RecentMedianForecaster(3));

        var forecast = ensemble.Fit(history, new Seasonality(0, 0)).Forecast(2);

        Assert.Equal([3.0, 3.0], forecast);
    }
}
