using KvmMetrics.Exporter.Collectors.Libvirt;
using KvmMetrics.Exporter.Tests.Fakes;
using KvmMetrics.Exposition;

namespace KvmMetrics.Exporter.Tests.Collectors.Libvirt;

public sealed class DomainStatsMapperTests
{
    private static MetricSet Map(string fixture, IReadOnlySet<string>? removable)
    {
        var builder = new MetricSetBuilder();
        DomainStatsMapper.Map(StatsFixture.Load(fixture), removable, builder);
        return builder.Build();
    }

    private static double Value(MetricSet set, string name, params string[] labels)
    {
        var family = set.Find(name) ?? throw new Xunit.Sdk.XunitException($"family {name} missing");
        return family.Samples.Single(s => labels.All(l => s.LabelValues.Contains(l))).Value;
    }

    [Fact]
    public void Map_RecordedPausedGuest_ConvertsToBaseUnitsAndReportsPaused()
    {
        var set = Map("tcg-paused.json", new HashSet<string> { "sda" });
        Assert.Equal(5.477961, Value(set, "kvm_domain_cpu_time_seconds_total"), 9);
        Assert.Equal(65536 * 1024.0, Value(set, "kvm_domain_balloon_current_bytes"));
        Assert.Equal(1, Value(set, "kvm_domain_state", "paused"));
        Assert.Equal(0, Value(set, "kvm_domain_state", "running"));
        Assert.Equal(8, set.Find("kvm_domain_state")!.Samples.Count);
        Assert.Equal(2, set.Find("kvm_domain_vcpu_delay_seconds_total")!.Samples.Count);
        Assert.Equal(512, Value(set, "kvm_domain_block_capacity_bytes", "vda"));
    }

    [Fact]
    public void Map_CdromFromXml_IsExcludedEverywhere()
    {
        var set = Map("tcg-paused.json", new HashSet<string> { "sda" });
        Assert.DoesNotContain(set.Families.SelectMany(f => f.Samples), s => s.LabelValues.Contains("sda"));
        var withoutXml = Map("tcg-paused.json", null);
        Assert.Contains(withoutXml.Find("kvm_domain_block_read_bytes_total")!.Samples, s => s.LabelValues.Contains("sda"));
    }

    [Fact]
    public void Map_EveryGroup_MapsToItsFamily()
    {
        var set = Map("kvm-all-groups.json", new HashSet<string> { "hdc" });
        Assert.Equal(2.0, Value(set, "kvm_domain_cpu_time_seconds_total"));
        Assert.Equal(1e-6, Value(set, "kvm_domain_cpu_haltpoll_success_seconds_total"), 12);
        Assert.Equal(4096, Value(set, "kvm_domain_cpu_cache_monitor_bytes", "mon0", "0"));
        Assert.Equal(10 * 1024.0, Value(set, "kvm_domain_balloon_swap_in_bytes_total"));
        Assert.Equal(7, Value(set, "kvm_domain_balloon_major_faults_total"));
        Assert.Equal(1700000000, Value(set, "kvm_domain_balloon_last_update_timestamp_seconds"));
        Assert.Equal(0.25, Value(set, "kvm_domain_vcpu_delay_seconds_total", "0"));
        Assert.Equal(1, Value(set, "kvm_domain_vcpu_halted", "1"));
        Assert.Equal(3.0, Value(set, "kvm_domain_vcpu_kvm_stat_total", "0", "halt_poll_success_seconds"));
        Assert.Equal(12345, Value(set, "kvm_domain_vcpu_kvm_stat_total", "0", "exits"));
        Assert.Equal(1, Value(set, "kvm_domain_vcpu_kvm_stat", "0", "guest_mode"));
        Assert.Equal(1000, Value(set, "kvm_domain_interface_receive_bytes_total", "vnet0"));
        Assert.Equal(1, Value(set, "kvm_domain_interface_receive_drops_total", "vnet0"));
        Assert.Equal(5.0, Value(set, "kvm_domain_block_read_time_seconds_total", "vda"));
        Assert.Equal(10737418240, Value(set, "kvm_domain_block_capacity_bytes", "vda"));
        Assert.Equal(4.0, Value(set, "kvm_domain_perf_task_clock_seconds_total"));
        Assert.Equal(2, Value(set, "kvm_domain_perf_major_page_faults_total"));
        Assert.Equal(32768e-9, Value(set, "kvm_domain_iothread_poll_max_seconds", "1"), 12);
        Assert.Equal(8192, Value(set, "kvm_domain_memory_bandwidth_total_bytes_total", "mbm0", "0"));
        Assert.Equal(3 * 1048576.0, Value(set, "kvm_domain_dirtyrate_bytes_per_second"));
        Assert.Equal(2 * 1048576.0, Value(set, "kvm_domain_dirtyrate_vcpu_bytes_per_second", "0"));
        Assert.Equal(1, Value(set, "kvm_domain_dirtyrate_info", "dirty-ring"));
        Assert.Equal(42, Value(set, "kvm_domain_vm_kvm_stat_total", "remote_tlb_flush"));
        Assert.Equal(2.0, Value(set, "kvm_domain_vm_kvm_stat_total", "halt_poll_total_seconds"));
        Assert.Equal(5, Value(set, "kvm_domain_vm_kvm_stat", "max_mmu_page_hash_collisions"));
        Assert.Equal(1000, Value(set, "kvm_domain_vm_kvm_stat", "pages_4k"));
    }

    [Fact]
    public void Map_UnknownNumericField_GoesToGenericFamilyWithSanitisedName()
    {
        var set = Map("kvm-all-groups.json", null);
        Assert.Equal(7.5, Value(set, "kvm_domain_stat", "future_group_some_stat"));
        Assert.Single(set.Find("kvm_domain_stat")!.Samples);
    }

    [Fact]
    public void Map_RepeatedDeviceName_KeepsFirstAndProducesNoDuplicate()
    {
        var set = Map("kvm-all-groups.json", new HashSet<string> { "hdc" });
        Assert.Equal(100, Value(set, "kvm_domain_block_read_requests_total", "vda"));
        Assert.Equal(0, set.DuplicatesDropped);
        Assert.Single(set.Find("kvm_domain_block_info")!.Samples);
    }

    [Fact]
    public void Map_EverySeries_CarriesUuidAndDomainIdentity()
    {
        var stats = StatsFixture.Load("kvm-all-groups.json");
        var set = Map("kvm-all-groups.json", null);
        foreach (var family in set.Families)
        {
            Assert.Equal("uuid", family.Descriptor.LabelNames[0]);
            Assert.Equal("domain", family.Descriptor.LabelNames[1]);
            Assert.All(family.Samples, s => Assert.Equal([stats.Uuid, stats.Name], s.LabelValues[..2]));
        }
    }

    [Fact]
    public void Map_CumulativeFields_AreCountersEndingInTotal()
    {
        foreach (var m in DomainMetrics.All)
        {
            var cumulative = m.Help.Contains("Total time", StringComparison.Ordinal) || m.Name.Contains("_requests", StringComparison.Ordinal);
            if (cumulative)
            {
                Assert.Equal(MetricType.Counter, m.Type);
            }
        }

        Assert.Equal(MetricType.Counter, DomainMetrics.Plain["cpu.time"].Metric.Type);
        Assert.Equal(MetricType.Counter, DomainMetrics.PerVcpu["delay"].Metric.Type);
        Assert.Equal(MetricType.Gauge, DomainMetrics.PerBlock["capacity"].Metric.Type);
    }
}
