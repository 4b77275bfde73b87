using KvmMetrics.Exporter.Collectors;
using KvmMetrics.Exporter.Collectors.Cgroup;
using KvmMetrics.Exporter.Collectors.Libvirt;
using KvmMetrics.Exporter.Collectors.Process;
using KvmMetrics.Exporter.Domains;
using KvmMetrics.Exporter.Influx;
using KvmMetrics.Exporter.LibvirtAccess;
using KvmMetrics.Exporter.Options;
using KvmMetrics.Exporter.Scraping;
using KvmMetrics.Exposition;
using KvmMetrics.Libvirt;

namespace KvmMetrics.Exporter.Hosting;

/// <summary>The one place where collectors are created and registered, and where every family is listed for the reference.</summary>
public static class CollectorRegistry
{
    /// <summary>Creates the enabled collectors.</summary>
    /// <exception cref="ArgumentException">A collector's options are invalid (the message names the flag).</exception>
    public static IReadOnlyList<ICollector> Create(ExporterOptions options, ILibvirtClient client, DomainStatsSource source, DomainDirectory directory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var all = new List<ICollector>();
        if (options.IsEnabled("domain"))
        {
            all.Add(new DomainStatsCollector(source));
        }

        if (options.IsEnabled("domain_info"))
        {
            all.Add(new DomainInfoCollector(source));
        }

        if (options.IsEnabled("host"))
        {
            all.Add(new HostCollector(client, source));
        }

        if (options.IsEnabled("cgroup"))
        {
            all.Add(new CgroupCollector(directory, CgroupOptions(options), time));
        }

        if (options.IsEnabled("process"))
        {
            all.Add(new ProcessCollector());
        }

        return all;
    }

    /// <summary>The cgroup collector's options from the exporter's path flags.</summary>
    public static CgroupCollectorOptions CgroupOptions(ExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CgroupCollectorOptions.Create(options.CgroupPath, options.ProcPath, options.SysPath);
    }

    /// <summary>
    /// The exporter's own families (<c>process_*</c>, <c>dotnet_*</c>, <c>kvm_exporter_*</c>), which /metrics writes through
    /// prometheus-net (<see cref="SelfMetricsPublisher"/>); the libvirt call accounting (<c>kvm_libvirt_*</c>) stays with the
    /// domain families.
    /// </summary>
    public static IReadOnlyList<MetricDescriptor> SelfFamilies() =>
        AllFamilies().Select(f => f.Metric)
            .Where(m => m.Name.StartsWith("process_", StringComparison.Ordinal) || m.Name.StartsWith("dotnet_", StringComparison.Ordinal) || m.Name.StartsWith("kvm_exporter_", StringComparison.Ordinal))
            .ToArray();

    /// <summary>Every family the exporter can emit, by the collector that emits it ("exporter" for self-metrics).</summary>
    public static IReadOnlyList<(string Collector, MetricDescriptor Metric)> AllFamilies() =>
        DomainStatsCollector.Descriptors.Select(d => ("domain", d))
            .Concat(DomainInfoCollector.Descriptors.Select(d => ("domain_info", d)))
            .Concat(HostCollector.Descriptors.Select(d => ("host", d)))
            .Concat(CgroupMetrics.All.Select(d => ("cgroup", d)))
            .Concat(ProcessCollector.Descriptors.Select(d => ("process", d)))
            .Concat(ExporterSelfMetrics.Descriptors.Select(d => ("exporter", d)))
            .Concat(LibvirtCallStats.Descriptors.Select(d => ("exporter", d)))
            .Concat(typeof(InfluxPushMetrics).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
                .Where(f => f.FieldType == typeof(MetricDescriptor)).Select(f => ("influx", (MetricDescriptor)f.GetValue(null)!)))
            .OrderBy(x => x.Item2.Name, StringComparer.Ordinal)
            .ToArray();
}
