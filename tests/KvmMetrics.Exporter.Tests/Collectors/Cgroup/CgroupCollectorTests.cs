using KvmMetrics.Exporter.Collectors.Cgroup;
using KvmMetrics.Exporter.Domains;
using KvmMetrics.Exposition;
using Microsoft.Extensions.Time.Testing;

namespace KvmMetrics.Exporter.Tests.Collectors.Cgroup;

public class CgroupCollectorTests
{
    private const string Web = "0b4c5a52-3c1e-4a8e-9d5f-6a7b8c9d0e01";

    [Fact]
    public async Task Collect_SystemdHost_SplitsVcpuAndOverheadTime()
    {
        using var fixture = CgroupFixture.Materialize("systemd-v2");

        var set = await CgroupFixture.ScrapeAsync(fixture.Collector());

        Assert.Equal(402.118933, Value(set, "kvm_cgroup_vcpu_cpu_seconds_total", Web, "0"), 9);
        Assert.Equal(273.500432, Value(set, "kvm_cgroup_vcpu_cpu_seconds_total", Web, "1"), 9);
        Assert.Equal(51.233901, Value(set, "kvm_cgroup_overhead_cpu_seconds_total", Web, "emulator"), 9);
        Assert.Equal(7.249667, Value(set, "kvm_cgroup_overhead_cpu_seconds_total", Web, "iothread1"), 9);
        Assert.Equal(734.102933, Value(set, "kvm_cgroup_cpu_usage_seconds_total", Web), 9);
    }

    [Fact]
    public async Task Collect_SystemdHost_ResolvesIoDevicesAndLimits()
    {
        using var fixture = CgroupFixture.Materialize("systemd-v2");

        var set = await CgroupFixture.ScrapeAsync(fixture.Collector());

        Assert.Equal(8389156864, Value(set, "kvm_cgroup_io_written_bytes_total", Web, "nvme0n1"));
        Assert.Equal(104857600, Value(set, "kvm_cgroup_io_max_bytes_per_second", Web, "dm-2", "read"));
        Assert.Equal(double.PositiveInfinity, Value(set, "kvm_cgroup_io_max_iops", Web, "dm-2", "read"));
        Assert.Equal(200, Value(set, "kvm_cgroup_io_weight", Web, "dm-2"));
        Assert.Equal(0.2, Value(set, "kvm_cgroup_cpu_max_quota_seconds", Web), 12);
        Assert.Equal(double.PositiveInfinity, Value(set, "kvm_cgroup_memory_high_bytes", Web));
        Assert.Equal(4206592, Value(set, "kvm_cgroup_memory_stat_bytes", Web, "sec_pagetables"));
        Assert.Equal(31.822011, Value(set, "kvm_cgroup_cpu_pressure_seconds_total", Web, "some"), 9);
    }

    [Fact]
    public async Task Collect_MissingScope_ReportsFoundZeroWithReason()
    {
        using var fixture = CgroupFixture.Materialize("systemd-v2");

        var set = await CgroupFixture.ScrapeAsync(fixture.Collector());

        var found = set.Find("kvm_cgroup_found")!.Samples;
        Assert.Contains(found, s => s.LabelValues[1] == "batch-3" && s.LabelValues[2] == "no_scope" && s.Value == 0);
        Assert.Contains(found, s => s.LabelValues[1] == "web.prod-01" && s.LabelValues[2] == string.Empty && s.Value == 1);
        Assert.DoesNotContain(set.Find("kvm_cgroup_cpu_usage_seconds_total")!.Samples, s => s.LabelValues[1] == "batch-3");
    }

    [Fact]
    public async Task Collect_MalformedFile_CountsItAndKeepsOtherSeries()
    {
        using var fixture = CgroupFixture.Materialize("cgroupfs");
        var stat = fixture.PathOf("sys", "fs", "cgroup", "machine", "qemu-5-build-runner.libvirt-qemu", "memory.stat");
        var content = await File.ReadAllTextAsync(stat);
        await File.WriteAllTextAsync(stat, content[..(content.Length / 2)]); // a read cut short mid-line
        var collector = fixture.Collector();

        var first = await CgroupFixture.ScrapeAsync(collector);
        var second = await CgroupFixture.ScrapeAsync(collector);

        Assert.Equal(1, Value(first, "kvm_cgroup_file_errors_total", "memory.stat"));
        Assert.Equal(2, Value(second, "kvm_cgroup_file_errors_total", "memory.stat"));
        Assert.Equal(0, Value(second, "kvm_cgroup_file_errors_total", "cpu.stat"));
        Assert.Equal(1, Value(second, "kvm_cgroup_domain_file_errors", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"));
        Assert.Null(second.Find("kvm_cgroup_memory_stat_bytes")?.Samples.FirstOrDefault(s => s.LabelValues[1] == "build-runner").LabelValues);
        Assert.True(Value(second, "kvm_cgroup_memory_current_bytes", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d") > 0);
    }

    [Fact]
    public async Task Collect_NoCgroup2_ReportsEveryDomainWithReason()
    {
        using var fixture = CgroupFixture.Materialize("hybrid");
        var mountinfo = fixture.PathOf("proc", "self", "mountinfo");
        await File.WriteAllLinesAsync(mountinfo, (await File.ReadAllLinesAsync(mountinfo)).Where(l => !l.Contains("cgroup2", StringComparison.Ordinal)));

        var set = await CgroupFixture.ScrapeAsync(fixture.Collector());

        var sample = Assert.Single(set.Find("kvm_cgroup_found")!.Samples);
        Assert.Equal("no_cgroup2", sample.LabelValues[2]);
        Assert.Equal(0, sample.Value);
    }

    [Fact]
    public async Task Collect_Cgroup2AppearsLater_FoundAfterRetryInterval()
    {
        using var fixture = CgroupFixture.Materialize("hybrid");
        var mountinfo = fixture.PathOf("proc", "self", "mountinfo");
        var original = await File.ReadAllLinesAsync(mountinfo);
        await File.WriteAllLinesAsync(mountinfo, original.Where(l => !l.Contains("cgroup2", StringComparison.Ordinal)));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        var collector = fixture.Collector(time);
        await CgroupFixture.ScrapeAsync(collector);
        await File.WriteAllLinesAsync(mountinfo, original);

        var early = await CgroupFixture.ScrapeAsync(collector);
        time.Advance(TimeSpan.FromSeconds(31));
        var later = await CgroupFixture.ScrapeAsync(collector);

        Assert.Equal(0, Assert.Single(early.Find("kvm_cgroup_found")!.Samples).Value);
        Assert.Equal(1, Assert.Single(later.Find("kvm_cgroup_found")!.Samples).Value);
    }

    [Fact]
    public async Task Collect_RepeatedScrapes_ResolveScopesOnce()
    {
        using var fixture = CgroupFixture.Materialize("cgroupfs");
        var collector = fixture.Collector(new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero)));

        await CgroupFixture.ScrapeAsync(collector);
        var set = await CgroupFixture.ScrapeAsync(collector);

        Assert.Equal(2, Assert.Single(set.Find("kvm_cgroup_scope_resolutions_total")!.Samples).Value);
    }

    [Fact]
    public async Task Collect_ScopeRemovedAfterResolution_ReportsVanishedThenLooksAgain()
    {
        using var fixture = CgroupFixture.Materialize("cgroupfs");
        var domains = new FixedDomains(fixture.Domains());
        var collector = new CgroupCollector(domains, fixture.Options(), new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero)));
        var builder = new MetricSetBuilder();
        await collector.CollectAsync(builder, CancellationToken.None);

        Directory.Delete(fixture.PathOf("sys", "fs", "cgroup", "machine", "qemu-5-build-runner.libvirt-qemu"), recursive: true);
        var set = await Scrape(collector);

        var found = set.Find("kvm_cgroup_found")!.Samples.Single(s => s.LabelValues[1] == "build-runner");
        Assert.Equal(0, found.Value);
        Assert.Contains(found.LabelValues[2], new[] { "vanished", "no_scope" });
    }

    [Fact]
    public async Task Collect_DomainsChange_FollowsTheDirectory()
    {
        using var fixture = CgroupFixture.Materialize("cgroupfs");
        var domains = new FixedDomains(fixture.Domains());
        var collector = new CgroupCollector(domains, fixture.Options(), new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero)));
        await Scrape(collector);

        domains.Running = [];
        var empty = await Scrape(collector);
        domains.Running = fixture.Domains();
        var again = await Scrape(collector);

        Assert.Null(empty.Find("kvm_cgroup_found"));
        Assert.Equal(2, again.Find("kvm_cgroup_found")!.Samples.Count);
    }

    [Fact]
    public async Task Collect_HostileDomainName_IsOnlyALabel()
    {
        using var fixture = CgroupFixture.Materialize("cgroupfs");
        var domains = new FixedDomains([new RunningDomain("u-1", "../../etc/passwd\n\"x\"", 5), new RunningDomain("u-2", "..", 6)]);
        var collector = new CgroupCollector(domains, fixture.Options(), new FakeTimeProvider(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero)));

        var set = await Scrape(collector);

        Assert.All(set.Find("kvm_cgroup_found")!.Samples, s => Assert.Equal(0, s.Value));
    }

    [Fact]
    public void Descriptors_AreUniqueAndCarryIdentityLabels()
    {
        Assert.Equal(CgroupMetrics.All.Count, CgroupMetrics.All.Select(d => d.Name).Distinct().Count());
        foreach (var d in CgroupMetrics.All.Where(d => d.Name is not ("kvm_cgroup_file_errors_total" or "kvm_cgroup_scope_resolutions_total")))
        {
            Assert.Equal(["uuid", "domain"], d.LabelNames.Take(2));
            Assert.StartsWith("kvm_cgroup_", d.Name, StringComparison.Ordinal);
            Assert.EndsWith(".", d.Help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Descriptors_HelpNamesTheSourceFile()
    {
        var selfMetrics = new[] { "kvm_cgroup_found", "kvm_cgroup_scope_info", "kvm_cgroup_domain_file_errors", "kvm_cgroup_file_errors_total", "kvm_cgroup_scope_resolutions_total" };
        foreach (var d in CgroupMetrics.All.Where(d => !selfMetrics.Contains(d.Name)))
        {
            Assert.True(
                KvmMetrics.Cgroups.Reading.CgroupFiles.All.Any(f => d.Help.Contains(f, StringComparison.Ordinal)),
                $"HELP of {d.Name} names no cgroup file: {d.Help}");
        }
    }

    private static Task<MetricSet> Scrape(CgroupCollector collector) => CgroupFixture.ScrapeAsync(collector);

    private static double Value(MetricSet set, string name, params string[] labels)
    {
        var family = set.Find(name) ?? throw new Xunit.Sdk.XunitException($"no family {name}");
        var matches = family.Samples.Where(s => labels.Select((l, i) => (l, i)).All(p => PickLabel(family, s, p.i) == p.l)).ToList();
        return matches.Count == 1 ? matches[0].Value : throw new Xunit.Sdk.XunitException($"{name}{{{string.Join(',', labels)}}}: {matches.Count} matches");
    }

    // Labels are matched in order, skipping 'domain' (index 1) so tests name a series by uuid plus its extra labels.
    private static string PickLabel(MetricFamily family, Sample sample, int index)
    {
        var skipDomain = family.Descriptor.LabelNames.Count > 1 && family.Descriptor.LabelNames[1] == "domain";
        var actual = skipDomain && index >= 1 ? index + 1 : index;
        return actual < sample.LabelValues.Length ? sample.LabelValues[actual] : "\0";
    }
}
