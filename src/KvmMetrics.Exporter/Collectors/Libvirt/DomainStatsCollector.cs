using KvmMetrics.Exporter.LibvirtAccess;
using KvmMetrics.Exposition;
using KvmMetrics.Libvirt;

namespace KvmMetrics.Exporter.Collectors.Libvirt;

/// <summary>The <c>domain</c> collector: every libvirt statistic of every (filtered) domain, from one round's bulk call.</summary>
public sealed class DomainStatsCollector(DomainStatsSource source) : ICollector
{
    /// <inheritdoc />
    public string Name => "domain";

    /// <summary>The families this collector can emit.</summary>
    public static IEnumerable<MetricDescriptor> Descriptors => DomainMetrics.All;

    /// <inheritdoc />
    public async Task CollectAsync(IMetricSink sink, CancellationToken cancellationToken)
    {
        var snapshot = await source.GetAsync(cancellationToken).ConfigureAwait(false);
        var byState = new int[DomainStatsMapper.AllStateNames.Count];
        foreach (var d in snapshot.Domains)
        {
            if (d.State is { } state)
            {
                byState[(int)state]++;
            }

            var removable = snapshot.Descriptions.TryGetValue(d.Uuid, out var description)
                ? description.Disks.Where(x => x.IsRemovable).Select(x => x.TargetDev).ToHashSet(StringComparer.Ordinal)
                : null;
            DomainStatsMapper.Map(d, removable, sink);
        }

        for (var s = 0; s < byState.Length; s++)
        {
            sink.Add(DomainMetrics.DomainsByState, byState[s], DomainStatsMapper.AllStateNames[s]);
        }
    }
}
