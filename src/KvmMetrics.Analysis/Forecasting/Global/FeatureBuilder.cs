namespace KvmMetrics.Analysis.Forecasting.Global;

/// <summary>
/// The features and target of the global model for one (series, origin, horizon step). Everything is
/// computed from the values before the origin only, and every value feature is divided by the series'
/// scale (the mean absolute value of the last week), so one model serves idle and busy series alike.
/// The target is the log-ratio of the actual to the robust baseline (the median of the last 7 values at
/// the same phase of the day), so the model learns a correction of a forecast that is already good
/// (docs/forecasting.md, "Global model").
/// </summary>
public static class FeatureBuilder
{
    /// <summary>Number of lags from the origin (the last day of hourly values).</summary>
    public const int Lags = 24;

    /// <summary>Same-phase values of previous days used for the baseline and its spread.</summary>
    public const int SameHourDays = 7;

    /// <summary>Length of a feature vector.</summary>
    public const int Count = 6 + SameHourDays + 7 + Lags + 8 + 1;

    /// <summary>Names of the features, in vector order (for docs and diagnostics).</summary>
    public static IReadOnlyList<string> Names { get; } = BuildNames();

    /// <summary>The shortest history before an origin from which every feature exists: 8 periods.</summary>
    public static int MinimumHistory(int period) => 8 * Math.Max(1, period);

    /// <summary>The series' scale at <paramref name="origin"/>: mean |value| over the last week (or what exists); a tiny positive value for an all-zero week.</summary>
    public static double Scale(ReadOnlySpan<double> filled, int origin, int week)
    {
        var from = Math.Max(0, origin - week);
        double sum = 0;
        for (var i = from; i < origin; i++)
        {
            sum += Math.Abs(filled[i]);
        }

        var n = origin - from;
        return n == 0 ? 1e-12 : Math.Max(sum / n, 1e-12);
    }

    /// <summary>
    /// The robust baseline for step <paramref name="step"/> (0-based) after <paramref name="origin"/>: the median of
    /// the last <see cref="SameHourDays"/> values at the same phase of <paramref name="period"/> that lie before the origin.
    /// </summary>
    public static double Baseline(ReadOnlySpan<double> filled, int origin, int step, int period)
    {
        Span<double> same = stackalloc double[SameHourDays];
        var n = SameHour(filled, origin, step, period, same);
        return Median(same[..n]);
    }

    /// <summary>Per-origin features shared by every horizon step (computed once per origin).</summary>
    public sealed class OriginBlock
    {
        internal OriginBlock(double scale, float[] values) => (Scale, Values) = (scale, values);

        /// <summary>The series' scale at the origin.</summary>
        public double Scale { get; }

        internal float[] Values { get; }
    }

    /// <summary>Computes the per-origin block: scale, lags 1..24 and rolling quantiles of the last day and week.</summary>
    public static OriginBlock Origin(ReadOnlySpan<double> filled, int origin, int period, int week)
    {
        var scale = Scale(filled, origin, week);
        var values = new float[Lags + 8 + 1];
        for (var j = 0; j < Lags; j++)
        {
            var i = origin - 1 - j;
            values[j] = (float)(i >= 0 ? filled[i] / scale : filled[0] / scale);
        }

        Rolling(filled, origin, Math.Max(1, period), scale, values.AsSpan(Lags, 4));
        Rolling(filled, origin, week, scale, values.AsSpan(Lags + 4, 4));
        values[Lags + 8] = (float)Math.Log(scale);
        return new OriginBlock(scale, values);
    }

    /// <summary>
    /// Writes the feature vector of step <paramref name="step"/> (0-based) after <paramref name="origin"/> into
    /// <paramref name="features"/> and returns the baseline for that step.
    /// </summary>
    /// <param name="filled">Gap-free values.</param>
    /// <param name="origin">Index of the first forecast step; only values before it are read.</param>
    /// <param name="step">Steps after the origin (0 = the origin itself).</param>
    /// <param name="targetTime">Unix seconds of the forecast step (for the calendar features).</param>
    /// <param name="period">Steps per day (the same-phase season).</param>
    /// <param name="week">Steps per week.</param>
    /// <param name="block">The origin's block from <see cref="Origin"/>.</param>
    /// <param name="features">Destination of length <see cref="Count"/>.</param>
    public static double Fill(ReadOnlySpan<double> filled, int origin, int step, long targetTime, int period, int week, OriginBlock block, Span<float> features)
    {
        ArgumentNullException.ThrowIfNull(block);
        var scale = block.Scale;
        Span<double> same = stackalloc double[SameHourDays];
        var n = SameHour(filled, origin, step, period, same);
        var baseline = Median(same[..n]);
        var f = 0;
        features[f++] = step + 1;
        features[f++] = (float)((targetTime % 86_400 + 86_400) % 86_400 / 3600.0);
        features[f++] = (float)(((targetTime / 86_400) + 4) % 7);
        features[f++] = block.Values[Lags + 8];
        features[f++] = (float)(baseline / scale);
        // Weekly lag: the same phase one week before the target when it lies before the origin.
        var weekly = origin + step - week;
        features[f++] = (float)((weekly >= 0 && weekly < origin ? filled[weekly] : baseline) / scale);
        for (var k = 0; k < SameHourDays; k++)
        {
            features[f++] = (float)((k < n ? same[k] : baseline) / scale);
        }

        Span<double> sorted = stackalloc double[SameHourDays];
        same[..n].CopyTo(sorted);
        sorted[..n].Sort();
        double mean = 0;
        for (var k = 0; k < n; k++)
        {
            mean += sorted[k];
        }

        mean /= Math.Max(1, n);
        features[f++] = (float)(mean / scale);
        features[f++] = (float)(sorted[0] / scale);
        features[f++] = (float)(sorted[n - 1] / scale);
        features[f++] = (float)(SortedQuantile(sorted[..n], 0.25) / scale);
        features[f++] = (float)(SortedQuantile(sorted[..n], 0.75) / scale);
        features[f++] = (float)(StdDev(sorted[..n], mean) / scale);
        // How far the last day sits above or below its own same-hour baselines: a level shift.
        features[f++] = (float)((block.Values[Lags + 3] * scale - baseline) / scale);
        block.Values.AsSpan(0, Lags + 8).CopyTo(features[f..]);
        f += Lags + 8;
        features[f++] = (float)(step / (double)Math.Max(1, period));
        return baseline;
    }

    /// <summary>The training target: log((actual + ε) / (baseline + ε)) with ε = 5% of the scale, clipped to ±4.</summary>
    public static float Target(double actual, double baseline, double scale)
    {
        var eps = Epsilon(scale);
        var ratio = Math.Log((Math.Max(actual, 0) + eps) / (Math.Max(baseline, 0) + eps));
        return (float)Math.Clamp(ratio, -4, 4);
    }

    /// <summary>Inverts <see cref="Target"/>: the forecast value for a predicted log-ratio.</summary>
    public static double FromTarget(double prediction, double baseline, double scale)
    {
        var eps = Epsilon(scale);
        return Math.Max(0, ((Math.Max(baseline, 0) + eps) * Math.Exp(prediction)) - eps);
    }

    private static double Epsilon(double scale) => 0.05 * scale;

    private static int SameHour(ReadOnlySpan<double> filled, int origin, int step, int period, Span<double> same)
    {
        period = Math.Max(1, period);
        var t = origin + step;
        // The most recent same-phase value before the origin is (step / period + 1) periods back.
        var k0 = (step / period) + 1;
        var n = 0;
        for (var k = 0; k < SameHourDays; k++)
        {
            var i = t - ((k0 + k) * period);
            if (i < 0)
            {
                break;
            }

            same[n++] = filled[i];
        }

        if (n == 0)
        {
            same[n++] = filled[Math.Max(0, origin - 1)];
        }

        return n;
    }

    private static void Rolling(ReadOnlySpan<double> filled, int origin, int length, double scale, Span<float> destination)
    {
        var from = Math.Max(0, origin - length);
        var n = origin - from;
        if (n == 0)
        {
            destination.Clear();
            return;
        }

        var window = filled[from..origin].ToArray();
        Array.Sort(window);
        double mean = 0;
        foreach (var v in window)
        {
            mean += v;
        }

        mean /= n;
        destination[0] = (float)(SortedQuantile(window, 0.1) / scale);
        destination[1] = (float)(SortedQuantile(window, 0.5) / scale);
        destination[2] = (float)(SortedQuantile(window, 0.9) / scale);
        destination[3] = (float)(mean / scale);
    }

    private static double Median(ReadOnlySpan<double> values)
    {
        Span<double> copy = stackalloc double[values.Length];
        values.CopyTo(copy);
        copy.Sort();
        return SortedQuantile(copy, 0.5);
    }

    /// <summary>Linear-interpolation quantile of sorted values (type 7, as R's default).</summary>
    internal static double SortedQuantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.Length == 1)
        {
            return sorted[0];
        }

        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }

    private static double StdDev(ReadOnlySpan<double> values, double mean)
    {
        double sum = 0;
        foreach (var v in values)
        {
            sum += (v - mean) * (v - mean);
        }

        return values.Length < 2 ? 0 : Math.Sqrt(sum / (values.Length - 1));
    }

    private static string[] BuildNames()
    {
        var names = new List<string> { "step", "hour_of_day", "day_of_week", "log_scale", "baseline_median7", "lag_week" };
        for (var k = 1; k <= SameHourDays; k++)
        {
            names.Add($"same_hour_{k}d");
        }

        names.AddRange(["same_hour_mean", "same_hour_min", "same_hour_max", "same_hour_q25", "same_hour_q75", "same_hour_std", "last_day_mean_minus_baseline"]);
        for (var j = 1; j <= Lags; j++)
        {
            names.Add($"lag_{j}");
        }

        names.AddRange(["day_q10", "day_q50", "day_q90", "day_mean", "week_q10", "week_q50", "week_q90", "week_mean", "days_ahead"]);
        return [.. names];
    }
}
