using KvmMetrics.Exporter.Collectors.Libvirt;
using KvmMetrics.Exporter.Influx;
using KvmMetrics.Exposition;
using Microsoft.Extensions.Logging.Abstractions;
using KvmMetrics.TestSupport.Time;

namespace KvmMetrics.Analyzer.Tests.Sources.Influx;

/// <summary>One domain of the synthetic history: constant rates so the expected analyzer values are known.</summary>
/// <param name="Name">Domain name.</param>
/// <param name="Cores">CPU cores it burns (cpu_time grows by this per second).</param>
/// <param name="Vcpus">Allocated vCPUs; vCPU i accumulates delay at 0.1 / (i + 1) s per second.</param>
/// <param name="MemoryAllocated">Allocated memory bytes.</param>
/// <param name="ResetAtPush">Push index at which the cpu_time counter restarts from 0 (a reboot), or -1.</param>
/// <param name="DelayCounters">False: no vCPU delay series at all, as from a libvirt without <c>vcpu.N.delay</c>.</param>
public sealed record FakeDomain(string Name, double Cores, int Vcpus, long MemoryAllocated, int ResetAtPush = -1, bool DelayCounters = true);

/// <summary>
/// Writes a known history into InfluxDB with the exporter's own push code (<see cref="InfluxPushService.PushOnceAsync"/>
/// with the exporter's metric descriptors), one push per minute of simulated time, so the analyzer is tested
/// against exactly the schema the exporter produces.
/// </summary>
public static class ExporterHistory
{
    /// <summary>Bytes per second read and written by every vda, received and sent on every vnet0.</summary>
    public const double ReadRate = 1000, WriteRate = 500, ReceiveRate = 200, TransmitRate = 100;

    /// <summary>Balloon RSS at push <paramref name="k"/>: 1 GiB plus 1 MiB per simulated hour.</summary>
    public static double Rss(int k) => (1L << 30) + ((k / 60) * (1L << 20));

    /// <summary>Pushes <paramref name="pushes"/> snapshots 60 s apart from <paramref name="t0"/>, skipping those <paramref name="skip"/> rejects.</summary>
    public static async Task WriteAsync(Uri influx, string database, string host, int hostCpus, long hostMemory, FakeDomain[] domains, long t0, int pushes, Func<int, bool>? skip = null, string? retentionPolicy = null)
    {
        var clock = new FakeWallClock(DateTimeOffset.FromUnixTimeSeconds(t0));
        var k = 0;
        var options = new InfluxPushOptions { Url = influx, Database = database, RetentionPolicy = retentionPolicy, HostTag = host, Interval = TimeSpan.FromMinutes(1) };
        using var service = new InfluxPushService(options, _ => Task.FromResult(Snapshot(hostCpus, hostMemory, domains, k)), NullLogger<InfluxPushService>.Instance, clock);
        for (k = 0; k < pushes; k++)
        {
            if (skip?.Invoke(k) != true)
            {
                clock.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(t0 + (60L * k)));
                await service.PushOnceAsync(CancellationToken.None);
            }
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await service.FlushAsync(cts.Token);
        if (service.Stats.TotalDropped > 0)
        {
            throw new InvalidOperationException($"the exporter push dropped points: {service.Stats.LastError}");
        }
    }

    private static MetricSet Snapshot(int hostCpus, long hostMemory, FakeDomain[] domains, int k)
    {
        var seconds = 60.0 * k;
        var b = new MetricSetBuilder();
        b.Add(HostCollector.Cpus, hostCpus);
        b.Add(HostCollector.Memory, hostMemory);
        foreach (var d in domains)
        {
            var uuid = $"00000000-0000-0000-0000-{(uint)d.Name.Length * 7919:x12}";
            var cpu = d.ResetAtPush >= 0 && k >= d.ResetAtPush ? d.Cores * 60.0 * (k - d.ResetAtPush) : 1000 + (d.Cores * seconds);
            b.Add(Find("kvm_domain_cpu_time_seconds_total"), cpu, uuid, d.Name);
            for (var i = 0; i < (d.DelayCounters ? d.Vcpus : 0); i++)
            {
                b.Add(Find("kvm_domain_vcpu_delay_seconds_total"), 0.1 / (i + 1) * seconds, uuid, d.Name, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            b.Add(Find("kvm_domain_balloon_rss_bytes"), Rss(k), uuid, d.Name);
            b.Add(Find("kvm_domain_block_read_bytes_total"), ReadRate * seconds, uuid, d.Name, "vda");
            b.Add(Find("kvm_domain_block_write_bytes_total"), WriteRate * seconds, uuid, d.Name, "vda");
            b.Add(Find("kvm_domain_interface_receive_bytes_total"), ReceiveRate * seconds, uuid, d.Name, "vnet0");
            b.Add(Find("kvm_domain_interface_transmit_bytes_total"), TransmitRate * seconds, uuid, d.Name, "vnet0");
            b.Add(DomainInfoCollector.VcpusAllocated, d.Vcpus, uuid, d.Name);
            b.Add(DomainInfoCollector.MemoryAllocated, d.MemoryAllocated, uuid, d.Name);
        }

        return b.Build();
    }

    /// <summary>The exporter's own descriptor of a domain family (name, type and label names as the exporter emits them).</summary>
    private static MetricDescriptor Find(string name) => DomainMetrics.All.Single(d => d.Name == name);
}
