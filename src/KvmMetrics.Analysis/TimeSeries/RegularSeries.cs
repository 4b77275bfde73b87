namespace KvmMetrics.Analysis.TimeSeries;

/// <summary>
/// A regularly sampled series: value <c>i</c> belongs to the interval starting at
/// <c>Start + i * Step</c> (Unix seconds). A missing interval is <see cref="double.NaN"/>, so gaps
/// stay explicit until a caller decides how to fill them (<see cref="GapFiller"/>).
/// </summary>
/// <param name="Start">Unix seconds of the first interval; a multiple of <paramref name="Step"/> after resampling.</param>
/// <param name="Step">Seconds between values; positive.</param>
/// <param name="Values">One value per step; NaN marks a gap.</param>
public sealed record RegularSeries(long Start, long Step, double[] Values)
{
    /// <summary>Number of steps (including gaps).</summary>
    public int Length => Values.Length;

    /// <summary>Unix seconds at which step <paramref name="index"/> starts.</summary>
    public long TimeAt(int index) => Start + (index * Step);

    /// <summary>Unix seconds just after the last step (where a forecast starts).</summary>
    public long End => Start + (Values.Length * Step);

    /// <summary>Number of gap (NaN) values.</summary>
    public int MissingCount
    {
        get
        {
            var n = 0;
            foreach (var v in Values)
            {
                if (double.IsNaN(v))
                {
                    n++;
                }
            }

            return n;
        }
    }

    /// <summary>A copy of <paramref name="count"/> steps starting at <paramref name="from"/>.</summary>
    public RegularSeries Slice(int from, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(from + count, Values.Length, nameof(count));
        return new RegularSeries(TimeAt(from), Step, Values.AsSpan(from, count).ToArray());
    }

    /// <summary>Steps per <paramref name="period"/> seconds, or 0 when the period is not a whole number of steps.</summary>
    public int StepsPer(TimeSpan period)
    {
        var seconds = (long)period.TotalSeconds;
        return Step > 0 && seconds % Step == 0 ? (int)(seconds / Step) : 0;
    }
}
