namespace KvmMetrics.Exposition;

/// <summary>The metric types this project emits.</summary>
public enum MetricType
{
    /// <summary>A value that can go up and down.</summary>
    Gauge,

    /// <summary>A cumulative value; its sample name ends in <c>_total</c>.</summary>
    Counter,

    /// <summary>Descriptive labels with value 1; its sample name ends in <c>_info</c>.</summary>
    Info,

    /// <summary>Type unknown (written as <c>untyped</c> / <c>unknown</c>).</summary>
    Untyped,
}
