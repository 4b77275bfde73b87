namespace KvmMetrics.Analysis.Data;

/// <summary>
/// One input series as it arrived (any sampling, possibly with gaps): the samples of one
/// <c>entity</c> (a VM or host name) and one <c>metric</c> (<c>cpu_cores</c>, <c>memory_bytes</c>, ...),
/// sorted by time, without duplicate timestamps.
/// </summary>
/// <param name="Entity">The VM, host or cluster the series belongs to.</param>
/// <param name="Metric">What was measured, in base units.</param>
/// <param name="Timestamps">Unix seconds, strictly increasing.</param>
/// <param name="Values">One value per timestamp; finite.</param>
public sealed record RawSeries(string Entity, string Metric, long[] Timestamps, double[] Values)
{
    /// <summary>Number of samples.</summary>
    public int Count => Timestamps.Length;
}
