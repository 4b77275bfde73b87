using KvmMetrics.Exporter.Collectors.Libvirt;
using KvmMetrics.Exporter.Domains;
using KvmMetrics.Exporter.LibvirtAccess;
using KvmMetrics.Exporter.Options;
using KvmMetrics.Exporter.Scraping;
using KvmMetrics.Exporter.Tests.Fakes;
using KvmMetrics.Exposition;
using KvmMetrics.Libvirt;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvmMetrics.Exporter.Tests.LibvirtAccess;

public sealed class DomainStatsSourceTests
{
    private static (FakeLibvirtClient Client, DomainStatsSource Source, DomainDescriptionCache Cache, DomainDirectory Directory) Create(ExporterOptions? options = null)
    {
        var client = new FakeLibvirtClient();
        var stats = StatsFixture.Load("tcg-paused.json");
        client.Domains.Add(stats);
        client.Descriptions[stats.Uuid] = StatsFixture.Description(stats, new DomainDisk("vda", "disk", "virtio", "file", "/a"), new DomainDisk("sda", "cdrom", "sata", "file", "/b"));
        var cache = new DomainDescriptionCache(client);
        var directory = new DomainDirectory();
        var source = new DomainStatsSource(client, options ?? ExporterOptions.Parse([]).Options!, cache, directory, TimeProvider.System);
        return (client, source, cache, directory);
    }

    private static ScrapeCoordinator Coordinator(DomainStatsSource source, ILibvirtClient client) =>
        new([new DomainStatsCollector(source), new DomainInfoCollector(source), new HostCollector(client, source)], [], TimeSpan.Zero, TimeProvider.System, NullLogger.Instance);

    [Fact]
    public async Task Round_WithThreeLibvirtCollectors_MakesOneStatsCall()
    {
        var (client, source, _, _) = Create();
        var result = await Coordinator(source, client).ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(1, client.StatsCalls);
        Assert.All(result.Outcomes, o => Assert.True(o.Success, o.Error));
        Assert.NotNull(result.Metrics.Find("kvm_domain_info"));
        Assert.Equal(2.0, result.Metrics.Find("kvm_host_vcpus_allocated")!.Samples.Single().Value);
        Assert.Equal(0.5, result.Metrics.Find("kvm_host_vcpu_overcommit_ratio")!.Samples.Single().Value);
    }

    [Fact]
    public async Task Rounds_FetchXmlOnceAndExcludeCdrom_UntilTheDomainIdChangesOrAnEventArrives()
    {
        var (client, source, cache, _) = Create();
        var coordinator = Coordinator(source, client);
        for (var i = 0; i < 3; i++)
        {
            var r = await coordinator.ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            Assert.DoesNotContain(r.Metrics.Find("kvm_domain_block_read_bytes_total")!.Samples, s => s.LabelValues.Contains("sda"));
        }

        Assert.Equal(3, client.StatsCalls);
        Assert.Equal(1, client.DescriptionCalls);

        client.Raise(new DomainLifecycleEvent(client.Domains[0].Uuid, client.Domains[0].Name, 5, DomainLifecycleKind.MetadataChanged, 0));
        await coordinator.ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(2, client.DescriptionCalls);

        client.Domains[0] = client.Domains[0] with { Id = 6 };
        await coordinator.ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(3, client.DescriptionCalls);
        Assert.Equal(3, cache.Fetches);
    }

    [Fact]
    public async Task Round_LibvirtDown_DomainCollectorFailsAndUpIsZero()
    {
        var (client, source, _, _) = Create();
        client.Failure = new LibvirtException(LibvirtErrorCodes.SystemError, 7, "Failed to connect socket");
        var stats = new LibvirtCallStats();
        var instrumented = new InstrumentedLibvirtClient(client, stats, TimeProvider.System);
        var src = new DomainStatsSource(instrumented, ExporterOptions.Parse([]).Options!, new DomainDescriptionCache(instrumented), new DomainDirectory(), TimeProvider.System);
        var coordinator = new ScrapeCoordinator([new DomainStatsCollector(src)], [s => stats.WriteTo(s, instrumented.IsConnected)], TimeSpan.Zero, TimeProvider.System, NullLogger.Instance);
        var result = await coordinator.ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Equal(0, result.Metrics.Find("kvm_libvirt_up")!.Samples.Single().Value);
        Assert.Equal(0, result.Metrics.Find("kvm_exporter_collector_success")!.Samples.Single().Value);
        var error = result.Metrics.Find("kvm_libvirt_errors_total")!.Samples.Single();
        Assert.Equal(["GetAllDomainStats", "VIR_ERR_SYSTEM_ERROR"], error.LabelValues);

        client.Failure = null; // libvirtd is back
        result = await coordinator.ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(1, result.Metrics.Find("kvm_libvirt_up")!.Samples.Single().Value);
        Assert.NotNull(result.Metrics.Find("kvm_domain_cpu_time_seconds_total"));
    }

    [Fact]
    public async Task Rounds_AgainstHungLibvirt_JoinTheCallInFlightInsteadOfPilingUp()
    {
        var (client, source, _, _) = Create();
        var hang = new TaskCompletionSource();
        client.Gate = hang.Task;
        var coordinator = Coordinator(source, client);
        for (var i = 0; i < 3; i++)
        {
            var r = await coordinator.ScrapeAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(0, r.Metrics.Find("kvm_exporter_collector_success")!.Samples.Single(s => s.LabelValues[0] == "domain").Value);
        }

        Assert.Equal(1, client.StatsCalls);
        hang.SetResult();
        await Task.Delay(100);
        var recovered = await coordinator.ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal(1, recovered.Metrics.Find("kvm_exporter_collector_success")!.Samples.Single(s => s.LabelValues[0] == "domain").Value);
    }

    [Fact]
    public async Task Round_FiltersDomainsAndFeedsTheDirectory()
    {
        var (client, source, _, directory) = Create(ExporterOptions.Parse(["--domain.exclude=e2probe-.*"]).Options!);
        var other = StatsFixture.Load("kvm-all-groups.json");
        client.Domains.Add(other);
        client.Descriptions[other.Uuid] = StatsFixture.Description(other);
        var result = await Coordinator(source, client).ScrapeAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        var uuids = result.Metrics.Find("kvm_domain_cpu_time_seconds_total")!.Samples.Select(s => s.LabelValues[0]).ToArray();
        Assert.Equal([other.Uuid], uuids);
        Assert.Equal(other.Uuid, Assert.Single(directory.Running).Uuid);
    }
}
