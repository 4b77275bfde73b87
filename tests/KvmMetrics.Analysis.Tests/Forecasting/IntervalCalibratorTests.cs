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
    public void Offsets_TooFewErrors_IsNull()
    {
        Assert.Null(IntervalCalibrator.Offsets([[1.0, double.NaN, 2.0]], 3));
    }
}
