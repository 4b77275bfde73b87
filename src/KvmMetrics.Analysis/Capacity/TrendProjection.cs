namespace KvmMetrics.Analysis.Capacity;

/// <summary>A straight line fitted to daily values with its uncertainty.</summary>
/// <param name="Intercept">Value at day 0 (the last day of history).</param>
/// <param name="Slope">Change per day.</param>
/// <param name="ResidualStd">Standard deviation of residuals.</param>
/// <param name="SlopeStdError">Standard error of the slope.</param>
/// <param name="Points">Days used.</param>
public sealed record TrendFit(double Intercept, double Slope, double ResidualStd, double SlopeStdError, int Points)
{
    /// <summary>Expected value <paramref name="days"/> after the last day.</summary>
    public double Expected(double days) => Intercept + (Slope * days);

    /// <summary>Upper one-sided 95% bound: slope at its upper bound plus the residual spread.</summary>
    public double Upper(double days) => Intercept + ((Slope + (1.645 * SlopeStdError)) * days) + (1.645 * ResidualStd);
}

/// <summary>Least-squares trend of daily demand and time until a limit.</summary>
public static class TrendProjection
{
    /// <summary>
    /// Fits <c>value = a + b * day</c> where day 0 is the last value; NaN days are skipped. With fewer than 3 points the
    /// slope is 0 and the spread is that of the points (a flat, honest projection).
    /// </summary>
    public static TrendFit Fit(IReadOnlyList<double> daily)
    {
        ArgumentNullException.ThrowIfNull(daily);
        var pts = daily.Select((v, i) => (X: (double)(i - (daily.Count - 1)), Y: v)).Where(p => double.IsFinite(p.Y)).ToArray();
        if (pts.Length == 0)
        {
            return new TrendFit(double.NaN, 0, 0, 0, 0);
        }

        var my = pts.Average(p => p.Y);
        if (pts.Length < 3)
        {
            var sd = pts.Length < 2 ? 0 : Math.Sqrt(pts.Sum(p => (p.Y - my) * (p.Y - my)) / (pts.Length - 1));
            return new TrendFit(my, 0, sd, 0, pts.Length);
        }

        var mx = pts.Average(p => p.X);
        var sxx = pts.Sum(p => (p.X - mx) * (p.X - mx));
        var slope = pts.Sum(p => (p.X - mx) * (p.Y - my)) / sxx;
        var intercept = my - (slope * mx);
        var sse = pts.Sum(p => Math.Pow(p.Y - (intercept + (slope * p.X)), 2));
        var resid = Math.Sqrt(sse / (pts.Length - 2));
        return new TrendFit(intercept, slope, resid, resid / Math.Sqrt(sxx), pts.Length);
    }

    /// <summary>First day in (0, horizon] at which <paramref name="curve"/> reaches <paramref name="limit"/>; 0 when already there; null when not within the horizon.</summary>
    public static double? DaysUntil(Func<double, double> curve, double limit, int horizonDays)
    {
        ArgumentNullException.ThrowIfNull(curve);
        if (curve(0) >= limit)
        {
            return 0;
        }

        for (var d = 1; d <= horizonDays; d++)
        {
            if (curve(d) >= limit)
            {
                // Linear interpolation inside the day keeps the answer continuous in the inputs.
                var before = curve(d - 1);
                var after = curve(d);
                return Math.Round(d - 1 + ((limit - before) / (after - before)), 1);
            }
        }

        return null;
    }
}
