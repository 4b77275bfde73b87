using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Hotspots;
using KvmMetrics.Analysis.Policy;
using static KvmMetrics.Analysis.Tests.Planning.PlanningFixtures;

namespace KvmMetrics.Analysis.Tests.Hotspots;

/// <summary>The hotspot rules take every threshold from the snapshot's <see cref="ClusterPolicy"/>, nothing from constants.</summary>
public class HotspotPolicyTests
{
    [Theory]
    [InlineData(0.8, false)]
    [InlineData(0.6, true)]
    public void Detect_CpuWatermark_ComesFromThePolicy(double watermark, bool expected)
    {
        // 2.8 of 4 cores = 70%: under the default watermark, above a 60% one.
        var snapshot = Snapshot([Host("a", cores: 4)], [Vm("vm1", "a")], policy: new ClusterPolicy { CpuHighWatermark = watermark });
        var history = new ClusterHistory([Series("vm1", ClusterMetrics.CpuCores, _ => 2.8)]);

        var report = new HotspotDetector().Detect(snapshot, history);

        Assert.Equal(expected, report.Findings.Any(f => f.Rule == "cpu-sustained"));
        Assert.Equal(expected, report.Findings.Any(f => f.Rule == "will-be-hot"));
        if (expected)
        {
            Assert.Equal(0.6, report.Findings.First(f => f.Rule == "cpu-sustained").Threshold);
        }
    }

    [Fact]
    public void Detect_CriticalPeakAndSustainSteps_ComeFromThePolicy()
    {
        // 3.5 of 4 cores = 87.5% for the last 20 minutes (4 steps of 5 minutes).
        var since = PlanTime - 1200;
        var history = new ClusterHistory([Series("vm1", ClusterMetrics.CpuCores, t => t >= since ? 3.5 : 1.0)]);
        var vms = new[] { Vm("vm1", "a") };

        var byDefault = new HotspotDetector().Detect(Snapshot([Host("a", cores: 4)], vms), history);
        var strict = new HotspotDetector().Detect(Snapshot([Host("a", cores: 4)], vms, policy: new ClusterPolicy { CpuCriticalPeak = 0.85 }), history);
        var patient = new HotspotDetector().Detect(Snapshot([Host("a", cores: 4)], vms, policy: new ClusterPolicy { SustainSteps = 6 }), history);

        Assert.Equal("warning", Assert.Single(byDefault.Findings, f => f.Rule == "cpu-sustained").Severity);
        Assert.Equal("critical", Assert.Single(strict.Findings, f => f.Rule == "cpu-sustained").Severity);
        Assert.DoesNotContain(patient.Findings, f => f.Rule == "cpu-sustained");
    }

    [Fact]
    public void Validate_ClearMarginAboveWatermark_NamesTheField()
    {
        Assert.Null(ClusterPolicy.Default.Validate());
        Assert.Contains("policy.cpuClearMargin", new ClusterPolicy { CpuHighWatermark = 0.5, CpuClearMargin = 0.6 }.Validate(), StringComparison.Ordinal);
        Assert.Contains("policy.cpuCriticalPeak", new ClusterPolicy { CpuHighWatermark = 0.9, CpuCriticalPeak = 0.85 }.Validate(), StringComparison.Ordinal);
    }
}
