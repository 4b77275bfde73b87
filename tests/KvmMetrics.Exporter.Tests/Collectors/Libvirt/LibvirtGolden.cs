using KvmMetrics.Exporter.Domains;
using KvmMetrics.Exporter.LibvirtAccess;
using KvmMetrics.Exporter.Options;
using KvmMetrics.Exporter.Tests.Fakes;
using KvmMetrics.Exposition;
using KvmMetrics.Libvirt;
using KvmMetrics.Libvirt.Xml;
using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Libvirt;

namespace KvmMetrics.Exporter.Tests.Collectors.Libvirt;

/// <summary>
/// Golden files for the libvirt collectors, as node_exporter keeps them for its collectors: recorded input
/// (typed parameters that the real libvirtd returned for four guests, <see cref="LibvirtFixtures"/>, and recorded
/// domain XML) replayed through a fake client, and the collector's exposition compared byte for byte with
/// testdata/libvirt/golden/&lt;collector&gt;.prom. Regenerate with <c>UPDATE_GOLDEN=1</c> and review the diff.
/// </summary>
public static class LibvirtGolden
{
    // Which recorded XML describes which recorded guest (the XML's own uuid/name are replaced by the guest's).
    private static readonly (string Stats, string Xml)[] Inputs =
    [
        ("running-idle", "plain-debian.xml"),
        ("running-kvm", "nova-instance.xml"),
        ("paused-hostile-name", "hostile.xml"),
        ("inactive", "plain-debian.xml"),
    ];

    /// <summary>A fake client holding the recorded guests and their descriptions.</summary>
    public static FakeLibvirtClient RecordedClient()
    {
        var client = new FakeLibvirtClient();
        foreach (var (stats, xml) in Inputs)
        {
            foreach (var record in DomainStatsJson.Deserialize(File.ReadAllText(LibvirtFixtures.StatsJsonPath(stats))))
            {
                client.Domains.Add(record);
                var description = DomainXmlParser.Parse(File.ReadAllText(LibvirtFixtures.DomainXmlPath(xml)));
                client.Descriptions[record.Uuid] = description with { Uuid = record.Uuid, Name = record.Name };
            }
        }

        return client;
    }

    /// <summary>The source the collectors share, over <paramref name="client"/>, with default options.</summary>
    public static DomainStatsSource Source(ILibvirtClient client) =>
        new(client, ExporterOptions.Parse([]).Options!, new DomainDescriptionCache(client), new DomainDirectory(), TimeProvider.System);

    /// <summary>Runs <paramref name="collector"/> once and writes its samples as text 0.0.4.</summary>
    public static async Task<string> ExpositionAsync(KvmMetrics.Exporter.Collectors.ICollector collector)
    {
        var builder = new MetricSetBuilder();
        await collector.CollectAsync(builder, CancellationToken.None);
        return TextFormatWriter.WriteToString(builder.Build());
    }

    /// <summary>Path of a golden file.</summary>
    public static string GoldenPath(string collector) =>
        RepoPaths.InRepo("tests", "KvmMetrics.Exporter.Tests", "testdata", "libvirt", "golden", collector + ".prom");

    /// <summary>Compares <paramref name="text"/> with the golden file (writing it first under UPDATE_GOLDEN=1).</summary>
    public static async Task AssertMatchesAsync(string collector, string text)
    {
        var golden = GoldenPath(collector);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(golden)!);
            await File.WriteAllTextAsync(golden, text);
        }

        Assert.True(File.Exists(golden), $"golden file {golden} missing; run with UPDATE_GOLDEN=1 once and review it");
        Assert.Equal(await File.ReadAllTextAsync(golden), text);
    }
}
