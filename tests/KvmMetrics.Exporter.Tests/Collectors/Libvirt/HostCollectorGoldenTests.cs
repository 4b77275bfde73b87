using KvmMetrics.Exporter.Collectors.Libvirt;
using KvmMetrics.TestSupport.Promtool;

namespace KvmMetrics.Exporter.Tests.Collectors.Libvirt;

/// <summary>The `host` collector on recorded libvirt input, against testdata/libvirt/golden/host.prom (see <see cref="LibvirtGolden"/>).</summary>
public sealed class HostCollectorGoldenTests
{
    [Fact]
    public async Task Collect_RecordedGuests_MatchesGoldenExposition()
    {
        using var client = LibvirtGolden.RecordedClient();
        var text = await LibvirtGolden.ExpositionAsync(new HostCollector(client, LibvirtGolden.Source(client)));
        await LibvirtGolden.AssertMatchesAsync("host", text);
    }

    [SkippableFact]
    public void GoldenExposition_PassesPromtoolCheckMetrics()
    {
        PromtoolRunner.RequirePath();
        var result = PromtoolRunner.CheckMetrics(File.ReadAllText(LibvirtGolden.GoldenPath("host")));
        Assert.True(result.ExitCode == 0, $"promtool check metrics on host.prom: {result.Output}");
    }
}
