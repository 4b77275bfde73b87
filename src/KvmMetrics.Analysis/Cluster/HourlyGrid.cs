using KvmMetrics.Analysis.Data;

namespace KvmMetrics.Analysis.Cluster;

/// <summary>Bins irregular samples into hourly means on a grid anchored at an arbitrary instant.</summary>
public static class HourlyGrid
{
    /// <summary>Seconds per hour.</summary>
    public const long Hour = 3600;

    /// <summary>Seconds per day.</summary>
    public const long Day = 86_400;

    /// <summary>
    /// Mean of the samples in each bin <c>[start + i*step, start + (i+1)*step)</c> for i in [0, count);
    /// bins without samples are <see cref="double.NaN"/> (a gap stays a gap, nothing is invented).
    /// </summary>
    public static double[] Means(RawSeries? series, long start, int count, long step = Hour)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(step);
        var result = new double[count];
        Array.Fill(result, double.NaN);
        if (series is null || series.Count == 0 || count == 0)
        {
            return result;
        }

        var sums = new double[count];
        var counts = new int[count];
        var end = start + (count * step);
        var i = LowerBound(series.Timestamps, start);
        for (; i < series.Count && series.Timestamps[i] < end; i++)
        {
            var bin = (int)((series.Timestamps[i] - start) / step);
            sums[bin] += series.Values[i];
            counts[bin]++;
        }

        for (var b = 0; b < count; b++)
        {
            if (counts[b] > 0)
            {
                result[b] = sums[b] / counts[b];
            }
        }

        return result;
    }

    /// <summary>Index of the first timestamp at or after <paramref name="time"/>.</summary>
    public static int LowerBound(long[] timestamps, long time)
    {
        ArgumentNullException.ThrowIfNull(timestamps);
        int lo = 0, hi = timestamps.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (timestamps[mid] < time)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
