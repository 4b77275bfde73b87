namespace KvmMetrics.Analysis.Forecasting;

/// <summary>
/// When a forecast series first reaches a capacity limit. <see cref="Conservative"/> uses the upper
/// 95% bound (the earliest plausible time: plan for this), <see cref="Expected"/> the point forecast.
/// A null time is the explicit answer "not within the forecast horizon".
/// </summary>
/// <param name="Threshold">The capacity limit, in the series' unit.</param>
/// <param name="Conservative">Time from the end of the history until the upper 95% bound first reaches the limit, or null.</param>
/// <param name="Expected">Time until the point forecast first reaches the limit, or null.</param>
/// <param name="Horizon">How far the forecast reaches (the answer "not within" means "not before this").</param>
public sealed record ThresholdCrossing(double Threshold, TimeSpan? Conservative, TimeSpan? Expected, TimeSpan Horizon)
{
    /// <summary>True when neither the upper bound nor the point forecast reaches the limit within the horizon.</summary>
    public bool NotWithinHorizon => Conservative is null && Expected is null;

    /// <summary>A sentence for reports, e.g. "reaches 32 in 3.0 d (upper 95%), 5.5 d expected".</summary>
    public string Describe() => NotWithinHorizon
        ? FormattableString.Invariant($"does not reach {Threshold:G4} within {Format(Horizon)}")
        : FormattableString.Invariant($"reaches {Threshold:G4} in {(Conservative is { } c ? Format(c) : "n/a")} (upper 95%), {(Expected is { } e ? Format(e) + " expected" : "not expected within " + Format(Horizon))}");

    private static string Format(TimeSpan t) => t.TotalDays >= 1
        ? FormattableString.Invariant($"{t.TotalDays:0.0} d")
        : FormattableString.Invariant($"{t.TotalHours:0.#} h");
}

/// <summary>"Time until threshold" over a <see cref="Forecast"/>.</summary>
public static class ThresholdAnalysis
{
    /// <summary>
    /// Time until the forecast reaches <paramref name="threshold"/> (value ≥ threshold), counted from the
    /// end of the history to the end of the first step that reaches it; null = not within the horizon.
    /// </summary>
    public static ThresholdCrossing TimeUntilThreshold(Forecast forecast, double threshold)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        if (double.IsNaN(threshold))
        {
            throw new ArgumentException("threshold must be a number", nameof(threshold));
        }

        var step = TimeSpan.FromSeconds(forecast.Step);
        return new ThresholdCrossing(threshold, First(forecast.Upper95, threshold, step), First(forecast.Mean, threshold, step), step * forecast.Horizon);
    }

    private static TimeSpan? First(double[] values, double threshold, TimeSpan step)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] >= threshold)
            {
                return step * (i + 1);
            }
        }

        return null;
    }
}
