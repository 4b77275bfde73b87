using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Forecasting;

/// <summary>
/// Prediction intervals from a model's own rolling-origin backtest errors (actual − forecast):
/// the empirical error quantiles pooled over all origins and steps, rescaled per horizon step by
/// how the mean absolute error grows with the step (smoothed over neighbouring steps, because a
/// week of origins gives only a handful of errors per step). No distribution is assumed, so bursty
/// series get the skewed intervals they need.
/// </summary>
public static class IntervalCalibrator
{
    /// <summary>The quantile levels of <see cref="Offsets"/>'s output arrays.</summary>
    public static readonly double[] Levels = [0.025, 0.10, 0.90, 0.95, 0.975];

    /// <summary>
    /// Offsets to add to the point forecast, per level of <see cref="Levels"/> and per step;
    /// null when there are no errors to calibrate on.
    /// </summary>
    /// <param name="errors">errors[origin][step] = actual − forecast (NaN for missing actuals).</param>
    /// <param name="horizon">Number of forecast steps wanted (may exceed the backtest's).</param>
    /// <param name="scale">Multiplier on the offsets.</param>
    public static double[][]? Offsets(IReadOnlyList<double[]> errors, int horizon, double scale = 1.0)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var pooled = new List<double>();
        var steps = errors.Count == 0 ? 0 : errors.Max(e => e.Length);
        var stepAbs = new double[steps];
        var stepCount = new int[steps];
        foreach (var row in errors)
        {
            for (var h = 0; h < row.Length; h++)
            {
                if (!double.IsNaN(row[h]))
                {
                    pooled.Add(row[h]);
                    stepAbs[h] += Math.Abs(row[h]);
                    stepCount[h]++;
                }
            }
        }

        if (pooled.Count < 4)
        {
            return null;
        }

        pooled.Sort();
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(pooled);
        var overall = Stats.MeanAbs(span);
        var ratio = new double[horizon];
        for (var h = 0; h < horizon; h++)
        {
            // Smoothed MAE around step h (±2 steps); beyond the backtest's horizon, the last known ratio.
            var center = Math.Min(h, steps - 1);
            double sum = 0;
            var count = 0;
            for (var k = Math.Max(0, center - 2); k <= Math.Min(steps - 1, center + 2); k++)
            {
                sum += stepAbs[k];
                count += stepCount[k];
            }

            ratio[h] = overall > 0 && count > 0 ? Math.Clamp(sum / count / overall, 0.5, 2.0) : 1.0;
        }

        var result = new double[Levels.Length][];
        for (var l = 0; l < Levels.Length; l++)
        {
            var q = Stats.SortedQuantile(span, Levels[l]);
            result[l] = new double[horizon];
            for (var h = 0; h < horizon; h++)
            {
                result[l][h] = q * ratio[h] * scale;
            }
        }

        return result;
    }
}
