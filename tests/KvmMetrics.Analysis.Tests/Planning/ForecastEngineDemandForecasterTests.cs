using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Planning;
using static KvmMetrics.Analysis.Tests.Planning.PlanningFixtures;

namespace KvmMetrics.Analysis.Tests.Planning;

public class ForecastEngineDemandForecasterTests
{
    [Fact]
    public void Forecast_DailyPattern_GivesQuantilesOverTheHorizonAndPlansWithThem()
    {
        var series = Series("vm1", ClusterMetrics.CpuCores, t => (t % 86_400 / 3600) is >= 8 and < 18 ? 4 : 1, days: 28);
        var forecaster = new ForecastEngineDemandForecaster { JointScenarios = false };

        var f = forecaster.Forecast("vm1", series, PlanTime, 24, 8);

        Assert.True(f.HasHistory);
        Assert.Equal(24, f.P50.Length);
        Assert.Empty(f.Scenarios);
        Assert.StartsWith("forecast-engine:", f.Model, StringComparison.Ordinal);
        Assert.InRange(f.P50[12], 3.5, 4.5);
        Assert.InRange(f.P50[2], 0.5, 1.5);
        Assert.All(f.P95.Zip(f.P50), p => Assert.True(p.First >= p.Second));

        var (snapshot, _) = HotCluster();
        var history = new ClusterHistory(snapshot.Vms.Select((v, i) => Cpu(v.Name, i < 4 ? 2.0 : 0.5, days: 28)));
        var plan = new MigrationPlanner(forecaster).Plan(snapshot, history, PlannerState.Empty);
        Assert.Equal("forecast-engine", plan.Forecaster);
        Assert.NotEmpty(plan.Moves);
    }

    [Fact]
    public void Forecast_JointScenarios_AreTheEnginesMeanPlusEachDaysSameHourDeviation()
    {
        // Every day is 1 core except the day before plan time, which is 3 cores all day: the same-hour median is 1, so
        // scenario 0 (yesterday) is 2 cores above the engine's mean and the six others equal it.
        var series = Series("vm1", ClusterMetrics.CpuCores, t => t >= PlanTime - 86_400 ? 3 : 1, days: 28);

        var f = new ForecastEngineDemandForecaster().Forecast("vm1", series, PlanTime, 48, 8);

        Assert.Equal(7, f.Scenarios.Length);
        Assert.StartsWith("forecast-engine+same-hour-scenarios:", f.Model, StringComparison.Ordinal);
        for (var h = 0; h < 48; h++)
        {
            Assert.Equal(f.P50[h] + 2, f.Scenarios[0][h], 6);
            Assert.All(f.Scenarios.Skip(1), s => Assert.Equal(f.P50[h], s[h], 6));
        }
    }
}
