using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Tests.TimeSeries;

public sealed class ResamplerTests
{
    // 5-minute-ish samples over three hours, the middle hour empty.
    private static readonly long[] Times = [3600, 3900, 4500, 7199, 10800, 11100];
    private static readonly double[] Values = [1, 3, 2, 10, 4, 6];

    [Theory]
    [InlineData(Aggregation.Mean, 4.0, 5.0)]
    [InlineData(Aggregation.Max, 10.0, 6.0)]
    public void Resample_AggregatesPerAlignedStepAndLeavesEmptyStepsNaN(Aggregation aggregation, double first, double last)
    {
        var s = Resampler.Resample(Times, Values, 3600, aggregation);

        Assert.Equal(3600, s.Start);
        Assert.Equal(3600, s.Step);
        Assert.Equal(3, s.Length);
        Assert.Equal(first, s.Values[0], 12);
        Assert.True(double.IsNaN(s.Values[1]));
        Assert.Equal(last, s.Values[2], 12);
        Assert.Equal(1, s.MissingCount);
    }

    [Fact]
    public void Resample_Quantile_InterpolatesLinearly()
    {
        var s = Resampler.Resample([0, 1, 2, 3, 4], [5, 1, 4, 2, 3], 60, Aggregation.Quantile, 0.75);

        Assert.Single(s.Values);
        Assert.Equal(4.0, s.Values[0], 12);
    }

    [Fact]
    public void Resample_AlignsToEpochMultiplesOfStep()
    {
        var s = Resampler.Resample([5000, 9000], [1, 2], 3600);

        Assert.Equal(3600, s.Start);
        Assert.Equal(7200, s.TimeAt(1));
        Assert.Equal(10800, s.End);
    }

    [Fact]
    public void Resample_UnsortedInput_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => Resampler.Resample([100, 50], [1, 2], 10));
    }

    [Fact]
    public void Downsample_FiveMinuteMeansToHourly_EqualsDirectResample()
    {
        var fine = new RegularSeries(0, 300, Enumerable.Range(0, 24).Select(i => (double)i).ToArray());

        var hourly = Resampler.Downsample(fine, 3600);

        Assert.Equal([5.5, 17.5], hourly.Values);
    }
}
