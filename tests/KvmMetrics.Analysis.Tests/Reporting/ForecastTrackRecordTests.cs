using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.Reporting;
using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Tests.Reporting;

public class ForecastTrackRecordTests
{
    [Fact]
    public void Compare_HandMadeForecast_GivesMaeWidthCoverageAndBias()
    {
        // Forecast 10 every hour, 80% band 9..11, 95% band 8..12; actual 10, 11.5, 13, NaN.
        var f = new Forecast(0, 3600, [10, 10, 10, 10], [9, 9, 9, 9], [11, 11, 11, 11], [8, 8, 8, 8], [12, 12, 12, 12], [12, 12, 12, 12], "m", 1, false, "");

        var s = ForecastScore.Compare(f, [10, 11.5, 13, double.NaN])!;

        Assert.Equal(3, s.Hours);
        Assert.Equal((0 + 1.5 + 3) / 3, s.Mae, 9);
        Assert.Equal(-1.5, s.Bias, 9);
        Assert.Equal(4, s.Width95, 9);
        Assert.Equal(1.0 / 3, s.Coverage80, 9);
        Assert.Equal(2.0 / 3, s.Coverage95, 9);
        Assert.Equal(1.5 / 11.5, s.MaeShare, 9);
        Assert.Null(ForecastScore.Compare(f, [double.NaN]));
    }

    [Fact]
    public void Weekly_DailyPattern_ScoresEachOfTheLastFourWeeksOnTheWeekThatFollowed()
    {
        var values = Enumerable.Range(0, 42 * 24).Select(h => 20 + (8 * Math.Sin(2 * Math.PI * (h % 24) / 24))).ToArray();
        var series = new RegularSeries(1_700_000_000 - (1_700_000_000 % 86_400), 3600, values);

        var record = TrackRecord.Weekly(new ForecastEngine(), series, 4, "cores", 1);

        Assert.Equal(4, record.Weeks.Count);
        Assert.All(record.Weeks, w => Assert.Equal(168, w.Hours));
        Assert.Equal(series.TimeAt(series.Length - 168), record.Weeks[0].Origin);
        Assert.Equal(7 * 86_400, record.Weeks[0].Origin - record.Weeks[1].Origin);
        Assert.True(record.Pooled!.MaeShare < 0.05, $"a clean daily pattern is easy: MAE {record.Pooled.Mae}");
        Assert.Equal(4 * 168, record.Pooled.Hours);
        Assert.StartsWith("over the last 4 week(s) the 7-day forecast was off by ", record.Summary, StringComparison.Ordinal);
        Assert.Contains("cores wide", record.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Weekly_TooLittleHistoryBeforeAnOrigin_LeavesThatWeekOut()
    {
        var series = new RegularSeries(0, 3600, [.. Enumerable.Range(0, 16 * 24).Select(h => 5.0 + (h % 24))]);

        var record = TrackRecord.Weekly(new ForecastEngine(), series, 4, "cores", 1);

        // 16 days: origins at day 9 (9 days before it) and day 2 (too few); further origins fall before the start.
        Assert.Single(record.Weeks);
    }

    [Fact]
    public void Words_WideInterval_SaysItIsWiderThanTheMean()
    {
        var s = new ForecastScore(0, "m", 100, 3, 10, 0.1, 25, 0.8, 0.96);

        var text = TrackRecord.Words(s, "cores", 1);

        Assert.Equal("off by 3.0 cores per hour on average (30% of the mean 10.0), without a clear bias; the 95% interval was 25.0 cores wide (wider than the mean itself, so a single hour is hard to pin down) and held 96% of 100 hours (80% interval: 80%)", text);
    }
}
