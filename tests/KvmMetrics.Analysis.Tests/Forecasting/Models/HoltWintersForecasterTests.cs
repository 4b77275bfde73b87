using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.Forecasting.Models;

namespace KvmMetrics.Analysis.Tests.Forecasting.Models;

public sealed class HoltWintersForecasterTests
{
    private static readonly Seasonality Hourly = Seasonality.ForStep(3600);

    [Fact]
    public void Fit_SeriesFromKnownSmoothingProcess_RecoversAlphaRoughly()
    {
        // Innovations form of additive Holt-Winters without trend, alpha = 0.5, gamma = 0.05.
        const double alpha = 0.5, gamma = 0.05;
        var rng = new Random(7);
        var season = Enumerable.Range(0, 24).Select(i => 3 * Math.Sin(2 * Math.PI * i / 24)).ToArray();
        var level = 20.0;
        var y = new double[3000];
        for (var t = 0; t < y.Length; t++)
        {
            var e = Synthetic.Gaussian(rng);
            y[t] = level + season[t % 24] + e;
            level += alpha * e;
            season[t % 24] += gamma * e;
        }

        var fitted = new HoltWintersForecaster(maxEvaluations: 400).Fit(y, Hourly);
        var (a, b, g, phi) = HoltWintersForecaster.Parameters(fitted);

        Assert.InRange(a, 0.35, 0.65);
        Assert.InRange(b, 0, 0.05);
        Assert.InRange(g, 0, 0.3);
        Assert.Equal(1.0, phi);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forecast_SinePlusTrend_IsWithinTolerance(bool damped)
    {
        var all = Synthetic.DailySine(24 * 21 + 24, slope: 0.02, noise: 0.05);
        var history = all[..^24];

        var forecast = new HoltWintersForecaster(damped).Fit(history, Hourly).Forecast(24);

        Assert.True(Synthetic.MaxAbsError(all[^24..], forecast) < 0.5, $"max error {Synthetic.MaxAbsError(all[^24..], forecast)}");
    }

    [Fact]
    public void WarmStart_ReusesParametersAndFollowsTheNewData()
    {
        var a = Synthetic.DailySine(24 * 14);
        var b = a.Select(v => v + 5).ToArray();
        var model = new HoltWintersForecaster(damped: true);
        var first = model.Fit(a, Hourly);

        var second = model.Fit(b, Hourly, first);

        Assert.Equal(HoltWintersForecaster.Parameters(first), HoltWintersForecaster.Parameters(second));
        Assert.InRange(second.Forecast(1)[0] - first.Forecast(1)[0], 4.5, 5.5);
    }
}
