using KvmMetrics.Exporter.Collectors.Libvirt;
using KvmMetrics.TestSupport.Promtool;

namespace KvmMetrics.Exporter.Tests.Collectors.Libvirt;

/// <summary>The `domain` collector on recorded libvirt input, against testdata/libvirt/golden/domain.prom (see <see cref="LibvirtGolden"/>).</summary>
public sealed class DomainStatsCollectorGoldenTests
{
    [Fact]
    public async Task Collect_RecordedGuests_MatchesGoldenExposition()
    {
        using var client = LibvirtGolden.RecordedClient();
        var text = await LibvirtGolden.ExpositionAsync(new DomainStatsCollector(LibvirtGolden.Source(client)));
        await LibvirtGolden.AssertMatchesAsync("domain", text);
    }

    [SkippableFact]
    public void GoldenExposition_PassesPromtoolCheckMetrics()
    {
        PromtoolRunner.RequirePath();
        var result = PromtoolRunner.CheckMetrics(File.ReadAllText(LibvirtGolden.GoldenPath("domain")));
        Assert.True(result.ExitCode == 0, $"promtool check metrics on domain.prom: {result.Output}");
    }
}
