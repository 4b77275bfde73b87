using KvmMetrics.Analysis.Data;

namespace KvmMetrics.Analysis.Cluster;

/// <summary>Per-VM history indexed by entity and metric; series of unknown entities are kept but unused.</summary>
public sealed class ClusterHistory
{
    private readonly Dictionary<(string Entity, string Metric), RawSeries> _series = [];

    /// <summary>Indexes the given series (the last one wins for a repeated entity+metric).</summary>
    public ClusterHistory(IEnumerable<RawSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        foreach (var s in series)
        {
            _series[(s.Entity, s.Metric)] = s;
        }
    }

    /// <summary>An empty history.</summary>
    public static ClusterHistory Empty { get; } = new([]);

    /// <summary>The series of one entity and metric, or null.</summary>
    public RawSeries? Get(string entity, string metric) =>
        _series.TryGetValue((entity, metric), out var s) ? s : null;

    /// <summary>Entities that have at least one series, sorted ordinally.</summary>
    public IReadOnlyList<string> Entities =>
        _series.Keys.Select(k => k.Entity).Distinct().Order(StringComparer.Ordinal).ToArray();
}
