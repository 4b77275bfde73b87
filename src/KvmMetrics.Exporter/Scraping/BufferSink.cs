using KvmMetrics.Exposition;

namespace KvmMetrics.Exporter.Scraping;

/// <summary>
/// A collector's private buffer for one round: records samples as given (no series keys, no sorting) so
/// they can be replayed into the page only when the collector succeeds. Thread-safe.
/// </summary>
public sealed class BufferSink : IMetricSink
{
    private readonly List<(MetricDescriptor Metric, double Value, string[] Labels)> _samples = [];
    private readonly Lock _gate = new();
    private bool _sealed;

    /// <inheritdoc />
    public void Add(MetricDescriptor metric, double value, params ReadOnlySpan<string> labelValues)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var labels = labelValues.ToArray();
        lock (_gate)
        {
            // A collector abandoned at the deadline may still write: those late samples are ignored.
            if (!_sealed)
            {
                _samples.Add((metric, value, labels));
            }
        }
    }

    /// <summary>Stops accepting samples and returns what was recorded.</summary>
    public IReadOnlyList<(MetricDescriptor Metric, double Value, string[] Labels)> Seal()
    {
        lock (_gate)
        {
            _sealed = true;
            return _samples;
        }
    }

    /// <summary>Replays the recorded samples into <paramref name="sink"/>.</summary>
    public void ReplayInto(IMetricSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        foreach (var (metric, value, labels) in Seal())
        {
            sink.Add(metric, value, labels);
        }
    }
}
