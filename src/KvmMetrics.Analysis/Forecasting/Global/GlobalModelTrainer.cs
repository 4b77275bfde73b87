using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace KvmMetrics.Analysis.Forecasting.Global;

/// <summary>Hyper-parameters of the global model (the defaults are the ones tuned in docs/forecasting.md).</summary>
public sealed record GlobalModelOptions
{
    /// <summary>Boosting rounds.</summary>
    public int Trees { get; init; } = 150;

    /// <summary>Leaves per tree.</summary>
    public int Leaves { get; init; } = 31;

    /// <summary>Learning rate (shrinkage).</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Minimum training rows per leaf.</summary>
    public int MinRowsPerLeaf { get; init; } = 50;

    /// <summary>Training rows kept at most (a seeded random subset beyond it); bounds the training time for large fleets.</summary>
    public int MaxRows { get; init; } = 60_000;

    /// <summary>Steps between training origins within a series.</summary>
    public int OriginStride { get; init; } = 6;

    /// <summary>
    /// LightGBM threads (0 = all cores). Default 1: LightGBM's OpenMP workers spin while waiting, and on a
    /// busy 2-core machine 2 threads cost 10x the CPU of one for the same model (bench/forecast, docs/forecasting.md).
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>Seed of the row subsample and of LightGBM.</summary>
    public int Seed { get; init; } = 17;

    /// <summary>Checks the ranges; throws <see cref="ArgumentOutOfRangeException"/> naming the option.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Trees, 1, nameof(Trees));
        ArgumentOutOfRangeException.ThrowIfLessThan(Leaves, 2, nameof(Leaves));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinRowsPerLeaf, 1, nameof(MinRowsPerLeaf));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRows, 100, nameof(MaxRows));
        ArgumentOutOfRangeException.ThrowIfLessThan(OriginStride, 1, nameof(OriginStride));
        ArgumentOutOfRangeException.ThrowIfNegative(Threads, nameof(Threads));
        if (!(LearningRate > 0 && LearningRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be in (0, 1]");
        }
    }
}

/// <summary>Trains the global model with ML.NET's LightGBM regression and returns it as a <see cref="TreeEnsemble"/>.</summary>
public static class GlobalModelTrainer
{
    /// <summary>Fits LightGBM (L2 loss on the log-ratio target) to the rows; null when there are too few rows to learn from.</summary>
    /// <param name="features">Row-major features, <see cref="FeatureBuilder.Count"/> per row.</param>
    /// <param name="labels">One target per row.</param>
    /// <param name="options">Hyper-parameters.</param>
    public static TreeEnsemble? Train(float[] features, float[] labels, GlobalModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        var rows = labels.Length;
        if (rows < 2 * options.MinRowsPerLeaf || features.Length != rows * FeatureBuilder.Count)
        {
            return null;
        }

        var mean = labels.Average(l => (double)l);
        if (labels.All(l => Math.Abs(l - mean) < 1e-6))
        {
            // Nothing to learn (e.g. every series repeats its days exactly): LightGBM would grow split-less
            // trees, which ML.NET 6.0's TrainedTreeEnsemble cannot represent (ArgumentNullException).
            return new TreeEnsemble([], mean);
        }

        var ml = new MLContext(options.Seed);
        var data = ml.Data.LoadFromEnumerable(Rows(features, labels), SchemaDefinition());
        var trainer = Trainer(ml, options);
        var model = trainer.Fit(data).Model;
        Microsoft.ML.Trainers.FastTree.RegressionTreeEnsemble ensemble;
        try
        {
            ensemble = model.TrainedTreeEnsemble;
        }
        catch (ArgumentNullException)
        {
            // A split-less tree among them (see above): the labels carry almost no signal; predict their mean.
            return new TreeEnsemble([], mean);
        }

        var trees = new List<TreeEnsemble.Tree>(ensemble.Trees.Count);
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            trees.Add(new TreeEnsemble.Tree(
                [.. tree.NumericalSplitFeatureIndexes],
                [.. tree.NumericalSplitThresholds],
                [.. tree.LeftChild],
                [.. tree.RightChild],
                [.. tree.LeafValues],
                ensemble.TreeWeights[t]));
        }

        return new TreeEnsemble(trees, ensemble.Bias);
    }

    // One definition of the trainer, so the test's ML.NET reference prediction trains exactly what Train does.
    private static LightGbmRegressionTrainer Trainer(MLContext ml, GlobalModelOptions options) =>
        ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
        {
            NumberOfIterations = options.Trees,
            NumberOfLeaves = options.Leaves,
            LearningRate = options.LearningRate,
            MinimumExampleCountPerLeaf = options.MinRowsPerLeaf,
            NumberOfThreads = options.Threads == 0 ? null : options.Threads,
            Seed = options.Seed,
            Deterministic = true,
            Silent = true,
            Verbose = false,
            UseCategoricalSplit = false,
            HandleMissingValue = false,
        });

    /// <summary>ML.NET's own prediction for the rows (used by tests to check <see cref="TreeEnsemble"/> against it).</summary>
    public static float[] PredictWithMlNet(float[] trainFeatures, float[] trainLabels, float[] features, GlobalModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(options);
        var ml = new MLContext(options.Seed);
        var data = ml.Data.LoadFromEnumerable(Rows(trainFeatures, trainLabels), SchemaDefinition());
        var trainer = Trainer(ml, options);
        var transformer = trainer.Fit(data);
        var rows = features.Length / FeatureBuilder.Count;
        var scored = transformer.Transform(ml.Data.LoadFromEnumerable(Rows(features, new float[rows]), SchemaDefinition()));
        return [.. scored.GetColumn<float>("Score")];
    }

    private static SchemaDefinition SchemaDefinition()
    {
        var schema = Microsoft.ML.Data.SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureBuilder.Count);
        return schema;
    }

    private static IEnumerable<Row> Rows(float[] features, float[] labels)
    {
        for (var r = 0; r < labels.Length; r++)
        {
            yield return new Row { Features = features.AsSpan(r * FeatureBuilder.Count, FeatureBuilder.Count).ToArray(), Label = labels[r] };
        }
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
