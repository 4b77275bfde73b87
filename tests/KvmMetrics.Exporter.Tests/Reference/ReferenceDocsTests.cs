using KvmMetrics.Exporter.Hosting;
using KvmMetrics.Exporter.Reference;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Exporter.Tests.Reference;

/// <summary>docs/metrics.md and the flags table in docs/exporter.md are generated; UPDATE_GOLDEN=1 rewrites them.</summary>
public sealed class ReferenceDocsTests
{
    private static bool Update => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";

    [Fact]
    public void MetricsMd_EqualsTheGeneratedReference()
    {
        var path = RepoPaths.InRepo("docs", "metrics.md");
        var generated = ReferenceDocs.MetricReference();
        if (Update)
        {
            File.WriteAllText(path, generated);
        }

        Assert.True(File.Exists(path), "docs/metrics.md missing; run with UPDATE_GOLDEN=1");
        Assert.Equal(generated, File.ReadAllText(path));
    }

    [Fact]
    public void ExporterMd_FlagsTableEqualsTheGeneratedTable()
    {
        var path = RepoPaths.InRepo("docs", "exporter.md");
        var text = File.ReadAllText(path);
        var begin = text.IndexOf(ReferenceDocs.FlagsBegin, StringComparison.Ordinal);
        var end = text.IndexOf(ReferenceDocs.FlagsEnd, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "docs/exporter.md lacks the generated-flags markers");
        var current = text[(begin + ReferenceDocs.FlagsBegin.Length)..end].Trim('\n');
        var generated = ReferenceDocs.FlagsReference().Trim('\n');
        if (Update && current != generated)
        {
            File.WriteAllText(path, text[..(begin + ReferenceDocs.FlagsBegin.Length)] + "\n" + generated + "\n" + text[end..]);
            return;
        }

        Assert.Equal(generated, current);
    }

    [Fact]
    public void Usage_ListsEveryFlag_InfluxAndCollectorsIncluded()
    {
        var usage = ReferenceDocs.Usage();
        Assert.All(KvmMetrics.Exporter.Options.OptionTable.All, o => Assert.Contains("  " + o.Flag + "=", usage, StringComparison.Ordinal));
        Assert.Contains("  --influx.token-file=(none)", usage, StringComparison.Ordinal);
        Assert.Contains("  --collector.cgroup=true", usage, StringComparison.Ordinal);
        Assert.Equal(KvmMetrics.Exporter.Influx.InfluxPushOptions.SettingNames.Select(n => "influx." + n),
            KvmMetrics.Exporter.Options.InfluxFlags.All.Select(o => o.Name));
    }

    [Fact]
    public void EveryFamily_HasOneDescriptorAndAFullSentenceHelp()
    {
        var families = CollectorRegistry.AllFamilies();
        Assert.Equal(families.Count, families.Select(f => f.Metric.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(families, f => Assert.EndsWith(".", f.Metric.Help.TrimEnd(), StringComparison.Ordinal));
    }
}
