using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analyzer.Planning;
using KvmMetrics.Analyzer.Sample;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Analyzer.Tests.Sample;

public sealed class SampleBuilderTests
{
    [Fact]
    public void BundledSample_HasSevenHostsFortyEightVmsAndFourMetricsPerVm()
    {
        var cluster = ClusterJsonReader.Parse(BundledSample.ClusterJson(), "sample");
        var history = BundledSample.History();
        Assert.Equal(7, cluster.Snapshot.Hosts.Count);
        Assert.Equal(48, cluster.Snapshot.Vms.Count);
        Assert.True(cluster.HasPlanTime);
        foreach (var vm in cluster.Snapshot.Vms)
        {
            var metrics = history.Where(s => s.Entity == vm.Name).Select(s => s.Metric).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal([ClusterMetrics.CpuCores, ClusterMetrics.DiskBytesPerSecond, ClusterMetrics.MemoryBytes, ClusterMetrics.NetworkBytesPerSecond], metrics);
        }

        // Hourly, about 40 days, all before the plan time.
        var cpu = history.First(s => s.Metric == ClusterMetrics.CpuCores);
        Assert.Equal(3600, cpu.Timestamps[1] - cpu.Timestamps[0]);
        Assert.InRange(cpu.Count, 35 * 24, 40 * 24);
        Assert.True(history.All(s => s.Timestamps[^1] < cluster.Snapshot.PlanTime));
    }

    [Fact]
    public void BundledSample_FirstFitLeavesSomeHostsHot()
    {
        var cluster = ClusterJsonReader.Parse(BundledSample.ClusterJson(), "sample").Snapshot;
        var history = new ClusterHistory(BundledSample.History());
        var start = cluster.PlanTime - (14 * HourlyGrid.Day);
        var hot = cluster.Hosts.Count(h =>
        {
            var hourly = new double[14 * 24];
            foreach (var vm in cluster.Vms.Where(v => v.Host == h.Name))
            {
                var m = HourlyGrid.Means(history.Get(vm.Name, ClusterMetrics.CpuCores), start, hourly.Length);
                for (var i = 0; i < hourly.Length; i++)
                {
                    hourly[i] += double.IsNaN(m[i]) ? 0 : m[i];
                }
            }

            return hourly.Count(x => x / h.CpuCores > 0.8) >= 10;
        });
        Assert.InRange(hot, 1, 3);
    }

    [SkippableFact]
    public void Build_FromTheTraces_ReproducesTheEmbeddedFilesByteForByte()
    {
        var traces = Path.Combine(RepoPaths.SharedData, "bitbrains-rnd");
        Requirements.Require(Directory.Exists(traces), "the Bitbrains traces in " + traces);
        var dir = Directory.CreateTempSubdirectory("kvm-sample-");
        try
        {
            SampleBuilder.Build(traces, dir.FullName, TextWriter.Null);
            var embeddedCluster = BundledSample.ClusterJson();
            Assert.Equal(embeddedCluster, File.ReadAllText(Path.Combine(dir.FullName, SampleBuilder.ClusterFile)));
            using var embedded = typeof(BundledSample).Assembly.GetManifestResourceStream("KvmMetrics.Analyzer.Sample." + SampleBuilder.HistoryFile)!;
            using var copy = new MemoryStream();
            embedded.CopyTo(copy);
            Assert.True(copy.ToArray().AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir.FullName, SampleBuilder.HistoryFile))), "rebuilt history differs from the embedded one");
            Assert.InRange(copy.Length, 100_000, 3_000_000);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
