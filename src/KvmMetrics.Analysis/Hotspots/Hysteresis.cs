namespace KvmMetrics.Analysis.Hotspots;

/// <summary>Thresholds of a two-level (Schmitt trigger) detector.</summary>
/// <param name="Enter">An episode opens after <paramref name="SustainSamples"/> consecutive samples above this.</param>
/// <param name="Exit">An open episode closes after <paramref name="ClearSamples"/> consecutive samples below this (≤ Enter).</param>
/// <param name="SustainSamples">Samples above <paramref name="Enter"/> needed to open (1 = react to a single spike).</param>
/// <param name="ClearSamples">Samples below <paramref name="Exit"/> needed to close.</param>
public sealed record HysteresisOptions(double Enter, double Exit, int SustainSamples, int ClearSamples)
{
    /// <summary>Throws when the thresholds are inconsistent.</summary>
    public void EnsureValid()
    {
        if (!double.IsFinite(Enter) || !double.IsFinite(Exit) || Exit > Enter)
        {
            throw new ArgumentException($"hysteresis needs finite thresholds with exit ({Exit}) <= enter ({Enter})");
        }

        if (SustainSamples < 1 || ClearSamples < 1)
        {
            throw new ArgumentException("hysteresis sample counts must be at least 1");
        }
    }
}

/// <summary>A period during which a series stayed in the alarm state.</summary>
/// <param name="Start">Timestamp of the first sample of the run that opened it.</param>
/// <param name="End">Timestamp of the first sample of the run that closed it; null while still open.</param>
/// <param name="Peak">Highest value seen while open.</param>
public sealed record Episode(long Start, long? End, double Peak);

/// <summary>
/// Sustained-threshold detection with hysteresis: a single spike does not open an episode, and a value
/// oscillating between the exit and enter thresholds neither opens a closed nor closes an open one, so
/// findings do not flap. Missing samples (NaN) break an opening run but never close an episode.
/// </summary>
public static class Hysteresis
{
    /// <summary>Episodes in time order.</summary>
    public static IReadOnlyList<Episode> Detect(long[] timestamps, double[] values, HysteresisOptions options)
    {
        ArgumentNullException.ThrowIfNull(timestamps);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        var episodes = new List<Episode>();
        var open = false;
        var run = 0;
        long runStart = 0;
        long start = 0;
        double peak = double.NegativeInfinity;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (double.IsNaN(v))
            {
                if (!open)
                {
                    run = 0;
                }

                continue;
            }

            if (!open)
            {
                if (v > options.Enter)
                {
                    if (run++ == 0)
                    {
                        runStart = timestamps[i];
                        peak = v;
                    }

                    peak = Math.Max(peak, v);
                    if (run >= options.SustainSamples)
                    {
                        open = true;
                        start = runStart;
                        run = 0;
                    }
                }
                else
                {
                    run = 0;
                }

                continue;
            }

            peak = Math.Max(peak, v);
            if (v < options.Exit)
            {
                if (run++ == 0)
                {
                    runStart = timestamps[i];
                }

                if (run >= options.ClearSamples)
                {
                    episodes.Add(new Episode(start, runStart, peak));
                    open = false;
                    run = 0;
                }
            }
            else
            {
                run = 0;
            }
        }

        if (open)
        {
            episodes.Add(new Episode(start, null, peak));
        }

        return episodes;
    }
}
