using KvmMetrics.Analysis.Forecasting.Global;

namespace KvmMetrics.Analysis.Tests.Forecasting.Global;

public sealed class GlobalModelTrainerTests
{
    [Fact]
    public void TreeEnsemble_PredictsWhatMlNetItselfPredicts()
    {
        var rng = new Random(3);
        var (features, labels) = Rows(rng, 3000);
        var (test, _) = Rows(rng, 200);
        var options = new GlobalModelOptions { Trees = 30, MinRowsPerLeaf = 20 };

        var ensemble = GlobalModelTrainer.Train(features, labels, options)!;
        var expected = GlobalModelTrainer.PredictWithMlNet(features, labels, test, options);

        Assert.Equal(30, ensemble.TreeCount);
        for (var r = 0; r < expected.Length; r++)
        {
            Assert.Equal(expected[r], ensemble.Predict(test.AsSpan(r * FeatureBuilder.Count, FeatureBuilder.Count)), 4);
        }
    }

    [Fact]
    public void Train_LearnsAStepFunctionOfOneFeature()
    {
        var rng = new Random(5);
        var (features, _) = Rows(rng, 2000);
        var labels = Enumerable.Range(0, 2000).Select(r => features[(r * FeatureBuilder.Count) + 7] > 0.5f ? 1f : -1f).ToArray();

        var ensemble = GlobalModelTrainer.Train(features, labels, new GlobalModelOptions { Trees = 100, LearningRate = 0.2 })!;

        var row = new float[FeatureBuilder.Count];
        row[7] = 0.9f;
        Assert.InRange(ensemble.Predict(row), 0.9, 1.1);
        row[7] = 0.1f;
        Assert.InRange(ensemble.Predict(row), -1.1, -0.9);
    }

    [Fact]
    public void Tree_EvaluatesByTheLessOrEqualRuleAndComplementedLeaves()
    {
        // root: x0 <= 1 ? leaf 0 : (x1 <= 5 ? leaf 1 : leaf 2)
        var tree = new TreeEnsemble.Tree([0, 1], [1f, 5f], [~0, ~1], [1, ~2], [10, 20, 30], 1.0);
        var ensemble = new TreeEnsemble([tree], bias: 0.5);

        Assert.Equal(10.5, ensemble.Predict([1f, 0f]));
        Assert.Equal(20.5, ensemble.Predict([2f, 5f]));
        Assert.Equal(30.5, ensemble.Predict([2f, 6f]));
    }

    [Fact]
    public void Train_TooFewRows_ReturnsNull()
    {
        Assert.Null(GlobalModelTrainer.Train(new float[FeatureBuilder.Count * 3], new float[3], new GlobalModelOptions()));
    }

    private static (float[] Features, float[] Labels) Rows(Random rng, int n)
    {
        var f = new float[n * FeatureBuilder.Count];
        var l = new float[n];
        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < FeatureBuilder.Count; c++)
            {
                f[(r * FeatureBuilder.Count) + c] = (float)rng.NextDouble();
            }

            l[r] = (2 * f[(r * FeatureBuilder.Count) + 4]) - f[(r * FeatureBuilder.Count) + 9] + (0.05f * (float)rng.NextDouble());
        }

        return (f, l);
    }
}
