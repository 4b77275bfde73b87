using System.Text.Json;
using KvmMetrics.Analysis.Policy;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Planning;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.Analyzer.Tests.Commands;

namespace KvmMetrics.Analyzer.Tests.Planning;

public class PolicyFieldsTests
{
    private const string Cluster = """
        {"hosts": [{"name": "a", "cpuCores": 8, "memoryBytes": 68719476736}],
         "vms": [{"name": "vm1", "host": "a", "vcpus": 2, "memoryBytes": 8589934592}],
         "policy": {"cpuHighWatermark": 0.7, "maxMigrations": 3}}
        """;

    [Fact]
    public void All_CoversEveryPublicSettableFieldOfThePolicy()
    {
        var properties = typeof(ClusterPolicy).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(properties, PolicyFields.All.Select(f => char.ToUpperInvariant(f.Name[0]) + f.Name[1..]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_ClusterJson_ReadsEveryPolicyField()
    {
        // Each field set to a valid non-default value: its default nudged within the accepted range.
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var expected = ClusterPolicy.Default;
        foreach (var f in PolicyFields.All)
        {
            var d = f.Get(ClusterPolicy.Default);
            var v = f.Integer ? d + 1 : Math.Round(d * 0.9, 6);
            values[f.Name] = v;
            expected = f.Set(expected, v);
        }

        expected = expected with { CpuClearMargin = 0.04, CpuCriticalPeak = 0.9 };
        values["cpuClearMargin"] = 0.04;
        values["cpuCriticalPeak"] = 0.9;
        var json = Cluster.Replace("{\"cpuHighWatermark\": 0.7, \"maxMigrations\": 3}", JsonSerializer.Serialize(values), StringComparison.Ordinal);

        var file = ClusterJsonReader.Parse(json, "c.json");

        Assert.Equal(expected, file.Snapshot.Policy);
    }

    [Fact]
    public void Overrides_Flags_OverrideTheFilesFieldsAndKeepTheRest()
    {
        var apply = PolicyFields.Overrides(new CommandArgs(["--policy.cpu-high-watermark", "0.65", "--policy.horizon-hours=72"]));

        var policy = apply!(ClusterJsonReader.Parse(Cluster, "c.json").Snapshot.Policy);

        Assert.Equal(0.65, policy.CpuHighWatermark);
        Assert.Equal(72, policy.HorizonHours);
        Assert.Equal(3, policy.MaxMigrations);
        Assert.Null(PolicyFields.Overrides(new CommandArgs([])));
    }

    [Theory]
    [InlineData("--policy.cpu-high-watermark", "high", "--policy.cpu-high-watermark must be a number, got 'high'")]
    [InlineData("--policy.max-migrations", "2.5", "--policy.max-migrations must be a whole number, got '2.5'")]
    [InlineData("--policy.cpu-high-watermark", "3", "policy flags: policy.cpuHighWatermark must be between 0.05 and 1.0 (flags: --policy.cpu-high-watermark)")]
    public void Overrides_BadValue_IsOneLineNamingTheFlag(string flag, string value, string message)
    {
        var e = Assert.Throws<UsageException>(() => PolicyFields.Overrides(new CommandArgs([flag, value])));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public async Task SourceOptions_PolicyFlagsOnALiveSource_ReachTheSnapshot()
    {
        // The sample source has no cluster file (as prometheus and influx): the flag is the only way to set the policy.
        var source = SourceOptions.Create(new CommandArgs(["--source", "sample", "--policy.cpu-high-watermark", "0.6", "--policy.max-migrations", "2"]));

        var data = await source.LoadAsync(null, CancellationToken.None);

        Assert.IsType<PolicyOverrideSource>(source);
        Assert.Equal(0.6, data.Cluster.Snapshot.Policy.CpuHighWatermark);
        Assert.Equal(2, data.Cluster.Snapshot.Policy.MaxMigrations);
        Assert.Equal(ClusterPolicy.Default.CooldownSeconds, data.Cluster.Snapshot.Policy.CooldownSeconds);
    }

    [Fact]
    public async Task Plan_PolicyFlag_ChangesThePlanAndABadOneExitsWithCode2()
    {
        using var f = new PlanCommandFixture();
        var args = new[] { "plan", "--cluster", f.ClusterPath, "--history", f.HistoryPath, "--output", f.InDir("P.json") };

        var capped = await PlanCommandFixture.Run([.. args, "--policy.max-migrations", "0"]);
        var bad = await PlanCommandFixture.Run([.. args, "--policy.max-migrations", "-1"]);

        Assert.True(capped.Code == 0, capped.Err);
        using var doc = JsonDocument.Parse(File.ReadAllText(f.InDir("P.json")));
        Assert.Equal(0, doc.RootElement.GetProperty("moves").GetArrayLength());
        Assert.Equal(2, bad.Code);
        Assert.Contains("policy.maxMigrations must be an integer from 0 to 10000", bad.Err, StringComparison.Ordinal);
        Assert.Single(bad.Err.Trim().Split('\n'));
    }
}
