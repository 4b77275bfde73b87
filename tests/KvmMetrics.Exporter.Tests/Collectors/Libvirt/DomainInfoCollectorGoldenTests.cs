using KvmMetrics.Exporter.Collectors.Libvirt;
using KvmMetrics.TestSupport.Promtool;

namespace KvmMetrics.Exporter.Tests.Collectors.Libvirt;

/// <summary>The `domain_info` collector on recorded libvirt input, against testdata/libvirt/golden/domain_info.prom (see <see cref="LibvirtGolden"/>).</summary>
public sealed class DomainInfoCollectorGoldenTests
{
    [Fact]
    public async Task Collect_RecordedGuests_MatchesGoldenExposition()
    {
        using var client = LibvirtGolden.RecordedClient();
        var text = await LibvirtGolden.ExpositionAsync(new DomainInfoCollector(LibvirtGolden.Source(client)));
        await LibvirtGolden.AssertMatchesAsync("domain_info", text);
    }

    [SkippableFact]
    public void GoldenExposition_PassesPromtoolCheckMetrics()
    {
        PromtoolRunner.RequirePath();
        var result = PromtoolRunner.CheckMetrics(File.ReadAllText(LibvirtGolden.GoldenPath("domain_info")));
        Assert.True(result.ExitCode == 0, $"promtool check metrics on domain_info.prom: {result.Output}");
    }
}
