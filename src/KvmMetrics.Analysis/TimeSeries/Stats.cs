namespace KvmMetrics.Analysis.TimeSeries;

/// <summary>Small allocation-light statistics over spans, shared by the resampler and the models.</summary>
public static class Stats
{
    /// <summary>Empirical quantile of sorted data with linear interpolation (type 7, as R and NumPy default).</summary>
    public static double SortedQuantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }

    /// <summary>Quantile of unsorted data (NaN skipped); copies, does not modify the input.</summary>
    public static double Quantile(ReadOnlySpan<double> values, double q)
    {
        var buffer = values.Length <= 256 ? stackalloc double[values.Length] : new double[values.Length];
        var n = 0;
        foreach (var v in values)
        {
            if (!double.IsNaN(v))
            {
                buffer[n++] = v;
            }
        }

        var data = buffer[..n];
        data.Sort();
        return SortedQuantile(data, q);
    }

    /// <summary>Median of the values (NaN skipped).</summary>
    public static double Median(ReadOnlySpan<double> values) => Quantile(values, 0.5);

    /// <summary>Mean absolute value of the non-NaN entries, NaN when there are none.</summary>
    public static double MeanAbs(ReadOnlySpan<double> values)
    {
        double sum = 0;
        var n = 0;
        foreach (var v in values)
        {
            if (!double.IsNaN(v))
            {
                sum += Math.Abs(v);
                n++;
            }
        }

        return n == 0 ? double.NaN : sum / n;
    }
}
