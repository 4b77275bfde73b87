namespace KvmMetrics.Analysis.Forecasting;

/// <summary>
/// A small, deterministic Nelder–Mead simplex minimiser (standard coefficients: reflection 1,
/// expansion 2, contraction 0.5, shrink 0.5). Used instead of MathNet's <c>NelderMeadSimplex</c>
/// because that one throws when it reaches its iteration limit, while model fitting wants the best
/// point found within a fixed budget (the throughput target allows ~1 ms per fit).
/// </summary>
public static class NelderMead
{
    /// <summary>Minimises <paramref name="f"/> from <paramref name="start"/>; returns the best point and its value.</summary>
    /// <param name="f">The objective; may return +∞ for invalid points.</param>
    /// <param name="start">The initial guess.</param>
    /// <param name="initialStep">Size of the initial simplex along each axis.</param>
    /// <param name="maxEvaluations">Budget of objective evaluations.</param>
    /// <param name="tolerance">Stop when the spread of simplex values falls below this.</param>
    public static (double[] Point, double Value) Minimize(Func<double[], double> f, double[] start, double initialStep = 0.5, int maxEvaluations = 200, double tolerance = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(start);
        var n = start.Length;
        var simplex = new double[n + 1][];
        var values = new double[n + 1];
        for (var i = 0; i <= n; i++)
        {
            simplex[i] = (double[])start.Clone();
            if (i > 0)
            {
                simplex[i][i - 1] += initialStep;
            }

            values[i] = f(simplex[i]);
        }

        var evaluations = n + 1;
        var centroid = new double[n];
        var trial = new double[n];
        var trial2 = new double[n];
        var order = new int[n + 1];
        while (evaluations < maxEvaluations)
        {
            for (var i = 0; i <= n; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, (a, b) => values[a].CompareTo(values[b]));
            var best = order[0];
            var worst = order[n];
            var secondWorst = order[n - 1];
            if (Math.Abs(values[worst] - values[best]) <= tolerance * (Math.Abs(values[best]) + tolerance))
            {
                break;
            }

            Array.Clear(centroid);
            for (var i = 0; i <= n; i++)
            {
                if (i != worst)
                {
                    for (var d = 0; d < n; d++)
                    {
                        centroid[d] += simplex[i][d] / n;
                    }
                }
            }

            Move(centroid, simplex[worst], -1.0, trial);
            var fr = f(trial);
            evaluations++;
            if (fr < values[best])
            {
                Move(centroid, simplex[worst], -2.0, trial2);
                var fe = f(trial2);
                evaluations++;
                if (fe < fr)
                {
                    Accept(simplex, values, worst, trial2, fe);
                }
                else
                {
                    Accept(simplex, values, worst, trial, fr);
                }
            }
            else if (fr < values[secondWorst])
            {
                Accept(simplex, values, worst, trial, fr);
            }
            else
            {
                var outside = fr < values[worst];
                Move(centroid, outside ? trial : simplex[worst], 0.5, trial2);
                var fc = f(trial2);
                evaluations++;
                if (fc < (outside ? fr : values[worst]))
                {
                    Accept(simplex, values, worst, trial2, fc);
                }
                else
                {
                    for (var i = 0; i <= n; i++)
                    {
                        if (i == best)
                        {
                            continue;
                        }

                        for (var d = 0; d < n; d++)
                        {
                            simplex[i][d] = simplex[best][d] + (0.5 * (simplex[i][d] - simplex[best][d]));
                        }

                        values[i] = f(simplex[i]);
                        evaluations++;
                    }
                }
            }
        }

        var argmin = 0;
        for (var i = 1; i <= n; i++)
        {
            if (values[i] < values[argmin])
            {
                argmin = i;
            }
        }

        return (simplex[argmin], values[argmin]);
    }

    // target = centroid + coefficient * (point - centroid)
    private static void Move(double[] centroid, double[] point, double coefficient, double[] target)
    {
        for (var d = 0; d < centroid.Length; d++)
        {
            target[d] = centroid[d] + (coefficient * (point[d] - centroid[d]));
        }
    }

    private static void Accept(double[][] simplex, double[] values, int index, double[] point, double value)
    {
        Array.Copy(point, simplex[index], point.Length);
        values[index] = value;
    }
}
