using KvmMetrics.Analysis.Forecasting;

namespace KvmMetrics.Analysis.Tests.Forecasting;

public sealed class ModelGuardTests
{
    private const string Combo = "combo";
    private const string Median = "median7";

    [Theory]
    // combo 1.0 vs others: a challenger needs MAE < 1.0 / 1.1 = 0.909 to win over the combo
    [InlineData(1.0, 1.2, 0.95, 1.3, Combo, false)]      // global 0.95 is not 10% better than the combo
    [InlineData(1.0, 1.2, 0.90, 1.3, "global", false)]   // 0.90 * 1.1 = 0.99 < 1.0
    [InlineData(1.0, 1.05, 1.3, 1.3, Combo, false)]      // combo ranked first and beat the median
    [InlineData(1.0, 0.95, 1.3, 1.3, Median, true)]      // median 0.95 * 1.1 > 1.0: combo ranked first, but it did not beat the median: guard
    [InlineData(1.0, 0.80, 1.3, 1.3, Median, false)]     // the median ranked first outright
    public void Choose_AppliesTheMarginThenTheGuard(double combo, double median, double global, double naive, string expected, bool guard)
    {
        var mae = new[] { Pair(Median, median), Pair(Combo, combo), Pair("global", global), Pair("naive", naive) };

        var choice = ModelGuard.Choose(mae, Combo, Median, 0.10, 3);

        Assert.Equal(expected, choice.Model);
        Assert.Equal(guard, choice.GuardFellBack);
        Assert.Contains("3-origin", choice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Choose_GuardFallback_NamesBothModelsAndFigures()
    {
        var choice = ModelGuard.Choose([Pair(Median, 2.0), Pair(Combo, 2.1)], Combo, Median, 0.10, 5);

        Assert.True(choice.GuardFellBack);
        Assert.Equal(Combo, choice.Best);
        Assert.Equal("guard: combo (MAE 2.1) did not beat median7 (2) in a 5-origin backtest; median7 is used", choice.Reason);
    }

    [Fact]
    public void Choose_NaNCandidatesAreIgnored()
    {
        var choice = ModelGuard.Choose([Pair(Median, 1.0), Pair(Combo, double.NaN), Pair("naive", 0.5)], Combo, Median, 0.10, 3);

        Assert.Equal("naive", choice.Model);
    }

    private static KeyValuePair<string, double> Pair(string name, double mae) => new(name, mae);
}
