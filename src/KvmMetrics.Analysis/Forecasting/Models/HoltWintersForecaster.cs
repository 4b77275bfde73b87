namespace KvmMetrics.Analysis.Forecasting.Models;

/// <summary>
/// Additive Holt-Winters (level + trend + daily season), optionally with a damped trend
/// (Gardner &amp; McKenzie). Smoothing parameters (α, β, γ and φ when damped) are fitted by minimising
/// the one-step-ahead squared error with Nelder–Mead over a logistic reparametrisation, so they stay
/// in their admissible ranges. Initial state: level = mean of the first season, trend = difference
/// of the first two season means per step, season = first season minus the level.
/// </summary>
public sealed class HoltWintersForecaster : IForecaster
{
    private readonly bool _damped;
    private readonly int _fitWindow;
    private readonly int _maxEvaluations;

    /// <summary>Creates the model.</summary>
    /// <param name="damped">Damped trend (φ in [0.8, 0.98]) instead of a linear one.</param>
    /// <param name="fitWindow">Most recent steps used to fit (0 = all); bounds the cost of one fit.</param>
    /// <param name="maxEvaluations">Nelder–Mead budget per fit.</param>
    public HoltWintersForecaster(bool damped = false, int fitWindow = 0, int maxEvaluations = 160)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fitWindow);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvaluations, 10);
        _damped = damped;
        _fitWindow = fitWindow;
        _maxEvaluations = maxEvaluations;
    }

    /// <inheritdoc />
    public string Name => _damped ? "holt-winters-damped" : "holt-winters";

    /// <inheritdoc />
    public int MinimumLength(Seasonality seasonality)
    {
        ArgumentNullException.ThrowIfNull(seasonality);
        return Math.Max(2, seasonality.Daily) * 3;
    }

    /// <summary>The fitted smoothing parameters of a model returned by <see cref="Fit"/>.</summary>
    public static (double Alpha, double Beta, double Gamma, double Phi) Parameters(IFittedForecaster fitted) =>
        fitted is Fitted f ? (f.Alpha, f.Beta, f.Gamma, f.Phi) : throw new ArgumentException("not a Holt-Winters model", nameof(fitted));

    /// <inheritdoc />
    public IFittedForecaster Fit(ReadOnlySpan<double> history, Seasonality seasonality, IFittedForecaster? warmStart = null)
    {
        ArgumentNullException.ThrowIfNull(seasonality);
        var m = Math.Max(1, seasonality.Daily);
        var data = _fitWindow > 0 && history.Length > _fitWindow ? history[^_fitWindow..].ToArray() : history.ToArray();
        if (data.Length < 2 * m)
        {
            m = 1;
        }

        double alpha, beta, gamma, phi;
        if (warmStart is Fitted previous)
        {
            (alpha, beta, gamma, phi) = (previous.Alpha, previous.Beta, previous.Gamma, previous.Phi);
        }
        else
        {
            double[] start = _damped ? [Logit(0.3), Logit(0.05), Logit(0.1), Logit(0.5)] : [Logit(0.3), Logit(0.05), Logit(0.1)];
            var (best, _) = NelderMead.Minimize(p => Run(data, m, Decode(p), null), start, 1.0, _maxEvaluations);
            (alpha, beta, gamma, phi) = Decode(best);
        }

        var state = new State(m);
        Run(data, m, (alpha, beta, gamma, phi), state);
        return new Fitted(alpha, beta, gamma, phi, state);
    }

    private (double Alpha, double Beta, double Gamma, double Phi) Decode(double[] p) =>
        (Sigmoid(p[0]), Sigmoid(p[1]) * 0.5, Sigmoid(p[2]), _damped ? 0.8 + (0.18 * Sigmoid(p[3])) : 1.0);

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static double Logit(double p) => Math.Log(p / (1 - p));

    /// <summary>Runs the recursions; returns the sum of squared one-step errors and fills <paramref name="final"/>.</summary>
    private static double Run(double[] y, int m, (double Alpha, double Beta, double Gamma, double Phi) p, State? final)
    {
        double level = 0;
        for (var i = 0; i < m; i++)
        {
            level += y[i];
        }

        level /= m;
        double trend = 0;
        if (y.Length >= 2 * m && m > 1)
        {
            double second = 0;
            for (var i = m; i < 2 * m; i++)
            {
                second += y[i];
            }

            trend = ((second / m) - level) / m;
        }

        Span<double> season = m <= 512 ? stackalloc double[m] : new double[m];
        for (var i = 0; i < m; i++)
        {
            season[i] = m > 1 ? y[i] - level : 0;
        }

        double sse = 0;
        var (alpha, beta, gamma, phi) = p;
        for (var t = m; t < y.Length; t++)
        {
            var s = season[t % m];
            var damped = phi * trend;
            var e = y[t] - (level + damped + s);
            sse += e * e;
            var newLevel = (alpha * (y[t] - s)) + ((1 - alpha) * (level + damped));
            trend = (beta * (newLevel - level)) + ((1 - beta) * damped);
            level = newLevel;
            if (m > 1)
            {
                season[t % m] = (gamma * (y[t] - newLevel)) + ((1 - gamma) * s);
            }
        }

        if (final is not null)
        {
            final.Level = level;
            final.Trend = trend;
            // Rotate so that Season[0] is the phase of the first forecast step.
            for (var i = 0; i < m; i++)
            {
                final.Season[i] = season[(y.Length + i) % m];
            }
        }

        return double.IsFinite(sse) ? sse : double.PositiveInfinity;
    }

    private sealed class State(int m)
    {
        public double Level { get; set; }

        public double Trend { get; set; }

        public double[] Season { get; } = new double[m];
    }

    private sealed class Fitted(double alpha, double beta, double gamma, double phi, State state) : IFittedForecaster
    {
        public double Alpha => alpha;

        public double Beta => beta;

        public double Gamma => gamma;

        public double Phi => phi;

        public double[] Forecast(int horizon)
        {
            var result = new double[horizon];
            double cumulative = 0, power = 1;
            for (var h = 0; h < horizon; h++)
            {
                power *= phi;
                cumulative += power;
                result[h] = state.Level + (cumulative * state.Trend) + state.Season[h % state.Season.Length];
            }

            return result;
        }
    }
}
