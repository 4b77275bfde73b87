using KvmMetrics.Deploy.Tests.Support;
using KvmMetrics.TestSupport;

namespace KvmMetrics.Deploy.Tests.Alerts;

/// <summary>The example Alertmanager configuration: amtool accepts it and routes by severity.</summary>
public sealed class AlertmanagerConfigTests
{
    private static string ConfigPath => RepoPaths.InRepo("deploy", "alertmanager", "alertmanager.yml");

    [SkippableFact]
    public async Task AmtoolCheckConfig_AcceptsTheExample()
    {
        var r = await Tool.RunAsync("amtool", ["check-config", ConfigPath]);
        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Contains("SUCCESS", r.Output, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("critical", "kvm-pager")]
    [InlineData("warning", "kvm-chat")]
    [InlineData("info", "kvm-tickets")]
    [InlineData("unknown", "kvm-tickets")]
    public async Task Routes_BySeverity(string severity, string receiver)
    {
        var r = await Tool.RunAsync("amtool", ["config", "routes", "test", "--config.file=" + ConfigPath, "alertname=KvmHostCpuSaturated", "severity=" + severity]);
        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Equal(receiver, r.StandardOutput.Trim());
    }

    [Fact]
    public void Inhibition_SilencesAHostsDomainAlertsWhileItsExporterOrLibvirtIsDown()
    {
        var text = File.ReadAllText(ConfigPath);
        var root = Yaml.LoadMapping(text);
        var rules = (YamlDotNet.RepresentationModel.YamlSequenceNode)root["inhibit_rules"];
        var hostDown = rules.Cast<YamlDotNet.RepresentationModel.YamlMappingNode>()
            .Single(r => Scalars(r["source_matchers"]).Contains("alertname=~\"KvmExporterDown|KvmLibvirtDown\"", StringComparison.Ordinal));
        Assert.Contains("KvmDomain.+", Scalars(hostDown["target_matchers"]), StringComparison.Ordinal);
        Assert.Equal("cluster instance", Scalars(hostDown["equal"]));
        Assert.Equal("alertname cluster instance", Scalars(Yaml.Get(root, "route", "group_by")!));
    }

    private static string Scalars(YamlDotNet.RepresentationModel.YamlNode node) =>
        string.Join(' ', node.AllNodes.OfType<YamlDotNet.RepresentationModel.YamlScalarNode>().Select(s => s.Value));
}
