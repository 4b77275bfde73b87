using System.Reflection;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.WriteBack;
using KvmMetrics.Exporter.Influx;
using KvmMetrics.Exposition;
using KvmMetrics.Influx;
using KvmMetrics.Influx.Write;
using KvmMetrics.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvmMetrics.Analyzer.Tests.Service;

public sealed class AnalyzerMetricsTests
{
    private static readonly Dictionary<string, long> NoRebuilt = [];

    /// <summary>Every family of <see cref="AnalyzerMetrics"/>, found as docs and alert checks find them (its descriptor fields).</summary>
    private static MetricDescriptor[] AllDescriptors() => typeof(AnalyzerMetrics)
        .GetFields(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(MetricDescriptor))
        .Select(f => (MetricDescriptor)f.GetValue(null)!)
        .ToArray();

    [Fact]
    public void Build_WithWriteBackState_ExportsItsCounters_WithEveryDropReason()
    {
        var state = new WriteBackState(
            "http://influx:8086/ (V1)", Up: false, PointsWritten: 12, PointsBuffered: 7, BufferedBytes: 900,
            new Dictionary<string, long> { ["no_fields"] = 0, ["invalid"] = 0, ["rejected"] = 2, ["buffer_full"] = 3, ["buffer_error"] = 0 },
            Requests: 9, Retries: 4, LastSuccess: 1_767_225_600.5, LastError: "connection refused", LastErrorAt: 1_767_225_700);

        var text = TextFormatWriter.WriteToString(AnalyzerMetrics.Build(AnalyzerStatus.Initial, NoRebuilt, TimeSpan.FromMinutes(15), 1_767_225_800, state));

        foreach (var line in new[]
        {
            "# TYPE kvm_analyzer_influx_points_written_total counter\n",
            "\nkvm_analyzer_influx_points_written_total 12\n",
            "\nkvm_analyzer_influx_points_dropped_total{reason=\"buffer_full\"} 3\n",
            "\nkvm_analyzer_influx_points_dropped_total{reason=\"rejected\"} 2\n",
            "\nkvm_analyzer_influx_points_dropped_total{reason=\"no_fields\"} 0\n",
            "\nkvm_analyzer_influx_buffer_points 7\n",
            "\nkvm_analyzer_influx_buffer_bytes 900\n",
            "\nkvm_analyzer_influx_requests_total 9\n",
            "\nkvm_analyzer_influx_retries_total 4\n",
            "\nkvm_analyzer_influx_up 0\n",
            "\nkvm_analyzer_influx_last_success_timestamp_seconds 1767225600.5\n",
        })
        {
            Assert.Contains(line, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Build_WithoutWriteBack_HasNoInfluxFamilies()
    {
        var set = AnalyzerMetrics.Build(AnalyzerStatus.Initial, NoRebuilt, TimeSpan.FromMinutes(15), 1_767_225_800);
        Assert.DoesNotContain(set.Families, f => f.Descriptor.Name.StartsWith("kvm_analyzer_influx_", StringComparison.Ordinal));
        Assert.NotNull(set.Find("kvm_analyzer_source_up"));
    }

    [Fact]
    public void WriteBackFamilies_HaveTheShapeOfTheExportersPushFamilies()
    {
        var exporter = InfluxPushMetrics.Descriptors.ToDictionary(d => d.Name, StringComparer.Ordinal);
        Assert.Equal(AnalyzerMetrics.WriteBackDescriptors.Select(d => d.Name), AllDescriptors().Where(d => d.Name.StartsWith("kvm_analyzer_influx_", StringComparison.Ordinal)).Select(d => d.Name));
        foreach (var d in AnalyzerMetrics.WriteBackDescriptors)
        {
            var twin = exporter.GetValueOrDefault(d.Name.Replace("kvm_analyzer_influx_", "kvm_exporter_influx_", StringComparison.Ordinal));
            Assert.True(twin is not null, $"{d.Name} has no kvm_exporter_influx_ counterpart");
            Assert.Equal(twin.Type, d.Type);
            Assert.Equal(twin.LabelNames, d.LabelNames);
        }

        // The reason label values: what the exporter emits for its own writer.
        using var push = new InfluxPushService(
            new InfluxPushOptions { Url = new Uri("http://127.0.0.1:9"), Database = "kvm", HostTag = "h" },
            _ => Task.FromResult(MetricSet.Empty), NullLogger<InfluxPushService>.Instance);
        var sink = new MetricSetBuilder();
        push.WriteSelfMetrics(sink);
        var reasons = sink.Build().Find(InfluxPushMetrics.PointsDropped.Name)!.Samples.Select(s => s.LabelValues[0]);
        Assert.Equal(reasons, WriteBackState.DropReasons.Select(r => r.Label));
        Assert.Equal(Enum.GetValues<DropReason>(), WriteBackState.DropReasons.Select(r => r.Reason));
    }

    [Fact]
    public void WriteBackState_FromWriterStats_KeepsEveryReasonAndNoCredentials()
    {
        var stats = new InfluxWriterStats
        {
            PointsWritten = 5,
            BufferedPoints = 2,
            PointsDropped = new Dictionary<DropReason, long> { [DropReason.Rejected] = 1 },
            LastSuccessAt = DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_250),
            LastRequestSucceeded = true,
        };
        var target = new InfluxConnectionOptions { Url = new Uri("http://influx:8086/"), Database = "kvm", Username = "u", Password = "secret" }.ToString();

        var state = WriteBackState.From(stats, target);

        Assert.DoesNotContain("secret", state.Target, StringComparison.Ordinal);
        Assert.Equal(["no_fields", "invalid", "rejected", "buffer_full", "buffer_error"], state.PointsDropped.Keys);
        Assert.Equal(1, state.TotalDropped);
        Assert.Equal((true, 5L, 2L, 1_767_225_600.25), (state.Up, state.PointsWritten, state.PointsBuffered, state.LastSuccess));
    }

    [Fact]
    public void EveryFamily_IsListedInTheMetricTableOfDocsAnalyzerMd()
    {
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "analyzer.md"));
        var missing = AllDescriptors().Select(d => d.Name).Where(n => !docs.Contains($"| `{n}` |", StringComparison.Ordinal)).ToArray();
        Assert.True(missing.Length == 0, "docs/analyzer.md lacks a /metrics table row for: " + string.Join(", ", missing));
    }
}
