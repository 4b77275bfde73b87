namespace KvmMetrics.Analysis.TimeSeries;

/// <summary>How the raw samples that fall into one step become the step's value.</summary>
public enum Aggregation
{
    /// <summary>Arithmetic mean: demand on average (the default for CPU, memory).</summary>
    Mean,

    /// <summary>Maximum: peak demand within the step.</summary>
    Max,

    /// <summary>An empirical quantile (linear interpolation, quantile given separately): e.g. p95 demand.</summary>
    Quantile,
}
