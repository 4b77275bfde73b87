namespace KvmMetrics.Analysis.TimeSeries;

/// <summary>
/// Turns irregular samples into a <see cref="RegularSeries"/>: each sample falls into the step
/// <c>floor(t / step) * step</c> (steps aligned to the Unix epoch, so series of different VMs line up),
/// and steps without any sample are NaN gaps.
/// </summary>
public static class Resampler
{
    /// <summary>Resamples <paramref name="timestamps"/>/<paramref name="values"/> (sorted by time) to <paramref name="step"/> seconds.</summary>
    /// <param name="timestamps">Unix seconds, non-decreasing.</param>
    /// <param name="values">One finite value per timestamp (non-finite values are ignored).</param>
    /// <param name="step">Step in seconds, positive.</param>
    /// <param name="aggregation">Mean, max or quantile of the samples in each step.</param>
    /// <param name="quantile">The quantile in [0, 1] for <see cref="Aggregation.Quantile"/>.</param>
    public static RegularSeries Resample(ReadOnlySpan<long> timestamps, ReadOnlySpan<double> values, long step, Aggregation aggregation = Aggregation.Mean, double quantile = 0.95)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(step);
        if (timestamps.Length != values.Length)
        {
            throw new ArgumentException("timestamps and values differ in length", nameof(values));
        }

        if (quantile is < 0 or > 1 || double.IsNaN(quantile))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "quantile must be in [0, 1]");
        }

        if (timestamps.Length == 0)
        {
            return new RegularSeries(0, step, []);
        }

        for (var k = 1; k < timestamps.Length; k++)
        {
            if (timestamps[k] < timestamps[k - 1])
            {
                throw new ArgumentException($"timestamps must be sorted (index {k}: {timestamps[k]} after {timestamps[k - 1]})", nameof(timestamps));
            }
        }

        var start = FloorTo(timestamps[0], step);
        var end = FloorTo(timestamps[^1], step);
        var length = checked((int)(((end - start) / step) + 1));
        var result = new double[length];
        Array.Fill(result, double.NaN);
        var bucket = new List<double>();
        var i = 0;
        while (i < timestamps.Length)
        {
            var slot = FloorTo(timestamps[i], step);

            bucket.Clear();
            while (i < timestamps.Length && FloorTo(timestamps[i], step) == slot)
            {
                if (double.IsFinite(values[i]))
                {
                    bucket.Add(values[i]);
                }

                i++;
            }

            if (bucket.Count > 0)
            {
                result[(slot - start) / step] = Aggregate(bucket, aggregation, quantile);
            }
        }

        return new RegularSeries(start, step, result);
    }

    /// <summary>Re-aggregates an already regular series to a coarser step (a whole multiple of its step); gaps are skipped.</summary>
    public static RegularSeries Downsample(RegularSeries series, long step, Aggregation aggregation = Aggregation.Mean, double quantile = 0.95)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (step % series.Step != 0)
        {
            throw new ArgumentException($"step {step}s is not a multiple of the series step {series.Step}s", nameof(step));
        }

        var ts = new long[series.Length];
        for (var k = 0; k < ts.Length; k++)
        {
            ts[k] = series.TimeAt(k);
        }

        return Resample(ts, series.Values, step, aggregation, quantile);
    }

    /// <summary>Largest multiple of <paramref name="step"/> not above <paramref name="t"/>.</summary>
    public static long FloorTo(long t, long step) => t >= 0 ? t - (t % step) : t - (((t % step) + step) % step);

    private static double Aggregate(List<double> bucket, Aggregation aggregation, double quantile)
    {
        switch (aggregation)
        {
            case Aggregation.Mean:
                var sum = 0.0;
                foreach (var v in bucket)
                {
                    sum += v;
                }

                return sum / bucket.Count;
            case Aggregation.Max:
                return bucket.Max();
            case Aggregation.Quantile:
                bucket.Sort();
                return Stats.SortedQuantile(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bucket), quantile);
            default:
                throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "unknown aggregation");
        }
    }
}
