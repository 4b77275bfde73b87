using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.Forecasting.Models;

namespace KvmMetrics.Analysis.Tests.Forecasting.Models;

public sealed class SeasonalMedianForecasterTests
{
    [Fact]
    public void Median_IgnoresASpikeOnOneDay()
    {
        var season = new Seasonality(4, 0);
        // Seven days of the same shape; day 5 has a burst at phase 2.
        var history = new List<double>();
        for (var d = 0; d < 7; d++)
        {
            history.AddRange([1, 2, d == 5 ? 100 : 3, 4]);
        }

        var forecast = new SeasonalMedianForecaster(7).Fit(history.ToArray(), season).Forecast(8);

        Assert.Equal([1.0, 2, 3, 4, 1, 2, 3, 4], forecast);
    }

    [Fact]
    public void Median_UsesOnlyTheLastKPeriods()
    {
        var season = new Seasonality(2, 0);
        double[] history = [50, 50, 1, 10, 2, 20, 3, 30];

        var forecast = new SeasonalMedianForecaster(3).Fit(history, season).Forecast(2);

        Assert.Equal([2.0, 20.0], forecast);
    }

    [Fact]
    public void LevelShifted_FollowsARecentLevelChangeKeepingTheShape()
    {
        var season = new Seasonality(4, 0);
        var history = new List<double>();
        for (var d = 0; d < 7; d++)
        {
            history.AddRange([1, 2, 3, 4]);
        }

        history.AddRange([11, 12, 13, 14]); // level +10 over the last day

        var forecast = new LevelSeasonalMedianForecaster(7, 3).Fit(history.ToArray(), season).Forecast(4);

        Assert.Equal([11.0, 12, 13, 14], forecast);
    }

    [Fact]
    public void RecentMedian_IsFlatAtTheMedianOfTheLastSteps()
    {
        var forecast = new RecentMedianForecaster(3).Fit([9.0, 1, 100, 2], new Seasonality(0, 0)).Forecast(3);

        Assert.Equal([2.0, 2, 2], forecast);
    }
}
