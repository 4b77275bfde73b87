using System.Globalization;
using System.IO.Compression;
using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.Forecasting.Models;
using KvmMetrics.Analysis.TimeSeries;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Analysis.Tests.Forecasting;

public sealed class BacktestEvaluatorTests
{
    [Fact]
    public void Evaluate_RealBitbrainsVms_SelectionBeatsDailySeasonalNaive()
    {
        // Four real VMs (Aug + Sep 2013, testdata/bitbrains): hourly mean cores, 14 daily origins, 28 days of history each.
        var series = new[] { 3, 4, 5, 97 }.Select(ReadBitbrainsVm).ToArray();

        var report = BacktestEvaluator.Evaluate(series, new BacktestSettings(24, 14, 24 * 28));

        Assert.Equal(4, report.Evaluated);
        var selected = report.Rows.Single(r => r.Model == BacktestEvaluator.SelectedRow);
        var baseline = report.Rows.Single(r => r.Model == SeasonalNaiveForecaster.DailyName);
        Assert.Equal(1.0, baseline.AvgRelMae, 9);
        Assert.True(selected.AvgRelMae < 0.95, $"selected AvgRelMAE {selected.AvgRelMae:0.000} does not beat seasonal naive");
        Assert.True(report.Rows.Single(r => r.Model == ForecastEngine.GlobalName).AvgRelMae < 1.0);
        Assert.InRange(selected.Coverage95, 0.8, 1.0);
    }

    [Fact]
    public void Evaluate_SeriesTooShortOrConstant_AreExcludedWithTheReason()
    {
        var good = new RegularSeries(0, 3600, Synthetic.DailySine((24 * 12) + 24, noise: 0.5));
        var shortOne = new RegularSeries(0, 3600, Synthetic.DailySine(24 * 5));
        var constant = new RegularSeries(0, 3600, Enumerable.Repeat(2.0, (24 * 12) + 24).ToArray());

        var report = BacktestEvaluator.Evaluate([good, shortOne, constant], new BacktestSettings(24, 3, 24 * 10));

        Assert.Equal(1, report.Evaluated);
        Assert.Collection(
            report.Excluded,
            e => Assert.Equal((1, true), (e.Index, e.Reason.Contains("needs 312", StringComparison.Ordinal))),
            e => Assert.Equal((2, true), (e.Index, e.Reason.Contains("constant", StringComparison.Ordinal))));
    }

    /// <summary>Reads the Bitbrains CSV format (semicolon+tab, timestamp in seconds) into hourly mean cores.</summary>
    private static RegularSeries ReadBitbrainsVm(int id)
    {
        var times = new List<long>();
        var values = new List<double>();
        foreach (var month in new[] { 8, 9 })
        {
            using var gz = new GZipStream(File.OpenRead(RepoPaths.TestData("bitbrains", $"2013-{month}-{id}.csv.gz")), CompressionMode.Decompress);
            using var reader = new StreamReader(gz);
            reader.ReadLine();
            while (reader.ReadLine() is { } line)
            {
                var p = line.Split(';');
                var cores = double.Parse(p[1], CultureInfo.InvariantCulture);
                var capacity = double.Parse(p[2], CultureInfo.InvariantCulture);
                if (cores <= 0 || capacity <= 0)
                {
                    continue; // powered off: cores in use is 0/0, a gap
                }

                times.Add(long.Parse(p[0], CultureInfo.InvariantCulture));
                values.Add(double.Parse(p[3], CultureInfo.InvariantCulture) / (capacity / cores));
            }
        }

        var order = Enumerable.Range(0, times.Count).OrderBy(i => times[i]).ToArray();
        return Resampler.Resample(order.Select(i => times[i]).ToArray(), order.Select(i => values[i]).ToArray(), 3600);
    }
}
