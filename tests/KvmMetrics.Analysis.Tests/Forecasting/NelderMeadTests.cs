using KvmMetrics.Analysis.Forecasting;

namespace KvmMetrics.Analysis.Tests.Forecasting;

public sealed class NelderMeadTests
{
    [Fact]
    public void Minimize_Rosenbrock_FindsTheMinimum()
    {
        static double Rosenbrock(double[] p) => Math.Pow(1 - p[0], 2) + (100 * Math.Pow(p[1] - (p[0] * p[0]), 2));

        var (point, value) = NelderMead.Minimize(Rosenbrock, [-1.2, 1.0], 0.5, 2000, 1e-14);

        Assert.InRange(point[0], 0.99, 1.01);
        Assert.InRange(point[1], 0.98, 1.02);
        Assert.True(value < 1e-4);
    }

    [Fact]
    public void Minimize_StopsAtTheEvaluationBudgetWithTheBestPointSoFar()
    {
        var calls = 0;
        var (_, value) = NelderMead.Minimize(p => { calls++; return (p[0] * p[0]) + (p[1] * p[1]); }, [5.0, 5.0], 1.0, 30);

        Assert.True(calls <= 33);
        Assert.True(value < 50);
    }
}
