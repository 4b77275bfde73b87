using System.Text;
using KvmMetrics.Exporter.Hosting;
using KvmMetrics.Exporter.Options;
using KvmMetrics.Exposition;
using KvmMetrics.Options;

namespace KvmMetrics.Exporter.Reference;

/// <summary>
/// Generates docs/metrics.md and the flags table of docs/exporter.md from the descriptor and option
/// tables (<c>--print-metric-reference</c>, <c>--print-flags-reference</c>); tests check the files equal this text.
/// </summary>
public static class ReferenceDocs
{
    /// <summary>Marker lines around the generated flags table in docs/exporter.md.</summary>
    public const string FlagsBegin = "<!-- BEGIN GENERATED FLAGS (dotnet run --project src/KvmMetrics.Exporter -- --print-flags-reference) -->";

    /// <summary>End marker of the generated flags table.</summary>
    public const string FlagsEnd = "<!-- END GENERATED FLAGS -->";

    /// <summary>The full text of docs/metrics.md.</summary>
    public static string MetricReference()
    {
        var sb = new StringBuilder();
        sb.Append("# KvmMetrics exporter: metric reference\n\n");
        sb.Append("Generated from the exporter's descriptor tables by\n`dotnet run --project src/KvmMetrics.Exporter -- --print-metric-reference > docs/metrics.md`;\n");
        sb.Append("a test fails when this file differs from the generated text or when the live exporter emits a family not listed here.\n\n");
        sb.Append("Conventions: base units (seconds, bytes), cumulative values are counters ending in `_total`, every domain series carries\n");
        sb.Append("`uuid` (stable identity) and `domain` (libvirt name); descriptive data is in `*_info` series with value 1.\n");
        sb.Append("libvirt fields without a specific family appear in `kvm_domain_stat{stat=\"<sanitised field name>\"}` so that every numeric statistic\n");
        sb.Append("of a newer libvirt is exported.\n");
        foreach (var group in CollectorRegistry.AllFamilies().GroupBy(x => x.Collector).OrderBy(g => g.Key == "exporter" ? "~" : g.Key, StringComparer.Ordinal))
        {
            sb.Append("\n## Collector `").Append(group.Key).Append("`\n\n");
            sb.Append(group.Key switch
            {
                "exporter" => "Always on: the exporter's own health.\n\n",
                "influx" => "Present when the InfluxDB push is enabled (`--influx.url`).\n\n",
                _ => "Enable/disable with `--collector." + group.Key + "` / `--no-collector." + group.Key + "`.\n\n",
            });
            sb.Append("| Metric | Type | Labels | Description |\n|---|---|---|---|\n");
            foreach (var (_, m) in group)
            {
                sb.Append("| `").Append(m.Name).Append("` | ").Append(TypeName(m.Type)).Append(" | ")
                  .Append(m.LabelNames.Count == 0 ? "" : "`" + string.Join("`, `", m.LabelNames) + "`").Append(" | ")
                  .Append(Cell(m.Help)).Append(" |\n");
            }
        }

        return sb.ToString();
    }

    /// <summary>The generated flags table (between <see cref="FlagsBegin"/> and <see cref="FlagsEnd"/> in docs/exporter.md).</summary>
    public static string FlagsReference() => OptionDocs.Table(OptionTable.All, OptionTable.EnvironmentPrefix);

    /// <summary>The <c>--help</c> text: every option of <see cref="OptionTable.All"/>, the <c>--influx.*</c> push settings included.</summary>
    public static string Usage()
    {
        var sb = new StringBuilder();
        sb.Append("usage: kvm-exporter [<flags>]\n\nPrometheus exporter for libvirt/KVM domains and their cgroups.\n\n");
        sb.Append("Flags (also ").Append(OptionTable.EnvironmentPrefix).Append("<FLAG> environment variables and --config.file YAML keys; flag > env > file > default).\n");
        sb.Append("Durations: ").Append(Duration.Syntax).Append(".\n\n");
        sb.Append(OptionDocs.Help(OptionTable.Specs.Select(s => s.Definition)));
        sb.Append("\nCollectors (--collector.NAME enables, --no-collector.NAME disables):\n");
        sb.Append(OptionDocs.Help(OptionTable.Collectors));
        sb.Append("\nInfluxDB push (off unless --influx.url is set; docs/influxdb.md):\n");
        sb.Append(OptionDocs.Help(InfluxFlags.All));
        sb.Append("\n  --print-metric-reference  Print docs/metrics.md.\n  --print-flags-reference   Print the flags table of docs/exporter.md.\n  --version, --help\n");
        return sb.ToString();
    }

    private static string TypeName(MetricType t) => t switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        MetricType.Info => "info (gauge 1)",
        _ => "untyped",
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
