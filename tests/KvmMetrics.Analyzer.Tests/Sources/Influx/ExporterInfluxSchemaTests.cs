using KvmMetrics.Analyzer.Sources.Influx;
using KvmMetrics.Exporter.Collectors.Libvirt;
using KvmMetrics.Exporter.Influx;

namespace KvmMetrics.Analyzer.Tests.Sources.Influx;

/// <summary>The analyzer reads what the exporter writes: names checked against the exporter's own descriptors.</summary>
public sealed class ExporterInfluxSchemaTests
{
    [Fact]
    public void EveryMeasurement_IsAnExporterFamily_WithTheDomainLabelWhereNeeded()
    {
        var exporter = DomainMetrics.All.Concat(DomainInfoCollector.Descriptors).Concat([HostCollector.Cpus, HostCollector.Memory])
            .ToDictionary(d => d.Name, StringComparer.Ordinal);
        foreach (var m in ExporterInfluxSchema.AllMeasurements)
        {
            Assert.True(exporter.ContainsKey(m), $"{m} is not a family of the exporter");
            var isHostLevel = m is ExporterInfluxSchema.HostCpus or ExporterInfluxSchema.HostMemory;
            Assert.Equal(!isHostLevel, exporter[m].LabelNames.Contains(ExporterInfluxSchema.DomainTag));
            Assert.DoesNotContain(ExporterInfluxSchema.HostTag, exporter[m].LabelNames);
        }

        Assert.Equal(InfluxPushService.HostTagName, ExporterInfluxSchema.HostTag);
    }
}
