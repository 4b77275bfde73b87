namespace KvmMetrics.Analysis.Forecasting;

/// <summary>
/// Split-conformal prediction intervals from rolling-origin backtest residuals. Each residual
/// (actual − forecast) is divided by the series' scale at its origin (the in-sample mean absolute
/// one-day change, so bursty series get wide intervals and steady ones narrow), residuals are pooled
/// per horizon step across every series of the call, and the interval for a new forecast is the point
/// plus the pooled quantile times that series' own scale. Quantiles use the finite-sample conformal rank
/// (⌈(n+1)·q⌉ for upper levels, ⌊(n+1)·q⌋ for lower ones), so the pooled coverage is at least nominal
/// when residuals are exchangeable. Steps with too few residuals borrow from their neighbours.
/// </summary>
public sealed class ConformalCalibrator
{
    /// <summary>The quantile levels of <see cref="Offsets"/>, as in <see cref="IntervalCalibrator.Levels"/>.</summary>
    public static IReadOnlyList<double> Levels => IntervalCalibrator.Levels;

    private readonly List<double>[] _byStep;

    /// <summary>Creates an empty calibrator for a horizon of <paramref name="horizon"/> steps.</summary>
    public ConformalCalibrator(int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        _byStep = new List<double>[horizon];
        for (var h = 0; h < horizon; h++)
        {
            _byStep[h] = [];
        }
    }

    /// <summary>Residuals a step needs before it stops borrowing from neighbouring steps.</summary>
    public int MinimumPerStep { get; init; } = 200;

    /// <summary>Total residuals added.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// The in-sample scale at <paramref name="origin"/>: mean |y[t] − y[t−period]| over the last week before it,
    /// falling back to the mean |y| when the series repeats itself exactly, and to 0 for an all-zero week.
    /// </summary>
    public static double Scale(ReadOnlySpan<double> filled, int origin, int period, int week)
    {
        period = Math.Max(1, period);
        var from = Math.Max(period, origin - week);
        double sum = 0;
        var n = 0;
        for (var t = from; t < origin; t++)
        {
            sum += Math.Abs(filled[t] - filled[t - period]);
            n++;
        }

        if (n > 0 && sum > 0)
        {
            return sum / n;
        }

        double level = 0;
        var m = 0;
        for (var t = Math.Max(0, origin - week); t < origin; t++)
        {
            level += Math.Abs(filled[t]);
            m++;
        }

        return m == 0 ? 0 : level / m;
    }

    /// <summary>Adds one backtest residual at horizon step <paramref name="step"/>, measured on a series with scale <paramref name="scale"/>.</summary>
    public void Add(int step, double residual, double scale)
    {
        if (double.IsNaN(residual) || !(scale > 0) || step < 0 || step >= _byStep.Length)
        {
            return;
        }

        _byStep[step].Add(residual / scale);
        Count++;
    }

    /// <summary>
    /// Normalised offsets per level of <see cref="Levels"/> and per step (multiply by the series' scale and add to
    /// the point forecast); null when fewer than 10 residuals were added. Steps beyond the calibrated
    /// horizon use the last calibrated step.
    /// </summary>
    public double[][]? Offsets(int horizon, double multiplier = 1.0)
    {
        if (Count < 10)
        {
            return null;
        }

        var steps = _byStep.Length;
        var perStep = new double[steps][];
        for (var h = 0; h < steps; h++)
        {
            // Widen the window of pooled steps until it holds enough residuals (or covers every step).
            var lo = h;
            var hi = h;
            var n = _byStep[h].Count;
            while (n < MinimumPerStep && (lo > 0 || hi < steps - 1))
            {
                if (lo > 0)
                {
                    n += _byStep[--lo].Count;
                }

                if (hi < steps - 1)
                {
                    n += _byStep[++hi].Count;
                }
            }

            var pooled = new double[n];
            var k = 0;
            for (var s = lo; s <= hi; s++)
            {
                _byStep[s].CopyTo(pooled, k);
                k += _byStep[s].Count;
            }

            Array.Sort(pooled);
            perStep[h] = new double[Levels.Count];
            for (var l = 0; l < Levels.Count; l++)
            {
                perStep[h][l] = multiplier * RankQuantile(pooled, Levels[l]);
            }
        }

        var result = new double[Levels.Count][];
        for (var l = 0; l < Levels.Count; l++)
        {
            result[l] = new double[horizon];
            for (var h = 0; h < horizon; h++)
            {
                result[l][h] = perStep[Math.Min(h, steps - 1)][l];
            }
        }

        return result;
    }

    /// <summary>
    /// The conformal quantile of sorted residuals: for an upper level q the ⌈(n+1)q⌉-th smallest, for a lower level the
    /// ⌊(n+1)q⌋-th; beyond the sample it is the extreme residual (a finite, if optimistic, bound).
    /// </summary>
    public static double RankQuantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        var n = sorted.Length;
        var rank = q >= 0.5 ? (int)Math.Ceiling((n + 1) * q) : (int)Math.Floor((n + 1) * q);
        return sorted[Math.Clamp(rank, 1, n) - 1];
    }
}
