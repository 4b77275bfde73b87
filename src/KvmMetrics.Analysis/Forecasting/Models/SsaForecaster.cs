using System.Numerics;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace KvmMetrics.Analysis.Forecasting.Models;

/// <summary>
/// Singular spectrum analysis forecasting, the method of ML.NET's <c>ForecastBySsa</c>
/// (Golyandina &amp; Zhigljavsky, "Singular Spectrum Analysis for Time Series", ch. 3):
/// the (mean-centred) training window is embedded in a trajectory matrix with window length L;
/// the L×L lag-covariance matrix is eigen-decomposed; the signal rank r is selected by the
/// Gavish–Donoho optimal hard threshold on the singular values (capped by <c>maxRank</c>);
/// the r leading eigenvectors give the linear recurrent formula (LRF); the roots of the LRF's
/// characteristic polynomial outside the unit circle are pulled onto it (ML.NET's
/// "stabilisation", so forecasts cannot explode); the last window projected on the signal subspace
/// starts the recurrence. Prediction intervals come from the engine's backtest calibration, as for
/// every model, rather than from the Gaussian residual formula ML.NET uses.
/// </summary>
public sealed class SsaForecaster : IForecaster
{
    private readonly int _window;
    private readonly int _trainSize;
    private readonly int _maxRank;

    /// <summary>Creates the model.</summary>
    /// <param name="window">Window length L (0 = one day of steps plus one, or 12 without a daily season).</param>
    /// <param name="trainSize">Most recent steps used to build the trajectory matrix (0 = all).</param>
    /// <param name="maxRank">Largest signal rank kept.</param>
    public SsaForecaster(int window = 0, int trainSize = 0, int maxRank = 12)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(window);
        ArgumentOutOfRangeException.ThrowIfNegative(trainSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRank, 1);
        _window = window;
        _trainSize = trainSize;
        _maxRank = maxRank;
    }

    /// <inheritdoc />
    public string Name => "ssa";

    /// <inheritdoc />
    public int MinimumLength(Seasonality seasonality)
    {
        ArgumentNullException.ThrowIfNull(seasonality);
        return Math.Max(8, 2 * WindowFor(seasonality, int.MaxValue));
    }

    private int WindowFor(Seasonality s, int length)
    {
        // One day plus one step by default: the LRF then spans a full daily cycle while its
        // characteristic polynomial (degree L-1) stays small enough to stabilise in well under a millisecond.
        var l = _window > 0 ? _window : s.Daily > 0 ? s.Daily + 1 : 12;
        return Math.Clamp(Math.Min(l, length / 2), 2, 512);
    }

    /// <summary>The signal rank chosen by the last full fit of <paramref name="fitted"/>.</summary>
    public static int Rank(IFittedForecaster fitted) => fitted is Fitted f ? f.Rank : throw new ArgumentException("not an SSA model", nameof(fitted));

    /// <inheritdoc />
    public IFittedForecaster Fit(ReadOnlySpan<double> history, Seasonality seasonality, IFittedForecaster? warmStart = null)
    {
        ArgumentNullException.ThrowIfNull(seasonality);
        var data = _trainSize > 0 && history.Length > _trainSize ? history[^_trainSize..] : history;
        var n = data.Length;
        double mean = 0;
        foreach (var v in data)
        {
            mean += v;
        }

        mean /= Math.Max(1, n);
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            y[i] = data[i] - mean;
        }

        if (warmStart is Fitted previous && previous.Basis.GetLength(0) <= n)
        {
            return new Fitted(mean, previous.Basis, previous.Recurrence, previous.Rank, y);
        }

        var l = WindowFor(seasonality, n);
        if (n < l + 2)
        {
            return new Fitted(mean, new double[1, 0], [], 0, y);
        }

        var basis = SignalBasis(y, l, _maxRank);
        var recurrence = Recurrence(basis);
        return new Fitted(mean, basis, recurrence, basis.GetLength(1), y);
    }

    /// <summary>Leading eigenvectors (columns) of the lag-covariance of the trajectory matrix.</summary>
    private static double[,] SignalBasis(double[] y, int l, int maxRank)
    {
        var k = y.Length - l + 1;
        // C[a,b] = sum_j y[j+a] y[j+b]; each diagonal follows from its predecessor in O(1).
        var c = new double[l, l];
        for (var b = 0; b < l; b++)
        {
            double sum = 0;
            for (var j = 0; j < k; j++)
            {
                sum += y[j] * y[j + b];
            }

            c[0, b] = sum;
        }

        for (var a = 1; a < l; a++)
        {
            for (var b = a; b < l; b++)
            {
                c[a, b] = c[a - 1, b - 1] - (y[a - 1] * y[b - 1]) + (y[k - 1 + a] * y[k - 1 + b]);
            }
        }

        for (var a = 0; a < l; a++)
        {
            for (var b = 0; b < a; b++)
            {
                c[a, b] = c[b, a];
            }
        }

        var evd = Matrix<double>.Build.DenseOfArray(c).Evd(Symmetricity.Symmetric);
        var eigenvalues = evd.EigenValues.Select(v => Math.Max(0, v.Real)).ToArray();
        var order = Enumerable.Range(0, l).OrderByDescending(i => eigenvalues[i]).ToArray();
        var singular = order.Select(i => Math.Sqrt(eigenvalues[i])).ToArray();
        var rank = SelectRank(singular, l, k, maxRank);
        var basis = new double[l, rank];
        for (var r = 0; r < rank; r++)
        {
            for (var a = 0; a < l; a++)
            {
                basis[a, r] = evd.EigenVectors[a, order[r]];
            }
        }

        return basis;
    }

    /// <summary>
    /// Gavish &amp; Donoho (2014) optimal hard threshold for unknown noise: keep singular values above
    /// ω(β)·median, with ω(β) ≈ 0.56β³ − 0.95β² + 1.82β + 1.43 and β = L/K.
    /// </summary>
    private static int SelectRank(double[] singularDescending, int l, int k, int maxRank)
    {
        var beta = Math.Min(l, k) / (double)Math.Max(l, k);
        var omega = (0.56 * beta * beta * beta) - (0.95 * beta * beta) + (1.82 * beta) + 1.43;
        var sorted = (double[])singularDescending.Clone();
        Array.Sort(sorted);
        var median = sorted[sorted.Length / 2];
        var threshold = omega * median;
        var rank = 0;
        while (rank < singularDescending.Length && rank < maxRank && singularDescending[rank] > threshold)
        {
            rank++;
        }

        return Math.Max(1, rank);
    }

    /// <summary>LRF coefficients a (length L−1): y[t] = Σ a[j]·y[t−L+1+j], with stabilised roots.</summary>
    private static double[] Recurrence(double[,] basis)
    {
        var l = basis.GetLength(0);
        var rank = basis.GetLength(1);
        double nu2 = 0;
        for (var r = 0; r < rank; r++)
        {
            nu2 += basis[l - 1, r] * basis[l - 1, r];
        }

        var a = new double[l - 1];
        if (nu2 >= 0.999)
        {
            // Verticality: the last coordinate is (almost) in the signal space, no LRF exists; persist.
            a[^1] = 1;
            return a;
        }

        for (var r = 0; r < rank; r++)
        {
            var pi = basis[l - 1, r];
            for (var j = 0; j < l - 1; j++)
            {
                a[j] += pi * basis[j, r] / (1 - nu2);
            }
        }

        return Stabilise(a);
    }

    /// <summary>Pulls roots of z^(L−1) − Σ a[j] z^j outside the unit circle onto it and rebuilds the coefficients.</summary>
    private static double[] Stabilise(double[] a)
    {
        var degree = a.Length;
        var coefficients = new double[degree + 1];
        for (var j = 0; j < degree; j++)
        {
            coefficients[j] = -a[j];
        }

        coefficients[degree] = 1;
        Complex[] roots;
        try
        {
            roots = FindRoots.Polynomial(coefficients);
        }
        catch (ArithmeticException)
        {
            return a;
        }

        var changed = false;
        for (var i = 0; i < roots.Length; i++)
        {
            var magnitude = roots[i].Magnitude;
            if (magnitude > 1)
            {
                roots[i] /= magnitude;
                changed = true;
            }
        }

        if (!changed || roots.Length != degree)
        {
            return a;
        }

        // Expand prod (z - root) from the roots.
        var poly = new Complex[degree + 1];
        poly[0] = Complex.One;
        for (var i = 0; i < degree; i++)
        {
            for (var j = i + 1; j >= 1; j--)
            {
                poly[j] = poly[j - 1] - (roots[i] * poly[j]);
            }

            poly[0] = -roots[i] * poly[0];
        }

        // poly[j] is the coefficient of z^j; poly[degree] is the leading 1.
        var stable = new double[degree];
        for (var j = 0; j < degree; j++)
        {
            stable[j] = -poly[j].Real;
        }

        return stable;
    }

    private sealed class Fitted : IFittedForecaster
    {
        private readonly double _mean;
        private readonly double[] _state;

        public Fitted(double mean, double[,] basis, double[] recurrence, int rank, double[] centred)
        {
            _mean = mean;
            Basis = basis;
            Recurrence = recurrence;
            Rank = rank;
            var l = basis.GetLength(0);
            if (rank == 0 || centred.Length < l)
            {
                _state = [];
                return;
            }

            // Project the last window onto the signal subspace: x̂ = U Uᵀ x.
            var x = centred.AsSpan(centred.Length - l, l);
            var coefficients = new double[rank];
            for (var r = 0; r < rank; r++)
            {
                for (var i = 0; i < l; i++)
                {
                    coefficients[r] += basis[i, r] * x[i];
                }
            }

            _state = new double[l - 1];
            for (var i = 1; i < l; i++)
            {
                double v = 0;
                for (var r = 0; r < rank; r++)
                {
                    v += basis[i, r] * coefficients[r];
                }

                _state[i - 1] = v;
            }
        }

        public double[,] Basis { get; }

        public double[] Recurrence { get; }

        public int Rank { get; }

        public double[] Forecast(int horizon)
        {
            var result = new double[horizon];
            if (_state.Length == 0)
            {
                Array.Fill(result, _mean);
                return result;
            }

            var window = new double[_state.Length + horizon];
            Array.Copy(_state, window, _state.Length);
            var m = _state.Length;
            for (var h = 0; h < horizon; h++)
            {
                double v = 0;
                for (var j = 0; j < m; j++)
                {
                    v += Recurrence[j] * window[h + j];
                }

                window[m + h] = v;
                result[h] = v + _mean;
            }

            return result;
        }
    }
}
