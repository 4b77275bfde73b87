using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.Forecasting.Models;

namespace KvmMetrics.Analysis.Tests.Forecasting.Models;

public sealed class SeasonalNaiveForecasterTests
{
    private static readonly Seasonality Hourly = Seasonality.ForStep(3600);

    [Fact]
    public void Daily_RepeatsYesterdayExactly()
    {
        var history = Enumerable.Range(0, 72).Select(i => (double)(i * 7 % 13)).ToArray();

        var forecast = new SeasonalNaiveForecaster().Fit(history, Hourly).Forecast(30);

        for (var h = 0; h < 30; h++)
        {
            Assert.Equal(history[48 + (h % 24)], forecast[h]);
        }
    }

    [Fact]
    public void Weekly_RepeatsLastWeekExactly()
    {
        var history = Enumerable.Range(0, 400).Select(i => (double)i).ToArray();

        var forecast = new SeasonalNaiveForecaster(weekly: true).Fit(history, Hourly).Forecast(24);

        Assert.Equal(history[(400 - 168)..(400 - 144)], forecast);
    }

    [Fact]
    public void ShorterThanASeason_FallsBackToTheLastValue()
    {
        var forecast = new SeasonalNaiveForecaster().Fit([1.0, 2.0, 3.0], Hourly).Forecast(4);

        Assert.Equal([3.0, 3.0, 3.0, 3.0], forecast);
    }
}
