using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.Forecasting.Models;
using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Tests.Forecasting;

public sealed class IntervalCalibratorTests
{
    [Fact]
    public void Offsets_StandardNormalErrors_GiveTheNormalQuantiles()
    {
        var rng = new Random(3);
        var errors = Enumerable.Range(0, 400).Select(_ => Enumerable.Range(0, 24).Select(_ => Synthetic.Gaussian(rng)).ToArray()).ToArray();

        var offsets = IntervalCalibrator.Offsets(errors, 24)!;

        // Levels 2.5%, 10%, 90%, 95%, 97.5% of N(0,1).
        double[] expected = [-1.96, -1.2816, 1.2816, 1.645, 1.96];
        for (var l = 0; l < expected.Length; l++)
        {
            Assert.InRange(offsets[l][12], expected[l] - 0.12, expected[l] + 0.12);
        }
    }

    [Fact]
    public void Engine_OnNoiseWithKnownDistribution_CoversNearNominal()
    {
        // Flat level + Laplace noise: the interval must come from the errors themselves, not a normal assumption.
        var rng = new Random(9);
        double Laplace() => (rng.NextDouble() < 0.5 ? -1 : 1) * -Math.Log(1 - rng.NextDouble());
        var engine = new ForecastEngine(new ForecastOptions { Models = [new SeasonalMedianForecaster(7)], Ensemble = false, IntervalScale = 1.0, BacktestOrigins = 14 });
        int inside80 = 0, inside95 = 0, total = 0;
        for (var s = 0; s < 40; s++)
        {
            var values = Enumerable.Range(0, (24 * 28) + 24).Select(_ => 5 + Laplace()).ToArray();
            var f = engine.Forecast(new RegularSeries(0, 3600, values[..^24]), 24);
            for (var h = 0; h < 24; h++)
            {
                var y = values[^24..][h];
                inside80 += y >= f.Lower80[h] && y <= f.Upper80[h] ? 1 : 0;
                inside95 += y >= f.Lower95[h] && y <= f.Upper95[h] ? 1 : 0;
                total++;
            }
        }

        Assert.InRange((double)inside80 / total, 0.74, 0.86);
        Assert.InRange((double)inside95 / total, 0.91, 0.985);
    }

    [Fact]
    public void Offsets_TooFewErrors_IsNull()
    {
        Assert.Null(IntervalCalibrator.Offsets([[1.0, double.NaN, 2.0]], 3));
    }
}
