namespace KvmMetrics.Exposition;

/// <summary>
/// Where a collector puts the samples of one scrape. Implementations are not thread-safe unless
/// they say so; a collector gets its own sink or serialises its calls.
/// </summary>
public interface IMetricSink
{
    /// <summary>
    /// Adds one sample. <paramref name="labelValues"/> are in the order of
    /// <see cref="MetricDescriptor.LabelNames"/>; any string is allowed (writers escape it).
    /// A second sample with the same name and label values is dropped and counted, never emitted twice.
    /// </summary>
    void Add(MetricDescriptor metric, double value, params ReadOnlySpan<string> labelValues);
}
