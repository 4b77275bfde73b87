using System.Text.RegularExpressions;
using KvmMetrics.Deploy.Tests.Support;
using KvmMetrics.TestSupport;
using YamlDotNet.RepresentationModel;

namespace KvmMetrics.Deploy.Tests.Alerts;

/// <summary>alerts/: promtool check and unit tests, monitoring-mixins conventions, known metric names, yamllint.</summary>
public sealed partial class AlertRulesTests
{
    private static readonly string[] Severities = ["critical", "warning", "info"];

    /// <summary>The alerts issue 8 asks for.</summary>
    private static readonly string[] Required =
    [
        "KvmExporterDown", "KvmLibvirtDown", "KvmExporterCollectorFailing", "KvmDomainCrashed", "KvmDomainPausedUnexpectedly",
        "KvmHostCpuSaturated", "KvmDomainVcpuStealHigh", "KvmDomainMemoryPressure", "KvmDomainOomKilled", "KvmDomainDiskLatencyHigh",
        "KvmDomainDiskFillingUp", "KvmHostMemoryOvercommitted", "KvmAnalyzerStale", "KvmHostHotspotSustained",
        "KvmClusterCapacityExhaustedIn30Days", "KvmClusterCapacityExhaustedIn60Days", "KvmMigrationsPending",
    ];

    private static RuleFiles Main => RuleFiles.Load(RuleFiles.MainFile);

    [SkippableFact]
    public async Task PromtoolCheckRules_AcceptsEveryRuleFile()
    {
        var files = RuleFiles.All.ToArray();
        Assert.NotEmpty(files);
        foreach (var f in files)
        {
            var r = await Tool.RunAsync("promtool", ["check", "rules", f]);
            Assert.True(r.ExitCode == 0, $"{f}: {r.Output}");
            Assert.Contains("SUCCESS", r.Output, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task PromtoolTestRules_PassesEveryUnitTestFile()
    {
        var files = Directory.GetFiles(RepoPaths.InRepo("alerts", "tests"), "*.yml");
        Assert.NotEmpty(files);
        foreach (var f in files)
        {
            var r = await Tool.RunAsync("promtool", ["test", "rules", f]);
            Assert.True(r.ExitCode == 0, $"{f}: {r.Output}");
        }
    }

    [SkippableFact]
    public async Task PromtoolTestRules_FailsWhenAnExpectedAnnotationIsWrong()
    {
        // Guards the guard: a changed expectation must make promtool fail, so the suite above can fail.
        var tmp = Path.Combine(Path.GetTempPath(), "kmt-mutant-" + Guid.NewGuid().ToString("N")[..8] + ".yml");
        var text = await File.ReadAllTextAsync(Path.Combine(RepoPaths.InRepo("alerts", "tests"), "kvm-metrics.rules.test.yml"));
        Assert.Contains("spent 20% of their time", text, StringComparison.Ordinal);
        Assert.Contains("../kvm-metrics.rules.yml", text, StringComparison.Ordinal);
        await File.WriteAllTextAsync(tmp, text
            .Replace("spent 20% of their time", "spent 21% of their time", StringComparison.Ordinal)
            .Replace("../kvm-metrics.rules.yml", RuleFiles.MainFile, StringComparison.Ordinal));
        try
        {
            var r = await Tool.RunAsync("promtool", ["test", "rules", tmp]);
            Assert.NotEqual(0, r.ExitCode);
            Assert.Contains("KvmDomainVcpuStealHigh", r.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(tmp);
        }
    }

    [Fact]
    public void EveryRequiredAlert_IsDefinedOnce()
    {
        var names = Main.Alerts.Select(a => a.Alert!).ToArray();
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(Required.Except(names, StringComparer.Ordinal));
    }

    [Fact]
    public void EveryAlert_FollowsTheMonitoringMixinsConventions()
    {
        foreach (var a in Main.Alerts)
        {
            Assert.Matches(AlertName(), a.Alert!);
            Assert.Contains(a.Labels.GetValueOrDefault("severity"), Severities);
            Assert.False(string.IsNullOrWhiteSpace(a.For), $"{a.Alert}: no for:");
            Assert.Equal(["description", "runbook_url", "summary"], a.Annotations.Keys.Order(StringComparer.Ordinal));
            Assert.DoesNotContain("{{", a.Annotations["summary"], StringComparison.Ordinal);
            Assert.EndsWith(".", a.Annotations["summary"], StringComparison.Ordinal);
            Assert.Contains("{{ $labels.", a.Annotations["description"], StringComparison.Ordinal);
            Assert.EndsWith("/docs/runbooks/" + a.Alert + ".md", a.Annotations["runbook_url"], StringComparison.Ordinal);
            var runbook = RepoPaths.InRepo("docs", "runbooks", a.Alert + ".md");
            Assert.True(File.Exists(runbook), $"{a.Alert}: missing {runbook}");
            var text = File.ReadAllText(runbook);
            Assert.Contains("# " + a.Alert, text, StringComparison.Ordinal);
            Assert.Contains("## Threshold", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RecordingRules_FollowLevelMetricOperations()
    {
        var records = Main.Rules.Where(r => r.Record is not null).ToArray();
        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.Matches(RecordName(), r.Record!));
        // Recording rules exist to be shared: each is read by an alert or another recording rule.
        foreach (var r in records)
        {
            Assert.Contains(Main.Rules, other => other != r && PromQl.MetricNames(other.Expr).Contains(r.Record!));
        }
    }

    [Fact]
    public void EveryMetricName_ExistsInTheExporterOrAnalyzerCatalogue()
    {
        foreach (var r in Main.Rules)
        {
            foreach (var n in PromQl.MetricNames(r.Expr))
            {
                Assert.True(MetricCatalogue.All.Contains(n), $"{r.Alert ?? r.Record}: unknown metric '{n}' in {r.Expr}");
            }
        }
    }

    [Fact]
    public void EveryAlert_HasANotYetFiringAndAFiringUnitTest()
    {
        var cases = new List<(string Alert, bool Fires, YamlMappingNode Case)>();
        foreach (var f in Directory.GetFiles(RepoPaths.InRepo("alerts", "tests"), "*.yml"))
        {
            foreach (var test in ((YamlSequenceNode)Yaml.LoadMapping(File.ReadAllText(f))["tests"]).Cast<YamlMappingNode>())
            {
                if (Yaml.Get(test, "alert_rule_test") is not YamlSequenceNode arts)
                {
                    continue;
                }

                foreach (var c in arts.Cast<YamlMappingNode>())
                {
                    var exp = Yaml.Get(c, "exp_alerts") as YamlSequenceNode;
                    cases.Add((Yaml.Str(c, "alertname")!, exp is { Children.Count: > 0 }, c));
                }
            }
        }

        foreach (var a in Main.Alerts)
        {
            Assert.True(cases.Any(c => c.Alert == a.Alert && !c.Fires), $"{a.Alert}: no case where it does not fire yet");
            var firing = cases.Where(c => c.Alert == a.Alert && c.Fires).ToArray();
            Assert.True(firing.Length > 0, $"{a.Alert}: no case where it fires");
            foreach (var expected in firing.SelectMany(c => ((YamlSequenceNode)c.Case["exp_alerts"]).Cast<YamlMappingNode>()))
            {
                Assert.Equal(a.Labels["severity"], Yaml.Map(expected, "exp_labels")["severity"]);
                Assert.Equal(a.Annotations.Keys.Order(StringComparer.Ordinal), Yaml.Map(expected, "exp_annotations").Keys.Order(StringComparer.Ordinal));
            }
        }
    }

    [SkippableFact]
    public async Task Yamllint_IsCleanOnAlertsAlertmanagerAndChartValues()
    {
        var r = await Tool.RunAsync("yamllint", ["-f", "parsable", "-c", RepoPaths.InRepo("deploy", "yamllint.yml"),
            RepoPaths.InRepo("alerts"), RepoPaths.InRepo("deploy", "alertmanager"), RepoPaths.InRepo("helm", "kvm-metrics", "ci"),
            RepoPaths.InRepo("helm", "kvm-metrics", "values.yaml"), RepoPaths.InRepo("helm", "kvm-metrics", "Chart.yaml")]);
        Assert.True(r.ExitCode == 0 && r.Output.Length == 0, r.Output);
    }

    [GeneratedRegex("^Kvm[A-Z][A-Za-z0-9]+$")]
    private static partial Regex AlertName();

    [GeneratedRegex("^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$")]
    private static partial Regex RecordName();
}
