namespace KvmMetrics.Analysis.Forecasting.Models;

/// <summary>
/// Regression on a linear trend plus Fourier terms for the daily and weekly seasons
/// (sin/cos pairs of the first few harmonics), the model for long horizons where the seasonal
/// shape matters more than the last few values. Fitted by least absolute deviations
/// (iteratively reweighted least squares), because VM CPU has bursts that would drag a squared-error
/// fit and the evaluation ranks by absolute error.
/// </summary>
public sealed class FourierRegressionForecaster : IForecaster
{
    private readonly int _dailyHarmonics;
    private readonly int _weeklyHarmonics;
    private readonly bool _trend;
    private readonly int _window;

    /// <summary>Creates the model.</summary>
    /// <param name="dailyHarmonics">Harmonics of the daily season.</param>
    /// <param name="weeklyHarmonics">Harmonics of the weekly season (used when the history spans two weeks).</param>
    /// <param name="trend">Include a linear trend term.</param>
    /// <param name="window">Most recent steps fitted (0 = all).</param>
    public FourierRegressionForecaster(int dailyHarmonics = 4, int weeklyHarmonics = 3, bool trend = true, int window = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dailyHarmonics);
        ArgumentOutOfRangeException.ThrowIfNegative(weeklyHarmonics);
        ArgumentOutOfRangeException.ThrowIfNegative(window);
        _dailyHarmonics = dailyHarmonics;
        _weeklyHarmonics = weeklyHarmonics;
        _trend = trend;
        _window = window;
    }

    /// <inheritdoc />
    public string Name => "trend-fourier";

    /// <inheritdoc />
    public int MinimumLength(Seasonality seasonality)
    {
        ArgumentNullException.ThrowIfNull(seasonality);
        return Math.Max(8, 2 * Math.Max(1, seasonality.Daily));
    }

    /// <inheritdoc />
    public IFittedForecaster Fit(ReadOnlySpan<double> history, Seasonality seasonality, IFittedForecaster? warmStart = null)
    {
        ArgumentNullException.ThrowIfNull(seasonality);
        var data = _window > 0 && history.Length > _window ? history[^_window..] : history;
        var n = data.Length;
        var periods = new List<(double Period, int Harmonics)>();
        if (seasonality.Daily > 0 && n >= 2 * seasonality.Daily)
        {
            periods.Add((seasonality.Daily, Math.Min(_dailyHarmonics, seasonality.Daily / 2)));
        }

        if (seasonality.Weekly > 0 && n >= 2 * seasonality.Weekly)
        {
            periods.Add((seasonality.Weekly, _weeklyHarmonics));
        }

        var basis = new Basis(n, _trend, [.. periods]);
        var columns = basis.Columns;
        var x = new double[n * columns];
        var row = new double[columns];
        for (var i = 0; i < n; i++)
        {
            basis.Fill(i, row);
            Array.Copy(row, 0, x, i * columns, columns);
        }

        double[] beta;
        if (warmStart is Fitted previous && previous.Beta.Length == columns)
        {
            // Rolling refit: keep the seasonal shape and slope, re-anchor the level on the new data
            // (median residual of the last two days), which is what moves between nearby origins.
            beta = (double[])previous.Beta.Clone();
            beta[0] = 0;
            var recent = Math.Min(n, 2 * Math.Max(1, seasonality.Daily));
            var residuals = new double[recent];
            for (var i = n - recent; i < n; i++)
            {
                residuals[i - (n - recent)] = data[i] - Dot(x, i * columns, beta);
            }

            beta[0] = TimeSeries.Stats.Median(residuals);
            return new Fitted(basis, beta);
        }

        beta = LeastAbsoluteDeviations(x, data, n, columns);
        return new Fitted(basis, beta);
    }

    private static double Dot(double[] x, int offset, double[] beta)
    {
        double v = 0;
        for (var a = 0; a < beta.Length; a++)
        {
            v += x[offset + a] * beta[a];
        }

        return v;
    }

    /// <summary>Iteratively reweighted least squares for the L1 fit (weights 1/|residual|, floored).</summary>
    private static double[] LeastAbsoluteDeviations(double[] x, ReadOnlySpan<double> y, int n, int columns)
    {
        double scale = 0;
        foreach (var v in y)
        {
            scale += Math.Abs(v);
        }

        var delta = Math.Max(1e-9, 1e-3 * scale / Math.Max(1, n));
        var weights = new double[n];
        Array.Fill(weights, 1.0);
        var beta = new double[columns];
        var normal = new double[columns * columns];
        var rhs = new double[columns];
        for (var iteration = 0; iteration < 5; iteration++)
        {
            Array.Clear(normal);
            Array.Clear(rhs);
            for (var i = 0; i < n; i++)
            {
                var w = weights[i];
                var offset = i * columns;
                for (var a = 0; a < columns; a++)
                {
                    var wa = w * x[offset + a];
                    rhs[a] += wa * y[i];
                    var rowOffset = a * columns;
                    for (var b = 0; b <= a; b++)
                    {
                        normal[rowOffset + b] += wa * x[offset + b];
                    }
                }
            }

            if (!SolveCholesky(normal, rhs, columns, beta))
            {
                break;
            }

            for (var i = 0; i < n; i++)
            {
                weights[i] = 1.0 / Math.Max(Math.Abs(y[i] - Dot(x, i * columns, beta)), delta);
            }
        }

        return beta;
    }

    /// <summary>Solves the symmetric positive system (lower triangle given) in place; false when not positive definite.</summary>
    private static bool SolveCholesky(double[] a, double[] b, int n, double[] result)
    {
        var l = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = a[(i * n) + j] + (i == j ? 1e-9 * (1 + a[(i * n) + i]) : 0);
                for (var k = 0; k < j; k++)
                {
                    sum -= l[(i * n) + k] * l[(j * n) + k];
                }

                if (i == j)
                {
                    if (!(sum > 0))
                    {
                        return false;
                    }

                    l[(i * n) + i] = Math.Sqrt(sum);
                }
                else
                {
                    l[(i * n) + j] = sum / l[(j * n) + j];
                }
            }
        }

        var z = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sum = b[i];
            for (var k = 0; k < i; k++)
            {
                sum -= l[(i * n) + k] * z[k];
            }

            z[i] = sum / l[(i * n) + i];
        }

        for (var i = n - 1; i >= 0; i--)
        {
            var sum = z[i];
            for (var k = i + 1; k < n; k++)
            {
                sum -= l[(k * n) + i] * result[k];
            }

            result[i] = sum / l[(i * n) + i];
        }

        return true;
    }

    private sealed class Basis(int length, bool trend, (double Period, int Harmonics)[] periods)
    {
        public int Columns { get; } = 1 + (trend ? 1 : 0) + (2 * periods.Sum(p => p.Harmonics));

        public void Fill(int index, double[] row)
        {
            var c = 0;
            row[c++] = 1;
            if (trend)
            {
                row[c++] = (double)index / Math.Max(1, length);
            }

            foreach (var (period, harmonics) in periods)
            {
                for (var k = 1; k <= harmonics; k++)
                {
                    var angle = 2 * Math.PI * k * index / period;
                    row[c++] = Math.Sin(angle);
                    row[c++] = Math.Cos(angle);
                }
            }
        }

        public int Length => length;
    }

    private sealed class Fitted(Basis basis, double[] beta) : IFittedForecaster
    {
        public double[] Beta => beta;

        public double[] Forecast(int horizon)
        {
            var result = new double[horizon];
            var row = new double[basis.Columns];
            for (var h = 0; h < horizon; h++)
            {
                basis.Fill(basis.Length + h, row);
                double v = 0;
                for (var c = 0; c < row.Length; c++)
                {
                    v += row[c] * beta[c];
                }

                result[h] = v;
            }

            return result;
        }
    }
}
