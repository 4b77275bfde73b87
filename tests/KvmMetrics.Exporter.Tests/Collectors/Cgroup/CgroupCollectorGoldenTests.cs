using KvmMetrics.Exposition;
using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Promtool;

namespace KvmMetrics.Exporter.Tests.Collectors.Cgroup;

/// <summary>
/// The collector's exposition on each fixture layout, compared byte for byte with
/// testdata/cgroup/golden/&lt;layout&gt;.prom. Regenerate with <c>UPDATE_GOLDEN=1</c> (and review the diff).
/// </summary>
public class CgroupCollectorGoldenTests
{
    public static TheoryData<string> Layouts => new("systemd-v2", "systemd-pre71", "cgroupfs", "hybrid");

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task Collect_FixtureLayout_MatchesGoldenExposition(string layout)
    {
        using var fixture = CgroupFixture.Materialize(layout);

        var text = TextFormatWriter.WriteToString(await CgroupFixture.ScrapeAsync(fixture.Collector()));

        var golden = RepoPaths.InRepo("tests", "KvmMetrics.Exporter.Tests", "testdata", "cgroup", "golden", layout + ".prom");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            await File.WriteAllTextAsync(golden, text);
        }

        Assert.True(File.Exists(golden), $"golden file {golden} missing; run with UPDATE_GOLDEN=1 once and review it");
        Assert.Equal(await File.ReadAllTextAsync(golden), text);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void GoldenExposition_PassesPromtoolCheckMetrics(string layout)
    {
        PromtoolRunner.RequirePath();
        var golden = RepoPaths.InRepo("tests", "KvmMetrics.Exporter.Tests", "testdata", "cgroup", "golden", layout + ".prom");

        var result = PromtoolRunner.CheckMetrics(File.ReadAllText(golden));

        Assert.True(result.ExitCode == 0, $"promtool check metrics on {layout}.prom: {result.Output}");
    }
}
