using KvmMetrics.Exposition;
using KvmMetrics.Web.Diagnostics;

namespace KvmMetrics.Exporter.Collectors.Process;

/// <summary>
/// The <c>process</c> collector: the exporter's own RSS, CPU, file descriptors, threads and GC heap
/// (<see cref="ProcessMetrics"/>), so a leak shows on the same page an operator already scrapes.
/// </summary>
public sealed class ProcessCollector : ICollector
{
    /// <summary>The families this collector can emit.</summary>
    public static IEnumerable<MetricDescriptor> Descriptors => ProcessMetrics.Descriptors;

    /// <inheritdoc />
    public string Name => "process";

    /// <inheritdoc />
    public Task CollectAsync(IMetricSink sink, CancellationToken cancellationToken)
    {
        ProcessMetrics.Write(sink);
        return Task.CompletedTask;
    }
}
