namespace KvmMetrics.Analysis.TimeSeries;

/// <summary>
/// Fills NaN gaps so that models which need a complete series can run, without inventing a trend:
/// short gaps are bridged by a straight line between the two observed neighbours; longer gaps copy
/// the value one season earlier (the daily shape, no growth) or, when no season is known or available,
/// hold the last observed value flat. Leading gaps take the first observed value.
/// </summary>
public static class GapFiller
{
    /// <summary>Returns a filled copy of <paramref name="values"/>; an all-NaN input stays all NaN.</summary>
    /// <param name="values">The series with NaN gaps.</param>
    /// <param name="seasonLength">Steps per season (e.g. 24 for hourly data with a daily cycle), or 0 for none.</param>
    /// <param name="maxInterpolate">Longest gap (in steps) bridged by linear interpolation.</param>
    public static double[] Fill(ReadOnlySpan<double> values, int seasonLength = 0, int maxInterpolate = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seasonLength);
        ArgumentOutOfRangeException.ThrowIfNegative(maxInterpolate);
        var result = values.ToArray();
        var first = -1;
        for (var i = 0; i < result.Length; i++)
        {
            if (!double.IsNaN(result[i]))
            {
                first = i;
                break;
            }
        }

        if (first < 0)
        {
            return result;
        }

        for (var i = 0; i < first; i++)
        {
            result[i] = result[first];
        }

        var lastObserved = first;
        var k = first + 1;
        while (k < result.Length)
        {
            if (!double.IsNaN(result[k]))
            {
                lastObserved = k;
                k++;
                continue;
            }

            var gapStart = k;
            while (k < result.Length && double.IsNaN(result[k]))
            {
                k++;
            }

            var gapLength = k - gapStart;
            var hasRight = k < result.Length;
            if (hasRight && gapLength <= maxInterpolate)
            {
                var a = result[lastObserved];
                var b = result[k];
                for (var j = gapStart; j < k; j++)
                {
                    result[j] = a + ((b - a) * (j - lastObserved) / (k - lastObserved));
                }
            }
            else
            {
                for (var j = gapStart; j < k; j++)
                {
                    // The season-earlier value is already filled (j - season < j), so long gaps repeat the last shape.
                    result[j] = seasonLength > 0 && j - seasonLength >= 0 ? result[j - seasonLength] : result[lastObserved];
                }
            }
        }

        return result;
    }
}
