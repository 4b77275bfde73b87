using KvmMetrics.Deploy.Tests.Support;
using KvmMetrics.TestSupport.Prometheus;
using Xunit.Abstractions;

namespace KvmMetrics.Deploy.Tests.Dashboards;

/// <summary>
/// Grafana is not installable here; the substitute: every panel and variable query, with the template variables
/// substituted, runs against a real Prometheus that scraped the real exporter (real guests) and the analyzer, and
/// must parse and return data.
/// </summary>
[Collection(LiveStackCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DashboardQueryTests(LiveStack stack, ITestOutputHelper output)
{
    /// <summary>
    /// Families this host cannot produce, each with the reason. A query that returns nothing is accepted only when it
    /// reads one of these AND the family is really absent from what Prometheus scraped (so the query is not at fault).
    /// </summary>
    private static readonly Dictionary<string, string> NotProducedHere = new(StringComparer.Ordinal)
    {
        ["kvm_cgroup_cpu_throttled_seconds_total"] = "hybrid cgroups: the cgroup2 tree has no cpu controller, so cpu.stat lacks throttled_usec",
        ["kvm_cgroup_memory_current_bytes"] = "hybrid cgroups: no memory controller files in the cgroup2 tree",
        ["kvm_cgroup_memory_swap_current_bytes"] = "hybrid cgroups: no memory controller files in the cgroup2 tree",
        ["kvm_cgroup_overhead_cpu_seconds_total"] = "without systemd libvirt's emulator child cgroup may lack cpu.stat in the cgroup2 tree",
        ["kvm_domain_balloon_usable_bytes"] = "the test guests have no OS, so no balloon driver reports guest memory",
        ["kvm_domain_balloon_unused_bytes"] = "the test guests have no OS, so no balloon driver reports guest memory",
    };

    public static TheoryData<string> Files => DashboardFiles.Names();

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public async Task EveryQuery_ParsesAndReturnsData(string file)
    {
        await stack.EnsureAsync();
        await WaitForDataAsync();
        var failures = new List<string>();
        foreach (var q in DashboardFiles.Queries(file))
        {
            var promql = PromQl.SubstituteGrafanaVariables(q.Expr);
            Assert.DoesNotContain("$", promql, StringComparison.Ordinal);
            IReadOnlyList<PromSample> result;
            try
            {
                result = await stack.Prometheus.QueryAsync(promql);
            }
            catch (InvalidOperationException e)
            {
                failures.Add($"{q.Where}: does not run: {e.Message}");
                continue;
            }

            if (result.Count > 0)
            {
                output.WriteLine($"ok   {q.Where}: {result.Count} series");
                continue;
            }

            var excused = new List<string>();
            foreach (var name in PromQl.MetricNames(q.Expr).Where(NotProducedHere.ContainsKey))
            {
                if ((await stack.Prometheus.QueryAsync($"count({{__name__=\"{name}\"}})")).Count == 0)
                {
                    excused.Add($"{name} ({NotProducedHere[name]})");
                }
            }

            if (excused.Count > 0)
            {
                output.WriteLine($"EMPTY {q.Where}: not produced on this host: {string.Join("; ", excused)}");
            }
            else
            {
                failures.Add($"{q.Where}: no data for {promql}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task WaitForDataAsync()
    {
        // Enough scrapes for rates over 1m and the recording rules' 5m windows, and the analyzer scraped.
        var ready = await stack.Prometheus.WaitForAsync(
            "count_over_time(kvm_domain_cpu_time_seconds_total[1m]) >= 6 and on () count(instance:kvm_host_cpu_utilisation:ratio5m) > 0" +
            " and on () count(kvm_analyzer_migrations_pending) > 0", TimeSpan.FromSeconds(60));
        Assert.True(ready.Count > 0, "no data in Prometheus after 60 s: " + stack.Prometheus.Log);
    }
}
