using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Tests.TimeSeries;

public sealed class CounterRateTests
{
    [Fact]
    public void ToRate_SteadyCounter_GivesPerSecondRate()
    {
        var (ts, rates) = CounterRate.ToRate([0, 10, 20], [100, 200, 400]);

        Assert.Equal([10L, 20L], ts);
        Assert.Equal([10.0, 20.0], rates);
    }

    [Fact]
    public void ToRate_CounterReset_CountsTheNewValueAsTheIncrease()
    {
        // 1000 -> 30: the counter restarted from 0 and has counted 30 since.
        var (_, rates) = CounterRate.ToRate([0, 10, 20, 30], [900, 1000, 30, 130]);

        Assert.Equal([10.0, 3.0, 10.0], rates);
        Assert.All(rates, r => Assert.True(r >= 0));
    }

    [Fact]
    public void ToRate_RepeatedTimestamp_IsSkipped()
    {
        var (ts, rates) = CounterRate.ToRate([0, 10, 10, 20], [0, 10, 11, 20]);

        Assert.Equal([10L, 20L], ts);
        Assert.Equal([1.0, 0.9], rates);
    }

    [Fact]
    public void ToRegularRate_ResamplesTheRatesByMean()
    {
        var s = CounterRate.ToRegularRate([0, 30, 60, 90, 120], [0, 30, 90, 120, 150], 60);

        Assert.Equal([1.0, 1.5, 1.0], s.Values);
    }
}
