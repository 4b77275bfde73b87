using System.Collections;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.Deploy.Tests.Support;
using KvmMetrics.Exporter.Options;
using KvmMetrics.TestSupport;
using YamlDotNet.RepresentationModel;

namespace KvmMetrics.Deploy.Tests.Helm;

/// <summary>helm/kvm-metrics: lint, render every ci values file, and check the rendered objects against the product's own code and files.</summary>
public sealed class HelmChartTests
{
    private static string Chart => RepoPaths.InRepo("helm", "kvm-metrics");

    public static TheoryData<string> CiValues()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(Chart, "ci"), "*-values.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    private static async Task<IReadOnlyList<YamlMappingNode>> RenderAsync(string values)
    {
        var r = await Tool.RunAsync(Tool.Helm, ["template", "kvm", Chart, "--namespace", "monitoring", "-f", Path.Combine(Chart, "ci", values)]);
        Assert.True(r.ExitCode == 0, r.Output);
        return Yaml.LoadAll(r.StandardOutput);
    }

    private static IEnumerable<YamlMappingNode> OfKind(IEnumerable<YamlMappingNode> docs, string kind) =>
        docs.Where(d => Yaml.Str(d, "kind") == kind);

    private static YamlMappingNode Container(YamlMappingNode workload) =>
        (YamlMappingNode)((YamlSequenceNode)Yaml.Get(workload, "spec", "template", "spec", "containers")!).Children[0];

    private static string[] Args(YamlMappingNode container) =>
        ((YamlSequenceNode)container["args"]).Select(a => ((YamlScalarNode)a).Value!).ToArray();

    [SkippableTheory]
    [MemberData(nameof(CiValues))]
    public async Task HelmLintStrict_Passes(string values)
    {
        var r = await Tool.RunAsync(Tool.Helm, ["lint", "--strict", Chart, "-f", Path.Combine(Chart, "ci", values)]);
        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Contains("0 chart(s) failed", r.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ValuesSchema_RejectsAnUnknownKeyAndABadDuration()
    {
        var r = await Tool.RunAsync(Tool.Helm, ["template", "kvm", Chart, "--set", "exporter.scrapeTimout=5s"]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("scrapeTimout", r.Output, StringComparison.Ordinal);
        r = await Tool.RunAsync(Tool.Helm, ["template", "kvm", Chart, "--set", "exporter.scrapeTimeout=ten"]);
        Assert.NotEqual(0, r.ExitCode);
    }

    [SkippableTheory]
    [MemberData(nameof(CiValues))]
    public async Task RenderedExporterArgs_AreAcceptedByTheExportersOwnOptionValidation(string values)
    {
        var docs = await RenderAsync(values);
        var ds = OfKind(docs, "DaemonSet").Single();
        var args = Args(Container(ds));
        Assert.Contains("--path.cgroup=/host/cgroup", args);
        Assert.Contains("--path.proc=/host/proc", args);
        // The exporter checks that the paths exist: stand in for the container's read-only mounts with a temp dir.
        var mounts = Directory.CreateTempSubdirectory("kmt-mounts-");
        try
        {
            foreach (var m in new[] { "cgroup", "proc", "sys" })
            {
                Directory.CreateDirectory(Path.Combine(mounts.FullName, m));
            }

            var local = args.Select(a => a.Replace("=/host/", "=" + mounts.FullName + "/", StringComparison.Ordinal)).ToArray();
            var parsed = ExporterOptions.Parse(local, new Hashtable());
            Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors) + " <- " + string.Join(' ', args));
            Assert.Equal(Path.Combine(mounts.FullName, "cgroup"), parsed.Options!.CgroupPath);
            Assert.Equal(Path.Combine(mounts.FullName, "proc"), parsed.Options.ProcPath);

            // and the validation is real: a misspelt flag from extraArgs is rejected
            Assert.False(ExporterOptions.Parse([.. local, "--scrape.timout=5s"], new Hashtable()).IsValid);
        }
        finally
        {
            mounts.Delete(true);
        }
    }

    [SkippableFact]
    public async Task ExporterDaemonSet_MountsHostPathsReadOnly_WithARestrictiveSecurityContextAndTolerations()
    {
        var ds = OfKind(await RenderAsync("full-values.yaml"), "DaemonSet").Single();
        var c = Container(ds);
        var mounts = ((YamlSequenceNode)c["volumeMounts"]).Cast<YamlMappingNode>().ToArray();
        Assert.Equal(4, mounts.Length);
        Assert.All(mounts, m => Assert.Equal("true", Yaml.Str(m, "readOnly")));
        Assert.Contains(mounts, m => Yaml.Str(m, "mountPath") == "/var/run/libvirt");
        var volumes = ((YamlSequenceNode)Yaml.Get(ds, "spec", "template", "spec", "volumes")!).Cast<YamlMappingNode>().ToArray();
        Assert.All(volumes, v => Assert.NotNull(Yaml.Get(v, "hostPath", "path")));
        Assert.Equal("false", Yaml.Str((YamlMappingNode)c["securityContext"], "allowPrivilegeEscalation"));
        Assert.Equal("true", Yaml.Str((YamlMappingNode)c["securityContext"], "readOnlyRootFilesystem"));
        Assert.Equal("[\"ALL\"]", Yaml.Canonical(Yaml.Get(c, "securityContext", "capabilities", "drop")!));
        Assert.Equal("true", ((YamlScalarNode)Yaml.Get(ds, "spec", "template", "spec", "securityContext", "runAsNonRoot")!).Value);
        Assert.Equal("[\"108\"]", Yaml.Canonical(Yaml.Get(ds, "spec", "template", "spec", "securityContext", "supplementalGroups")!));
        Assert.Contains("Exists", Yaml.Canonical(Yaml.Get(ds, "spec", "template", "spec", "tolerations")!), StringComparison.Ordinal);
        // Selector labels are immutable: only name, instance and component.
        Assert.Equal(3, ((YamlMappingNode)Yaml.Get(ds, "spec", "selector", "matchLabels")!).Children.Count);
    }

    [SkippableFact]
    public async Task AnalyzerDeployment_HasPersistentState_AndArgsTheAnalyzerAccepts()
    {
        var docs = await RenderAsync("full-values.yaml");
        var deploy = OfKind(docs, "Deployment").Single();
        var pvc = OfKind(docs, "PersistentVolumeClaim").Single();
        Assert.Equal("2Gi", ((YamlScalarNode)Yaml.Get(pvc, "spec", "resources", "requests", "storage")!).Value);
        Assert.Contains(Yaml.Str((YamlMappingNode)pvc["metadata"], "name")!, Yaml.Canonical(Yaml.Get(deploy, "spec", "template", "spec", "volumes")!), StringComparison.Ordinal);
        var args = Args(Container(deploy));
        Assert.Equal("serve", args[0]);
        var commandArgs = new CommandArgs(args[1..]);
        var options = AnalyzerServiceOptions.Parse(commandArgs);
        var source = SourceOptions.Create(commandArgs);
        commandArgs.EnsureAllUsed();
        Assert.Equal("/var/lib/kvm-analyzer", options.DataDirectory);
        Assert.Equal("prometheus", source.Name);
    }

    [SkippableFact]
    public async Task RenderedPrometheusRule_EqualsAlertsDirectory()
    {
        var rule = OfKind(await RenderAsync("full-values.yaml"), "PrometheusRule").Single();
        var expected = Yaml.LoadMapping(await File.ReadAllTextAsync(RuleFiles.MainFile))["groups"];
        Assert.Equal(Yaml.Canonical(expected), Yaml.Canonical(Yaml.Get(rule, "spec", "groups")!));
        Assert.Contains("{{ $labels.instance }}", Yaml.Canonical(Yaml.Get(rule, "spec", "groups")!), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RenderedDashboardConfigMaps_EqualDashboardsDirectory_WithTheSidecarLabel()
    {
        var maps = OfKind(await RenderAsync("full-values.yaml"), "ConfigMap").ToArray();
        Assert.Equal(DashboardFiles.All.Count, maps.Length);
        foreach (var file in DashboardFiles.All)
        {
            var name = Path.GetFileName(file);
            var map = maps.Single(m => Yaml.Get(m, "data", name) is not null);
            Assert.Equal(await File.ReadAllTextAsync(file), ((YamlScalarNode)Yaml.Get(map, "data", name)!).Value);
            Assert.Equal("1", ((YamlScalarNode)Yaml.Get(map, "metadata", "labels", "grafana_dashboard")!).Value);
        }
    }

    [SkippableFact]
    public async Task DefaultValues_CreateNoOperatorObjects()
    {
        var kinds = (await RenderAsync("default-values.yaml")).Select(d => Yaml.Str(d, "kind")!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["DaemonSet", "Deployment", "PersistentVolumeClaim", "Service", "Service"], kinds);
    }

    [Fact]
    public void ChartFiles_AreByteForByteCopiesOfAlertsAndDashboards()
    {
        // The chart cannot read outside its directory; deploy/tools/sync-helm-files.sh refreshes the copies.
        var pairs = new[] { (RuleFiles.MainFile, Path.Combine(Chart, "files", "alerts", "kvm-metrics.rules.yml")) }
            .Concat(DashboardFiles.All.Select(f => (f, Path.Combine(Chart, "files", "dashboards", Path.GetFileName(f)))));
        foreach (var (source, copy) in pairs)
        {
            Assert.True(File.Exists(copy), $"missing {copy}: run bash deploy/tools/sync-helm-files.sh");
            Assert.True(File.ReadAllBytes(source).AsSpan().SequenceEqual(File.ReadAllBytes(copy)), $"{copy} differs from {source}: run bash deploy/tools/sync-helm-files.sh");
        }

        Assert.Equal(DashboardFiles.All.Count, Directory.GetFiles(Path.Combine(Chart, "files", "dashboards")).Length);
        Assert.Single(Directory.GetFiles(Path.Combine(Chart, "files", "alerts")));
    }
}
