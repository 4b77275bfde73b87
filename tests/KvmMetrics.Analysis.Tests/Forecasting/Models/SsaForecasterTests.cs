using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.Forecasting.Models;

namespace KvmMetrics.Analysis.Tests.Forecasting.Models;

public sealed class SsaForecasterTests
{
    private static readonly Seasonality Hourly = Seasonality.ForStep(3600);

    private static double TwoSines(int t) => 5 + (3 * Math.Sin(2 * Math.PI * t / 24)) + (1.5 * Math.Cos(2 * Math.PI * t / 8));

    [Fact]
    public void Forecast_SumOfTwoSinusoids_IsReproduced()
    {
        var history = Enumerable.Range(0, 24 * 14).Select(TwoSines).ToArray();
        var expected = Enumerable.Range(24 * 14, 48).Select(TwoSines).ToArray();

        var fitted = new SsaForecaster().Fit(history, Hourly);
        var forecast = fitted.Forecast(48);

        Assert.True(Synthetic.MaxAbsError(expected, forecast) < 0.05, $"max error {Synthetic.MaxAbsError(expected, forecast)}");
        Assert.InRange(SsaForecaster.Rank(fitted), 4, 12);
    }

    [Fact]
    public void Forecast_NoisySine_SelectsALowRankAndStaysBounded()
    {
        var history = Synthetic.DailySine(24 * 28, noise: 1.0, seed: 3);

        var fitted = new SsaForecaster().Fit(history, Hourly);
        var forecast = fitted.Forecast(24 * 14);

        Assert.InRange(SsaForecaster.Rank(fitted), 1, 6);
        // Stabilised roots: two weeks ahead the forecast is still within the signal's range.
        Assert.All(forecast, v => Assert.InRange(v, 4, 16));
    }
}
