using System.Reflection;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Exporter.Hosting;
using KvmMetrics.Exposition;

namespace KvmMetrics.Deploy.Tests.Support;

/// <summary>
/// Every metric name the product exposes, taken from the code: the exporter's descriptor tables
/// (<see cref="CollectorRegistry.AllFamilies"/>, the source of docs/metrics.md) and the analyzer's descriptors
/// (the <see cref="MetricDescriptor"/> fields of <see cref="AnalyzerMetrics"/>, the source of its /metrics),
/// plus Prometheus' own <c>up</c> and the recording rules of alerts/.
/// </summary>
public static class MetricCatalogue
{
    public static IReadOnlySet<string> ExporterNames { get; } =
        CollectorRegistry.AllFamilies().Select(f => f.Metric.Name).ToHashSet(StringComparer.Ordinal);

    public static IReadOnlySet<string> AnalyzerNames { get; } = typeof(AnalyzerMetrics)
        .GetFields(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(MetricDescriptor))
        .Select(f => ((MetricDescriptor)f.GetValue(null)!).Name)
        .ToHashSet(StringComparer.Ordinal);

    public static IReadOnlySet<string> RecordingRuleNames { get; } = RuleFiles.Load(RuleFiles.MainFile).RecordNames;

    /// <summary>All names a dashboard or rule may read.</summary>
    public static IReadOnlySet<string> All { get; } =
        ExporterNames.Concat(AnalyzerNames).Concat(RecordingRuleNames).Append("up").ToHashSet(StringComparer.Ordinal);
}
