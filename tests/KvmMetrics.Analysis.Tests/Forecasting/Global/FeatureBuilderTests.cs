using KvmMetrics.Analysis.Forecasting.Global;

namespace KvmMetrics.Analysis.Tests.Forecasting.Global;

public sealed class FeatureBuilderTests
{
    // y[t] = t for t = 0..39 with a "day" of 4 steps and a "week" of 8: every expected value below is
    // worked out by hand from that formula, not read from the code.
    private static readonly double[] Ramp = Enumerable.Range(0, 40).Select(t => (double)t).ToArray();

    [Fact]
    public void Baseline_IsTheMedianOfTheSevenSameHourValuesBeforeTheOrigin()
    {
        // origin 36, step 1 -> target t = 37; same hour on previous days: 33, 29, 25, 21, 17, 13, 9 -> median 21.
        Assert.Equal(21, FeatureBuilder.Baseline(Ramp, 36, 1, 4));
        // step 5 -> t = 41 lies more than a day ahead: the most recent same hour before 36 is 41 - 2*4 = 33.
        // 33, 29, ..., 9 again -> 21.
        Assert.Equal(21, FeatureBuilder.Baseline(Ramp, 36, 5, 4));
    }

    [Fact]
    public void Scale_IsTheMeanAbsoluteValueOfTheLastWeek()
    {
        // values 28..35 -> mean 31.5
        Assert.Equal(31.5, FeatureBuilder.Scale(Ramp, 36, 8), 12);
        Assert.True(FeatureBuilder.Scale(new double[10], 10, 8) > 0);
    }

    [Fact]
    public void Fill_WritesStepCalendarSameHourLagAndRollingFeaturesScaled()
    {
        var block = FeatureBuilder.Origin(Ramp, 36, 4, 8);
        var f = new float[FeatureBuilder.Count];
        // target time: Unix 1970-01-05 (a Monday) 13:00 = 4 days + 13 h
        var baseline = FeatureBuilder.Fill(Ramp, 36, 1, (4 * 86_400) + (13 * 3600), 4, 8, block, f);
        var names = FeatureBuilder.Names;
        float F(string name) => f[names.ToList().IndexOf(name)];
        const double s = 31.5;

        Assert.Equal(FeatureBuilder.Count, names.Count);
        Assert.Equal(21, baseline);
        Assert.Equal(2, F("step"));
        Assert.Equal(13, F("hour_of_day"));
        Assert.Equal(1, F("day_of_week")); // Thursday = 0 at the epoch, so Monday = 4 days later = (4 + 4) % 7 = 1
        Assert.Equal(Math.Log(s), F("log_scale"), 5);
        Assert.Equal(21 / s, F("baseline_median7"), 5);
        Assert.Equal(29 / s, F("lag_week"), 5);        // t - 8 = 29 < origin
        Assert.Equal(33 / s, F("same_hour_1d"), 5);
        Assert.Equal(9 / s, F("same_hour_7d"), 5);
        Assert.Equal(21 / s, F("same_hour_mean"), 5);   // mean of 9, 13, ..., 33
        Assert.Equal(9 / s, F("same_hour_min"), 5);
        Assert.Equal(33 / s, F("same_hour_max"), 5);
        Assert.Equal(15 / s, F("same_hour_q25"), 5);    // type 7 quantile at 1.5 of 0..6: 13 + 0.5*4
        Assert.Equal(35 / s, F("lag_1"), 5);
        Assert.Equal(12 / s, F("lag_24"), 5);
        Assert.Equal(33.5 / s, F("day_mean"), 5);       // last 4 values 32..35
        Assert.Equal(((33.5) - 21) / s, F("last_day_mean_minus_baseline"), 5);
        Assert.Equal(31.5 / s, F("week_q50"), 5);       // 28..35
        Assert.Equal(0.25, F("days_ahead"), 5);
    }

    [Theory]
    [InlineData(2.0, 1.0, 1.0)]
    [InlineData(0.0, 1.0, 1.0)]
    [InlineData(5.0, 0.0, 2.0)]
    public void Target_RoundTripsThroughFromTarget(double actual, double baseline, double scale)
    {
        var target = FeatureBuilder.Target(actual, baseline, scale);

        // log((a + 0.05 s) / (b + 0.05 s)), computed here independently
        Assert.Equal(Math.Log((actual + (0.05 * scale)) / (baseline + (0.05 * scale))), target, 5);
        Assert.Equal(actual, FeatureBuilder.FromTarget(target, baseline, scale), 4);
    }

    [Fact]
    public void Target_ExtremeRatiosAreClipped()
    {
        Assert.Equal(4, FeatureBuilder.Target(1e9, 0, 1));
        Assert.Equal(-4, FeatureBuilder.Target(0, 1e9, 1));
    }
}
