using KvmMetrics.Analysis.Policy;
using KvmMetrics.Analyzer.Planning;

namespace KvmMetrics.Analyzer.Sources;

/// <summary>
/// Applies the <c>--policy.*</c> flags to every snapshot a source loads: live sources (Prometheus, InfluxDB, the
/// sample) have no cluster file to carry a policy, and for the files source a flag overrides the file's field.
/// </summary>
/// <param name="inner">The source.</param>
/// <param name="apply">The flags, as from <see cref="PolicyFields.Overrides"/>.</param>
public sealed class PolicyOverrideSource(IAnalysisSource inner, Func<ClusterPolicy, ClusterPolicy> apply) : IAnalysisSource
{
    /// <inheritdoc />
    public string Name => inner.Name;

    /// <summary>The wrapped source.</summary>
    public IAnalysisSource Inner => inner;

    /// <inheritdoc />
    public async Task<AnalysisData> LoadAsync(long? now, CancellationToken cancellationToken)
    {
        var data = await inner.LoadAsync(now, cancellationToken).ConfigureAwait(false);
        var snapshot = data.Cluster.Snapshot;
        var policy = apply(snapshot.Policy);
        if (policy.Validate() is { } error)
        {
            // A file's policy combined with a flag can be inconsistent (e.g. a clear margin above the new watermark).
            throw new SourceUnavailableException($"{inner.Name}: policy flags do not fit the source's policy: {error}");
        }

        return data with { Cluster = data.Cluster with { Snapshot = snapshot with { Policy = policy } } };
    }
}
