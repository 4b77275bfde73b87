using KvmMetrics.Deploy.Tests.Support;

namespace KvmMetrics.Deploy.Tests.Dashboards;

/// <summary>Static conventions of every dashboard JSON file (STYLE.md "Dashboards").</summary>
public sealed class DashboardStructureTests
{
    private const string DatasourceRef = "${datasource}";

    public static TheoryData<string> Files => DashboardFiles.Names();

    [Fact]
    public void ThreeDashboards_HaveFixedUniqueUids()
    {
        var uids = DashboardFiles.All.Select(f => DashboardFiles.Load(Path.GetFileName(f)).GetProperty("uid").GetString()).ToArray();
        Assert.Equal(["kvm-capacity", "kvm-host-overview", "kvm-vm-detail"], uids.Order(StringComparer.Ordinal));
        Assert.Equal(uids.Length, uids.Distinct(StringComparer.Ordinal).Count());
        foreach (var f in DashboardFiles.All)
        {
            Assert.Equal(Path.GetFileNameWithoutExtension(f), DashboardFiles.Load(Path.GetFileName(f)).GetProperty("uid").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Dashboard_HasSchemaTitleAndUniquePanelIds(string file)
    {
        var d = DashboardFiles.Load(file);
        Assert.InRange(d.GetProperty("schemaVersion").GetInt32(), 36, 41);
        Assert.StartsWith("KVM / ", d.GetProperty("title").GetString(), StringComparison.Ordinal);
        var ids = DashboardFiles.Panels(d).Select(p => p.GetProperty("id").GetInt32()).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.All(DashboardFiles.Panels(d), p => Assert.True(p.TryGetProperty("gridPos", out _), "panel without gridPos"));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryPanelAndVariable_UsesTheDatasourceVariable(string file)
    {
        var d = DashboardFiles.Load(file);
        var ds = DashboardFiles.Variables(d).Single(v => v.GetProperty("name").GetString() == "datasource");
        Assert.Equal("datasource", ds.GetProperty("type").GetString());
        Assert.Equal("prometheus", ds.GetProperty("query").GetString());
        foreach (var p in DashboardFiles.Panels(d).Where(p => p.GetProperty("type").GetString() != "row"))
        {
            var title = p.GetProperty("title").GetString();
            Assert.True(DatasourceRef == p.GetProperty("datasource").GetProperty("uid").GetString(), $"panel '{title}' datasource");
            Assert.NotEmpty(p.GetProperty("targets").EnumerateArray());
            Assert.All(p.GetProperty("targets").EnumerateArray(), t =>
                Assert.True(DatasourceRef == t.GetProperty("datasource").GetProperty("uid").GetString(), $"panel '{title}' target datasource"));
        }

        foreach (var v in DashboardFiles.Variables(d).Where(v => v.GetProperty("type").GetString() == "query"))
        {
            Assert.True(DatasourceRef == v.GetProperty("datasource").GetProperty("uid").GetString(), $"variable {v.GetProperty("name")}");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Variables_AreChainedHostThenDomain(string file)
    {
        var vars = DashboardFiles.Variables(DashboardFiles.Load(file)).ToDictionary(v => v.GetProperty("name").GetString()!, StringComparer.Ordinal);
        Assert.True(vars.ContainsKey("host"), "every dashboard selects hosts");
        Assert.Equal("datasource", DashboardFiles.Variables(DashboardFiles.Load(file)).First().GetProperty("name").GetString());
        if (vars.TryGetValue("domain", out var domain))
        {
            Assert.Contains("instance=~\"$host\"", domain.GetProperty("query").GetProperty("query").GetString(), StringComparison.Ordinal);
            var names = vars.Keys.ToList();
            Assert.True(names.IndexOf("host") < names.IndexOf("domain"), "host comes before domain");
        }

        if (vars.TryGetValue("analyzer", out _))
        {
            Assert.Contains("instance=~\"$analyzer\"", vars["host"].GetProperty("query").GetProperty("query").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryPanel_HasAUnit(string file)
    {
        foreach (var p in DashboardFiles.Panels(DashboardFiles.Load(file)).Where(p => p.GetProperty("type").GetString() != "row"))
        {
            var unit = p.GetProperty("fieldConfig").GetProperty("defaults").TryGetProperty("unit", out var u) ? u.GetString() : null;
            Assert.False(string.IsNullOrEmpty(unit), $"panel '{p.GetProperty("title")}' has no unit");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryRate_UsesRateInterval_AndEveryQuery_FiltersBySelectedVariables(string file)
    {
        var queries = DashboardFiles.Queries(file).Where(q => !q.IsVariable).ToArray();
        Assert.Contains(queries, q => PromQl.RateCalls(q.Expr) > 0 || file == "kvm-capacity.json");
        foreach (var q in queries)
        {
            Assert.True(PromQl.AllRatesUseRateInterval(q.Expr), $"{q.Where}: a rate without [$__rate_interval]: {q.Expr}");
            Assert.True(q.Expr.Contains("$host", StringComparison.Ordinal) || q.Expr.Contains("$analyzer", StringComparison.Ordinal),
                $"{q.Where} ignores the host/analyzer selection: {q.Expr}");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryMetricName_ExistsInTheExporterOrAnalyzerCatalogue(string file)
    {
        foreach (var q in DashboardFiles.Queries(file))
        {
            var names = PromQl.MetricNames(q.Expr);
            Assert.NotEmpty(names);
            foreach (var n in names)
            {
                Assert.True(MetricCatalogue.All.Contains(n), $"{q.Where}: unknown metric '{n}' in {q.Expr}");
            }
        }
    }

    [Fact]
    public void PromQlNameExtraction_FindsMetricsAndIgnoresFunctionsLabelsAndKeywords()
    {
        var names = PromQl.MetricNames(
            "sum by (instance, domain) (rate(kvm_a_total{instance=~\"$host\", kind=\"x\"}[$__rate_interval])) / on (instance) group_left kvm_b and bool up offset 5m");
        Assert.Equal(["kvm_a_total", "kvm_b", "up"], names.Order(StringComparer.Ordinal));
        Assert.False(PromQl.AllRatesUseRateInterval("rate(x[5m])"));
        Assert.True(PromQl.AllRatesUseRateInterval("rate(x{a=\"b\"}[$__rate_interval]) + increase(y[$__rate_interval])"));
    }

    [Fact]
    public void Catalogue_ComesFromBothComponents()
    {
        Assert.Contains("kvm_domain_cpu_time_seconds_total", MetricCatalogue.ExporterNames);
        Assert.Contains("kvm_analyzer_migrations_pending", MetricCatalogue.AnalyzerNames);
        Assert.DoesNotContain("kvm_domain_made_up_total", MetricCatalogue.All);
    }

    [Fact]
    public async Task GeneratorOutput_IsWhatIsCommitted()
    {
        // dashboards/ is generated by deploy/tools/generate-dashboards.py; a hand edit must go into the generator.
        var python = KvmMetrics.TestSupport.Requirements.RequireTool("python3");
        var tmp = Directory.CreateTempSubdirectory("kmt-dash-");
        try
        {
            var root = Path.Combine(tmp.FullName, "repo");
            Directory.CreateDirectory(Path.Combine(root, "dashboards"));
            Directory.CreateDirectory(Path.Combine(root, "deploy", "tools"));
            File.Copy(KvmMetrics.TestSupport.RepoPaths.InRepo("deploy", "tools", "generate-dashboards.py"), Path.Combine(root, "deploy", "tools", "generate-dashboards.py"));
            var r = await Tool.RunAsync(python, [Path.Combine(root, "deploy", "tools", "generate-dashboards.py")]);
            Assert.True(r.ExitCode == 0, r.Output);
            foreach (var f in DashboardFiles.All)
            {
                Assert.True(File.ReadAllText(f) == File.ReadAllText(Path.Combine(root, "dashboards", Path.GetFileName(f))),
                    $"{Path.GetFileName(f)} differs from the generator's output: run python3 deploy/tools/generate-dashboards.py");
            }
        }
        finally
        {
            tmp.Delete(true);
        }
    }
}
