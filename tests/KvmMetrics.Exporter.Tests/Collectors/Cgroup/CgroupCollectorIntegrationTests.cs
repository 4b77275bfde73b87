using System.Diagnostics;
using System.Globalization;
using KvmMetrics.Cgroups.Discovery;
using KvmMetrics.Exporter.Collectors.Cgroup;
using KvmMetrics.Exporter.Domains;
using KvmMetrics.Exposition;
using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Libvirt;
using Xunit.Abstractions;

namespace KvmMetrics.Exporter.Tests.Collectors.Cgroup;

/// <summary>The collector on this machine's real cgroup tree with a real spinning guest.</summary>
public class CgroupCollectorIntegrationTests(ITestOutputHelper output)
{
    // The window grows until the guest has used enough CPU for a 10% comparison to be meaningful: on a
    // busy machine a spinning vCPU gets far less than one CPU, so a fixed window could measure noise.
    private const double MinimumCpuSeconds = 0.5;
    private static readonly TimeSpan MaxWindow = TimeSpan.FromSeconds(45);

    [SkippableFact]
    public async Task Collect_SpinningGuest_CgroupUsageAgreesWithLibvirtCpuTime()
    {
        var host = LibvirtTestHost.Require();
        Requirements.Require(CgroupMount.Discover(HostPaths.Default, out var why) is not null, "a cgroup2 mount (" + why + ")");
        await using var guest = await GuestFactory.CreateAsync(host, GuestKind.Spin);
        var domain = new RunningDomain(guest.Uuid, guest.Name, await guest.IdAsync());
        var collector = new CgroupCollector(new FixedDomains([domain]), CgroupCollectorOptions.Create(null), TimeProvider.System);
        await Task.Delay(TimeSpan.FromSeconds(2)); // past SeaBIOS, into the spin loop

        var (set1, libvirt1, at1) = await SampleAsync(collector, guest.Uuid);
        var (set2, libvirt2, at2) = (set1, libvirt1, at1);
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            (set2, libvirt2, at2) = await SampleAsync(collector, guest.Uuid);
        }
        while (libvirt2 - libvirt1 < MinimumCpuSeconds && at2 - at1 < MaxWindow);

        Assert.Equal(1, Single(set2, "kvm_cgroup_found").Value);
        var cgroupDelta = Single(set2, "kvm_cgroup_cpu_usage_seconds_total").Value - Single(set1, "kvm_cgroup_cpu_usage_seconds_total").Value;
        var libvirtDelta = libvirt2 - libvirt1;
        var vcpuDelta = Single(set2, "kvm_cgroup_vcpu_cpu_seconds_total").Value - Single(set1, "kvm_cgroup_vcpu_cpu_seconds_total").Value;
        var seconds = (at2 - at1).TotalSeconds;
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        output.WriteLine(FormattableString.Invariant(
            $"{host.DomainType}: cgroup +{cgroupDelta:F3} s, libvirt cpu.time +{libvirtDelta:F3} s, vcpu0 +{vcpuDelta:F3} s over {seconds:F2} s wall; loadavg {load}"));

        Assert.True(libvirtDelta >= MinimumCpuSeconds, $"the spinning guest used only {libvirtDelta:F3} CPU-s in {seconds:F1} s according to libvirt");
        Assert.InRange(cgroupDelta / libvirtDelta, 0.9, 1.1);
        Assert.True(vcpuDelta >= 0.8 * cgroupDelta, $"vcpu0 used {vcpuDelta:F3} of {cgroupDelta:F3} s: the spinning vCPU must dominate");

        // "About one CPU-second per second" holds only when the spinning thread can get a whole CPU:
        // on a machine busier than its core count the scheduler gives it less, which libvirt sees too.
        if (double.Parse(load, CultureInfo.InvariantCulture) < Environment.ProcessorCount - 0.5)
        {
            Assert.InRange(cgroupDelta / seconds, 0.8, 1.3);
        }

        foreach (var psi in new[] { "kvm_cgroup_cpu_pressure_seconds_total", "kvm_cgroup_memory_pressure_seconds_total", "kvm_cgroup_io_pressure_seconds_total" })
        {
            Assert.Contains(set2.Find(psi)!.Samples, s => s.LabelValues[0] == guest.Uuid && s.LabelValues[2] == "some");
        }

        Assert.Contains(set2.Find("kvm_cgroup_overhead_cpu_seconds_total")!.Samples, s => s.LabelValues[2] == "emulator");
        Assert.Equal("pid", set2.Find("kvm_cgroup_scope_info")!.Samples.Single().LabelValues[4]);
    }

    [SkippableFact]
    public async Task Collect_RealGuestWithoutPidFile_FindsTheSameScopeByName()
    {
        var host = LibvirtTestHost.Require();
        Requirements.Require(CgroupMount.Discover(HostPaths.Default, out var why) is not null, "a cgroup2 mount (" + why + ")");
        await using var guest = await GuestFactory.CreateAsync(host, GuestKind.Idle);
        var domain = new RunningDomain(guest.Uuid, guest.Name, await guest.IdAsync());
        var emptyRunDir = Path.Combine(Path.GetTempPath(), "kmt-cg-run-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(emptyRunDir);
        try
        {
            var byPid = await ScrapeAsync(new CgroupCollector(new FixedDomains([domain]), CgroupCollectorOptions.Create(null), TimeProvider.System));
            var byName = await ScrapeAsync(new CgroupCollector(
                new FixedDomains([domain]), CgroupCollectorOptions.Create(null, runDir: emptyRunDir), TimeProvider.System));

            var pidInfo = byPid.Find("kvm_cgroup_scope_info")!.Samples.Single().LabelValues;
            var nameInfo = byName.Find("kvm_cgroup_scope_info")!.Samples.Single().LabelValues;
            Assert.Equal("pid", pidInfo[4]);
            Assert.Equal("name", nameInfo[4]);
            Assert.Equal(pidInfo[2], nameInfo[2]);
        }
        finally
        {
            Directory.Delete(emptyRunDir, recursive: true);
        }
    }

    private static async Task<(MetricSet Set, double LibvirtSeconds, DateTimeOffset At)> SampleAsync(CgroupCollector collector, string uuid)
    {
        var at = DateTimeOffset.UtcNow;
        var set = await ScrapeAsync(collector);

        // Read right after the cgroup files, so both ends of the window see the same small skew.
        var stats = await Virsh.RunAsync(["domstats", "--cpu-total", uuid]);
        var line = stats.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("cpu.time=", StringComparison.Ordinal));
        return (set, double.Parse(line["cpu.time=".Length..], CultureInfo.InvariantCulture) / 1e9, at);
    }

    private static async Task<MetricSet> ScrapeAsync(CgroupCollector collector)
    {
        var builder = new MetricSetBuilder();
        await collector.CollectAsync(builder, CancellationToken.None);
        return builder.Build();
    }

    private static Sample Single(MetricSet set, string name) =>
        (set.Find(name) ?? throw new Xunit.Sdk.XunitException($"no {name} in the scrape")).Samples.Single();
}
