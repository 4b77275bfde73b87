namespace KvmMetrics.Analysis.Cluster;

/// <summary>Order statistics used across hotspots, planning and capacity (NaN values are ignored).</summary>
public static class Quantiles
{
    /// <summary>
    /// The q-quantile with linear interpolation between order statistics (Hyndman-Fan type 7, the
    /// default of R and NumPy); NaN when no finite value is given.
    /// </summary>
    public static double Of(IEnumerable<double> values, double q)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1);
        var sorted = values.Where(double.IsFinite).ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(sorted);
        return OfSorted(sorted, q);
    }

    /// <summary>The q-quantile of an already sorted, NaN-free array.</summary>
    public static double OfSorted(double[] sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var pos = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
    }

    /// <summary>The median (NaN when empty).</summary>
    public static double Median(IEnumerable<double> values) => Of(values, 0.5);
}
