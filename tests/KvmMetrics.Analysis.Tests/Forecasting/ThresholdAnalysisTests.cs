using KvmMetrics.Analysis.Forecasting;

namespace KvmMetrics.Analysis.Tests.Forecasting;

public sealed class ThresholdAnalysisTests
{
    private static Forecast Rising() => new(
        Start: 0,
        Step: 3600,
        Mean: [1, 2, 3, 4, 5, 6],
        Lower80: [0, 1, 2, 3, 4, 5],
        Upper80: [2, 3, 4, 5, 6, 7],
        Lower95: [0, 0, 1, 2, 3, 4],
        Upper95: [3, 4, 5, 6, 7, 8],
        P95: [2.5, 3.5, 4.5, 5.5, 6.5, 7.5],
        Model: "test",
        BacktestScore: 0.5,
        IsBaseline: false,
        Reason: "test");

    [Fact]
    public void TimeUntilThreshold_UpperBoundReachesFirst()
    {
        var t = ThresholdAnalysis.TimeUntilThreshold(Rising(), 5);

        Assert.Equal(TimeSpan.FromHours(3), t.Conservative);
        Assert.Equal(TimeSpan.FromHours(5), t.Expected);
        Assert.False(t.NotWithinHorizon);
    }

    [Fact]
    public void TimeUntilThreshold_OnlyTheUpperBoundReaches_ExpectedIsNotWithinHorizon()
    {
        var t = ThresholdAnalysis.TimeUntilThreshold(Rising(), 7.5);

        Assert.Equal(TimeSpan.FromHours(6), t.Conservative);
        Assert.Null(t.Expected);
        Assert.Contains("not expected within 6 h", t.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void TimeUntilThreshold_AboveEverything_IsNotWithinHorizon()
    {
        var t = ThresholdAnalysis.TimeUntilThreshold(Rising(), 100);

        Assert.True(t.NotWithinHorizon);
        Assert.Equal(TimeSpan.FromHours(6), t.Horizon);
        Assert.Equal("does not reach 100 within 6 h", t.Describe());
    }
}
