using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Tests.TimeSeries;

public sealed class GapFillerTests
{
    private const double N = double.NaN;

    public static TheoryData<double[], int, int, double[]> Cases => new()
    {
        // short gap: straight line between the neighbours
        { [1, N, N, 4], 0, 3, [1, 2, 3, 4] },
        // long gap without season: hold the last value flat (no trend invented)
        { [1, 2, N, N, N, N, 9], 0, 3, [1, 2, 2, 2, 2, 2, 9] },
        // long gap with a season of 3: repeat the previous season's values
        { [1, 5, 9, N, N, N, N, 2], 3, 2, [1, 5, 9, 1, 5, 9, 1, 2] },
        // leading gap: first observed value; trailing gap: last value
        { [N, N, 3, 4, N], 0, 3, [3, 3, 3, 4, 4] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fill_FollowsTheGapRules(double[] input, int season, int maxInterpolate, double[] expected)
    {
        Assert.Equal(expected, GapFiller.Fill(input, season, maxInterpolate));
    }

    [Fact]
    public void Fill_RisingSeriesWithLongTrailingGap_NeverExtrapolatesTheTrend()
    {
        var input = Enumerable.Range(0, 20).Select(i => (double)i).Concat(Enumerable.Repeat(double.NaN, 10)).ToArray();

        var filled = GapFiller.Fill(input);

        Assert.All(filled.Skip(20), v => Assert.Equal(19, v));
    }

    [Fact]
    public void Fill_AllGaps_StaysAllGaps()
    {
        Assert.All(GapFiller.Fill([N, N]), v => Assert.True(double.IsNaN(v)));
    }
}
