namespace KvmMetrics.Analysis.TimeSeries;

/// <summary>
/// Turns a monotonically increasing counter (CPU nanoseconds, bytes read) into a per-second rate.
/// A decrease is a counter reset (guest reboot, exporter restart): as in Prometheus' <c>rate()</c>,
/// the counter is assumed to have restarted from zero, so the increase over that interval is the new
/// value itself rather than a negative number.
/// </summary>
public static class CounterRate
{
    /// <summary>
    /// The rate between each pair of consecutive samples, stamped at the later sample's time.
    /// The first sample has no rate; samples with a non-increasing timestamp are skipped.
    /// </summary>
    /// <param name="timestamps">Unix seconds, sorted.</param>
    /// <param name="counter">The raw counter values.</param>
    /// <returns>The rate samples (per second) and their timestamps.</returns>
    public static (long[] Timestamps, double[] Rates) ToRate(ReadOnlySpan<long> timestamps, ReadOnlySpan<double> counter)
    {
        if (timestamps.Length != counter.Length)
        {
            throw new ArgumentException("timestamps and counter differ in length", nameof(counter));
        }

        var ts = new List<long>(Math.Max(0, timestamps.Length - 1));
        var rates = new List<double>(ts.Capacity);
        for (var i = 1; i < timestamps.Length; i++)
        {
            var dt = timestamps[i] - timestamps[i - 1];
            if (dt <= 0 || !double.IsFinite(counter[i]) || !double.IsFinite(counter[i - 1]))
            {
                continue;
            }

            var delta = counter[i] - counter[i - 1];
            if (delta < 0)
            {
                delta = counter[i];
            }

            ts.Add(timestamps[i]);
            rates.Add(delta / dt);
        }

        return ([.. ts], [.. rates]);
    }

    /// <summary>Counter to rate, then resampled to <paramref name="step"/> (mean of the rates in each step).</summary>
    public static RegularSeries ToRegularRate(ReadOnlySpan<long> timestamps, ReadOnlySpan<double> counter, long step)
    {
        var (ts, rates) = ToRate(timestamps, counter);
        return Resampler.Resample(ts, rates, step);
    }
}
