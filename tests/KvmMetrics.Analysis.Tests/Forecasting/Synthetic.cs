namespace KvmMetrics.Analysis.Tests.Forecasting;

/// <summary>Synthetic hourly series with known structure for model tests.</summary>
internal static class Synthetic
{
    /// <summary>level + slope·t + amplitude·sin(2πt/24) + N(0, noise²), deterministic for a seed.</summary>
    public static double[] DailySine(int length, double level = 10, double slope = 0, double amplitude = 3, double noise = 0, int seed = 1, int offset = 0)
    {
        var rng = new Random(seed);
        var y = new double[length];
        for (var i = 0; i < length; i++)
        {
            var t = i + offset;
            y[i] = level + (slope * t) + (amplitude * Math.Sin(2 * Math.PI * t / 24)) + (noise * Gaussian(rng));
        }

        return y;
    }

    /// <summary>Standard normal draw (Box–Muller).</summary>
    public static double Gaussian(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Largest absolute difference.</summary>
    public static double MaxAbsError(double[] expected, double[] actual) => expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
}
