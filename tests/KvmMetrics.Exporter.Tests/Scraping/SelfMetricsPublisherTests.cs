using System.Text;
using KvmMetrics.Exporter.Scraping;
using KvmMetrics.Exposition;
using KvmMetrics.Web.Exposition;

namespace KvmMetrics.Exporter.Tests.Scraping;

public sealed class SelfMetricsPublisherTests
{
    private static readonly MetricDescriptor Success = new("kvm_exporter_collector_success", MetricType.Gauge, "Success.", "collector");
    private static readonly MetricDescriptor Domain = new("kvm_domain_up", MetricType.Gauge, "Up.", "domain");

    private static async Task<(string Written, MetricSet Remaining)> WriteAsync(SelfMetricsPublisher publisher, MetricSet page, ExpositionFormat format = ExpositionFormat.Text)
    {
        using var output = new MemoryStream();
        var rest = await publisher.WriteAsync(page, format, output, CancellationToken.None);
        return (Encoding.UTF8.GetString(output.ToArray()), rest);
    }

    private static MetricSet Page(params string[] collectors)
    {
        var b = new MetricSetBuilder();
        foreach (var c in collectors)
        {
            b.Add(Success, 1, c);
        }

        b.Add(Domain, 1, "vm1");
        return b.Build();
    }

    [Fact]
    public async Task WriteAsync_WritesSelfFamiliesAndReturnsTheRest()
    {
        var publisher = new SelfMetricsPublisher([Success]);
        var (written, rest) = await WriteAsync(publisher, Page("domain", "cgroup"));
        Assert.Equal(
            "# HELP kvm_exporter_collector_success Success.\n# TYPE kvm_exporter_collector_success gauge\n"
            + "kvm_exporter_collector_success{collector=\"domain\"} 1\nkvm_exporter_collector_success{collector=\"cgroup\"} 1\n",
            written);
        Assert.Equal(["kvm_domain_up"], rest.Families.Select(f => f.Descriptor.Name));
    }

    [Fact]
    public async Task WriteAsync_VanishedLabelSet_LeavesThePage()
    {
        var publisher = new SelfMetricsPublisher([Success]);
        await WriteAsync(publisher, Page("domain", "cgroup"));
        var (written, _) = await WriteAsync(publisher, Page("domain"));
        Assert.DoesNotContain("cgroup", written, StringComparison.Ordinal);
        Assert.Contains("kvm_exporter_collector_success{collector=\"domain\"} 1", written, StringComparison.Ordinal);
        var (empty, _) = await WriteAsync(publisher, Page());
        Assert.DoesNotContain("kvm_exporter_collector_success{", empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_OpenMetrics_LeavesTheEofToTheRest()
    {
        var publisher = new SelfMetricsPublisher([Success]);
        var (written, _) = await WriteAsync(publisher, Page("domain"), ExpositionFormat.OpenMetrics);
        Assert.DoesNotContain("# EOF", written, StringComparison.Ordinal);
        Assert.Contains("kvm_exporter_collector_success{collector=\"domain\"} 1", written, StringComparison.Ordinal);
    }
}
