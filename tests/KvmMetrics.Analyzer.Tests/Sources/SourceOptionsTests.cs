using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Sources;

namespace KvmMetrics.Analyzer.Tests.Sources;

public sealed class SourceOptionsTests
{
    private static readonly string[] Prometheus = ["--source", "prometheus", "--prometheus.url", "http://127.0.0.1:9090/"];

    [Theory]
    [InlineData(null, "[10m]")] // twice the default 5m step
    [InlineData("5s", "[5s]")]
    [InlineData("90s", "[90s]")]
    public void RateWindow_SetsTheWindowOfEveryRate(string? window, string expected)
    {
        var args = new CommandArgs(window is null ? Prometheus : [.. Prometheus, "--prometheus.rate-window", window]);
        var source = Assert.IsType<PrometheusSource>(SourceOptions.Create(args));
        Assert.Contains(expected, source.RangeQueries[ClusterMetrics.CpuCores], StringComparison.Ordinal);
        Assert.Contains(expected, source.RangeQueries[ClusterMetrics.DiskBytesPerSecond], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1s")]
    [InlineData("2d")]
    [InlineData("soon")]
    public void RateWindow_OutOfRange_IsRejectedNamingTheFlag(string window)
    {
        var e = Assert.Throws<UsageException>(() => SourceOptions.Create(new CommandArgs([.. Prometheus, "--prometheus.rate-window", window])));
        Assert.Contains("--prometheus.rate-window", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CpuCores_IsUsagePlusVcpuWait_FallingBackToUsageWithoutDelayCounters()
    {
        var source = Assert.IsType<PrometheusSource>(SourceOptions.Create(new CommandArgs(Prometheus)));
        Assert.Equal(
            "sum by (instance, domain) (rate(kvm_domain_cpu_time_seconds_total[10m])) + (sum by (instance, domain) (rate(kvm_domain_vcpu_delay_seconds_total[10m])) or sum by (instance, domain) (rate(kvm_domain_cpu_time_seconds_total[10m])) * 0)",
            source.RangeQueries[ClusterMetrics.CpuCores]);
    }
}
