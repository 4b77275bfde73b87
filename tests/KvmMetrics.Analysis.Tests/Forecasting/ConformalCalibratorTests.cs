using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Tests.Forecasting;

public sealed class ConformalCalibratorTests
{
    [Theory]
    // n = 9 sorted residuals 1..9: upper level q -> the ceil(10 q)-th, lower -> the floor(10 q)-th (clamped to 1..n)
    [InlineData(0.90, 9)]
    [InlineData(0.75, 8)]
    [InlineData(0.10, 1)]
    [InlineData(0.25, 2)]
    [InlineData(0.975, 9)]
    [InlineData(0.025, 1)]
    public void RankQuantile_UsesTheFiniteSampleConformalRank(double q, double expected)
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9];

        Assert.Equal(expected, ConformalCalibrator.RankQuantile(sorted, q));
    }

    [Fact]
    public void Scale_IsTheMeanAbsoluteOneDayChangeOverTheLastWeek()
    {
        // period 2, week 4: y = 0, 1, 0, 3, 0, 5, 0, 7; origin 8 -> |y[t] - y[t-2]| for t = 4..7 = 0, 2, 0, 2 -> 1
        double[] y = [0, 1, 0, 3, 0, 5, 0, 7];

        Assert.Equal(1.0, ConformalCalibrator.Scale(y, 8, 2, 4), 12);
        // an exactly repeating series falls back to its mean level
        Assert.Equal(2.0, ConformalCalibrator.Scale([2, 2, 2, 2, 2, 2], 6, 2, 4), 12);
    }

    [Fact]
    public void Offsets_AreNormalisedResidualQuantilesPerStep()
    {
        var calibrator = new ConformalCalibrator(2) { MinimumPerStep = 1 };
        for (var i = 1; i <= 19; i++)
        {
            calibrator.Add(0, i * 2.0, 2.0);   // normalised residuals 1..19 at step 0
            calibrator.Add(1, -i * 3.0, 3.0);  // -1..-19 at step 1
        }

        var offsets = calibrator.Offsets(3)!;

        // levels 0.025, 0.10, 0.90, 0.95, 0.975; n = 19: ranks floor(0.5)=0->1, floor(2)=2, ceil(18)=18, ceil(19)=19, ceil(19.5)=20->19
        Assert.Equal([1, 2, 18, 19, 19], offsets.Select(l => l[0]));
        Assert.Equal([-19, -18, -2, -1, -1], offsets.Select(l => l[1]));
        Assert.Equal(offsets.Select(l => l[1]), offsets.Select(l => l[2])); // beyond the calibrated horizon: the last step
    }

    [Fact]
    public void Offsets_TooFewResiduals_IsNull()
    {
        var calibrator = new ConformalCalibrator(4);
        calibrator.Add(0, 1, 1);

        Assert.Null(calibrator.Offsets(4));
    }

    [Fact]
    public void Engine_OnNoiseWithKnownDistribution_CoversNearNominal()
    {
        // Flat level + Laplace noise, 40 series in one call: pooled conformal intervals must cover near nominal
        // on the next, unseen day (no normal assumption).
        var rng = new Random(9);
        double Laplace() => (rng.NextDouble() < 0.5 ? -1 : 1) * -Math.Log(1 - rng.NextDouble());
        var all = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, (24 * 28) + 24).Select(_ => 5 + Laplace()).ToArray()).ToArray();
        var engine = new ForecastEngine(new ForecastOptions { BacktestOrigins = 7 });

        var forecasts = engine.ForecastMany(all.Select(v => new RegularSeries(0, 3600, v[..^24])).ToArray(), 24);

        int inside80 = 0, inside95 = 0, total = 0;
        for (var s = 0; s < all.Length; s++)
        {
            for (var h = 0; h < 24; h++)
            {
                var y = all[s][^24..][h];
                inside80 += y >= forecasts[s].Lower80[h] && y <= forecasts[s].Upper80[h] ? 1 : 0;
                inside95 += y >= forecasts[s].Lower95[h] && y <= forecasts[s].Upper95[h] ? 1 : 0;
                total++;
            }
        }

        Assert.InRange((double)inside80 / total, 0.74, 0.88);
        Assert.InRange((double)inside95 / total, 0.91, 0.99);
    }
}
