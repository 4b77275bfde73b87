namespace KvmMetrics.Analysis.Forecasting.Global;

/// <summary>
/// A trained regression tree ensemble as plain arrays, evaluated without ML.NET's data pipeline: at
/// forecasting time the ML.NET <c>IDataView</c> machinery costs more than the trees themselves. Node
/// <c>i</c> sends a row left when <c>features[Feature[i]] &lt;= Threshold[i]</c>; a negative child <c>c</c>
/// is the leaf <c>~c</c> (ML.NET's <c>RegressionTree</c> layout).
/// </summary>
public sealed class TreeEnsemble
{
    private readonly Tree[] _trees;
    private readonly double _bias;

    /// <summary>Creates an ensemble from its trees and bias.</summary>
    public TreeEnsemble(IReadOnlyList<Tree> trees, double bias)
    {
        ArgumentNullException.ThrowIfNull(trees);
        _trees = [.. trees];
        _bias = bias;
    }

    /// <summary>Number of trees.</summary>
    public int TreeCount => _trees.Length;

    /// <summary>The ensemble's output for one feature vector: bias plus the weighted leaf values.</summary>
    public double Predict(ReadOnlySpan<float> features)
    {
        var sum = _bias;
        foreach (var tree in _trees)
        {
            sum += tree.Weight * tree.Evaluate(features);
        }

        return sum;
    }

    /// <summary>One tree.</summary>
    /// <param name="Feature">Split feature per internal node.</param>
    /// <param name="Threshold">Split threshold per internal node.</param>
    /// <param name="Left">Left child per node (negative: leaf index complemented).</param>
    /// <param name="Right">Right child per node.</param>
    /// <param name="Leaf">Value per leaf.</param>
    /// <param name="Weight">Multiplier of the tree's output.</param>
    public sealed record Tree(int[] Feature, float[] Threshold, int[] Left, int[] Right, double[] Leaf, double Weight)
    {
        /// <summary>The leaf value the features reach.</summary>
        public double Evaluate(ReadOnlySpan<float> features)
        {
            if (Feature.Length == 0)
            {
                return Leaf.Length == 0 ? 0 : Leaf[0];
            }

            var node = 0;
            while (node >= 0)
            {
                node = features[Feature[node]] <= Threshold[node] ? Left[node] : Right[node];
            }

            return Leaf[~node];
        }
    }
}
