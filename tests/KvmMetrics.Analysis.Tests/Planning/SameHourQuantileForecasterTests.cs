using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Planning;
using static KvmMetrics.Analysis.Tests.Planning.PlanningFixtures;

namespace KvmMetrics.Analysis.Tests.Planning;

public class SameHourQuantileForecasterTests
{
    [Fact]
    public void Forecast_DailyPattern_FollowsTheHourOfDay()
    {
        // 4 cores from 08:00 to 18:00 UTC, 1 core otherwise; plan time is midnight.
        var series = Series("vm", ClusterMetrics.CpuCores, t => (t % 86_400 / 3600) is >= 8 and < 18 ? 4 : 1);

        var f = new SameHourQuantileForecaster().Forecast("vm", series, PlanTime, 48, fallbackCores: 8);

        Assert.True(f.HasHistory);
        Assert.Equal(1, f.P50[3], 6);
        Assert.Equal(4, f.P50[10], 6);
        Assert.Equal(4, f.P50[24 + 10], 6);
        Assert.Equal(7, f.Scenarios.Length);
        Assert.All(f.P95.Zip(f.P50), p => Assert.True(p.First >= p.Second));
    }

    [Fact]
    public void Forecast_OneBusyDayInTheLastWeek_RaisesP95NotP50()
    {
        var busyDay = PlanTime - (3 * 86_400L);
        var series = Series("vm", ClusterMetrics.CpuCores, t => t >= busyDay && t < busyDay + 86_400 ? 6 : 1);

        var f = new SameHourQuantileForecaster().Forecast("vm", series, PlanTime, 24, 8);

        Assert.Equal(1, f.P50[12], 6);
        Assert.True(f.P95[12] > 2, $"p95 {f.P95[12]}");
    }

    [Fact]
    public void Forecast_ScenarioDays_IsTheNumberOfReplayedDays()
    {
        var series = Series("vm", ClusterMetrics.CpuCores, t => t / 86_400 % 14);

        var week = new SameHourQuantileForecaster().Forecast("vm", series, PlanTime, 24, 8);
        var fortnight = new SameHourQuantileForecaster { ScenarioDays = 14 }.Forecast("vm", series, PlanTime, 24, 8);

        Assert.Equal(7, week.Scenarios.Length);
        Assert.Equal(14, fortnight.Scenarios.Length);
        Assert.Equal(fortnight.Scenarios.Take(7).Select(s => s[5]), week.Scenarios.Select(s => s[5]));
    }

    [Fact]
    public void Forecast_NoHistory_UsesFallbackAndSaysSo()
    {
        var f = new SameHourQuantileForecaster().Forecast("vm", null, PlanTime, 24, fallbackCores: 3);

        Assert.False(f.HasHistory);
        Assert.All(f.P95, v => Assert.Equal(3, v));
        Assert.Contains("no history", f.Model, StringComparison.Ordinal);
    }
}
