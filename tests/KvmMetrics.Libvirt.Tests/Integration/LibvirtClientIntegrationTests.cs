using System.Diagnostics;
using KvmMetrics.TestSupport.Libvirt;

namespace KvmMetrics.Libvirt.Tests.Integration;

/// <summary>The client against the real local libvirtd and real boot-sector guests.</summary>
public sealed class LibvirtClientIntegrationTests(LiveGuestsFixture guests) : IClassFixture<LiveGuestsFixture>
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task GetAllDomainStats_SeesTestGuestsWithEveryGroup()
    {
        LibvirtTestHost.Require();
        using var client = NewClient();
        using var cts = new CancellationTokenSource(CallTimeout);

        string[] required = ["state.reason", "cpu.time", "cpu.user", "cpu.system", "balloon.current", "balloon.maximum", "vcpu.current", "vcpu.maximum", "vcpu.0.state", "vcpu.0.time", "vcpu.0.wait", "vcpu.0.delay", "block.count", "block.0.rd.reqs", "block.0.rd.bytes", "block.0.capacity", "net.count", "net.0.rx.bytes"];

        // NOWAIT skips job-dependent values while another client (a concurrent exporter test) holds the domain's job,
        // so a record may lack them on one call; they must appear within a few calls.
        DomainStats idle;
        var attempt = 0;
        do
        {
            idle = Single(await client.GetAllDomainStatsAsync(StatsGroups.All, cts.Token), guests.Idle);
        }
        while (++attempt < 20 && !required.All(n => idle.Find(n) is not null));

        Assert.True(client.IsConnected);
        Assert.Equal(guests.Idle.Name, idle.Name);
        Assert.True(idle.Id > 0);
        Assert.Equal(DomainState.Running, idle.State);
        foreach (var name in required)
        {
            Assert.True(idle.Find(name) is not null, $"missing {name} in {string.Join(", ", idle.Parameters.Select(p => p.Name))}");
        }

        Assert.Equal("vda", idle.Find("block.0.name")?.Text);
        Assert.Equal(guests.Idle.ImagePath, idle.Find("block.0.path")?.Text);
        Assert.Equal(guests.Idle.TapName, idle.Find("net.0.name")?.Text);
        Assert.Equal(TypedParameterType.ULLong, idle.Find("cpu.time")?.Type);
    }

    [SkippableFact]
    public async Task PausedGuest_ReportsStatePaused()
    {
        LibvirtTestHost.Require();
        using var client = NewClient();
        using var cts = new CancellationTokenSource(CallTimeout);

        var stats = await client.GetAllDomainStatsAsync(StatsGroups.State | StatsGroups.CpuTotal, cts.Token);

        var paused = Single(stats, guests.Paused);
        Assert.Equal(3, paused.Number("state.state"));
        Assert.Equal(DomainState.Paused, paused.State);
    }

    [SkippableFact]
    public async Task SpinningGuest_CpuTimeMatchesTheQemuProcessAndIsAboutOneSecondPerSecond()
    {
        LibvirtTestHost.Require();
        using var client = NewClient();
        using var cts = new CancellationTokenSource(CallTimeout);
        var pid = QemuPid(guests.Spin);

        // /proc is read right before and after each libvirt call, and the midpoint taken, so a slow call on a loaded
        // host does not skew the comparison.
        var before0 = ProcessCpuSeconds(pid);
        var (first, t0) = await CpuTime(client, guests.Spin, cts.Token);
        var proc0 = (before0 + ProcessCpuSeconds(pid)) / 2;
        await Task.Delay(TimeSpan.FromSeconds(5), cts.Token);
        var before1 = ProcessCpuSeconds(pid);
        var (second, t1) = await CpuTime(client, guests.Spin, cts.Token);
        var proc1 = (before1 + ProcessCpuSeconds(pid)) / 2;

        // libvirt's cpu.time (cgroup cpuacct) must agree with the kernel's accounting of the QEMU process.
        var libvirtSeconds = (second - first) / 1e9;
        Assert.True(
            libvirtSeconds / (proc1 - proc0) is > 0.75 and < 1.25,
            $"libvirt cpu.time grew {libvirtSeconds:0.000} s while the QEMU process used {proc1 - proc0:0.000} s");
        var rate = libvirtSeconds / (t1 - t0).TotalSeconds;
        Assert.True(rate > 0.05, $"spinning guest used only {rate:0.000} CPU-s/s");
        if (HostUncontended())
        {
            // One spinning vCPU: about one CPU-second per second, unless other work competes for the 2 cores.
            Assert.InRange(rate, 0.75, 1.25);
        }
    }

    [SkippableFact]
    public async Task DiskReaderGuest_ReadRequestsGrow()
    {
        LibvirtTestHost.Require();
        using var client = NewClient();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        // SeaBIOS reads the boot sector first; the loop's reads follow once it has booted.
        var before = await WaitForAsync(client, guests.DiskReader, StatsGroups.Block, s => s.Number("block.0.rd.reqs") > 1, cts.Token);
        await Task.Delay(TimeSpan.FromSeconds(1), cts.Token);
        var after = await WaitForAsync(client, guests.DiskReader, StatsGroups.Block, s => s.Number("block.0.rd.reqs") is not null, cts.Token);

        Assert.Equal("vda", after.Find("block.0.name")?.Text);
        Assert.True(after.Number("block.0.rd.reqs") > before.Number("block.0.rd.reqs"), $"rd.reqs {before.Number("block.0.rd.reqs")} -> {after.Number("block.0.rd.reqs")}");
        Assert.True(after.Number("block.0.rd.bytes") > before.Number("block.0.rd.bytes"));
    }

    [SkippableFact]
    public async Task GetDomainStats_ReturnsOnlyTheRequestedDomains()
    {
        LibvirtTestHost.Require();
        using var client = NewClient(parallelChunks: 2);
        using var cts = new CancellationTokenSource(CallTimeout);

        var stats = await client.GetDomainStatsAsync([guests.Idle.Uuid, guests.Paused.Uuid.ToUpperInvariant(), Guid.NewGuid().ToString()], StatsGroups.State, cts.Token);

        Assert.Equal(new[] { guests.Idle.Uuid, guests.Paused.Uuid }.Order(), stats.Select(s => s.Uuid).Order());
    }

    [SkippableFact]
    public async Task ParallelChunks_ReturnTheSameDomainsAsOneBulkCall()
    {
        LibvirtTestHost.Require();
        using var bulk = NewClient();
        using var chunked = NewClient(parallelChunks: 3);
        using var cts = new CancellationTokenSource(CallTimeout);

        var one = await bulk.GetAllDomainStatsAsync(StatsGroups.State | StatsGroups.Block, cts.Token);
        var many = await chunked.GetAllDomainStatsAsync(StatsGroups.State | StatsGroups.Block, cts.Token);

        // NOWAIT legitimately drops job-dependent values of a domain that is busy at that instant (other tests query the
        // same guests), so compare identity, state and the always-present block identity, not the parameter count.
        var mine = new[] { guests.Idle, guests.Spin, guests.DiskReader, guests.Paused }.Select(g => g.Uuid).ToHashSet();
        static IEnumerable<(string, string, int, double?, string?)> Key(IEnumerable<DomainStats> s, HashSet<string> mine) =>
            s.Where(x => mine.Contains(x.Uuid)).Select(x => (x.Uuid, x.Name, x.Id, x.Number("state.state"), x.Find("block.0.name")?.Text)).Order();
        Assert.Equal(4, Key(one, mine).Count());
        Assert.Equal(Key(one, mine), Key(many, mine));
    }

    [SkippableFact]
    public async Task InactiveDomain_IsReportedShutOffWithIdMinusOne()
    {
        var host = LibvirtTestHost.Require();
        await using var defined = await GuestFactory.CreateAsync(host, GuestKind.Idle, new GuestOptions { DefineOnly = true });
        using var client = NewClient();
        using var cts = new CancellationTokenSource(CallTimeout);

        var stats = await client.GetAllDomainStatsAsync(StatsGroups.All, cts.Token);

        var record = Single(stats, defined);
        Assert.Equal(-1, record.Id);
        Assert.Equal(DomainState.Shutoff, record.State);
    }

    [SkippableFact]
    public async Task GetHostInfo_ReportsVersionsAndCapacity()
    {
        LibvirtTestHost.Require();
        using var client = NewClient();
        using var cts = new CancellationTokenSource(CallTimeout);

        var host = await client.GetHostInfoAsync(cts.Token);

        Assert.Equal(Environment.ProcessorCount, host.Cpus);
        Assert.Equal("QEMU", host.HypervisorType);
        Assert.Matches(@"^\d+\.\d+\.\d+$", host.LibvirtVersion);
        Assert.Matches(@"^\d+\.\d+\.\d+$", host.HypervisorVersion);
        Assert.Equal(System.Net.Dns.GetHostName(), host.Hostname.Split('.')[0]);
        Assert.InRange(host.FreeMemoryBytes, 1, host.MemoryBytes);
        Assert.Equal(host.Cpus, host.Sockets * host.CoresPerSocket * host.ThreadsPerCore * host.NumaNodes);
    }

    [SkippableFact]
    public async Task GetDomainDescription_ParsesTheLiveXml()
    {
        var host = LibvirtTestHost.Require();
        await using var nova = await GuestFactory.CreateAsync(host, GuestKind.Idle, new GuestOptions
        {
            DefineOnly = true,
            MemoryMiB = 48,
            Vcpus = 2,
            Title = "web \"frontend\"",
            NameSuffix = "-q\"uo'te\\x",
            Metadata = GuestFactory.NovaMetadata("web-1", flavor: "m1.small", project: "shop", user: "bob"),
        });
        using var client = NewClient();
        using var cts = new CancellationTokenSource(CallTimeout);

        var d = await client.GetDomainDescriptionAsync(nova.Uuid, cts.Token);

        Assert.Equal(nova.Uuid, d.Uuid);
        Assert.Equal(nova.Name, d.Name);
        Assert.Equal("web \"frontend\"", d.Title);
        Assert.Equal(2, d.VcpusMax);
        Assert.Equal(48L << 20, d.MaxMemoryBytes);
        Assert.Equal("vda", Assert.Single(d.Disks).TargetDev);
        Assert.Equal("web-1", d.Nova?.Name);
        Assert.Equal("m1.small", d.Nova?.FlavorName);
        Assert.Equal("shop", d.Nova?.ProjectName);
        Assert.Equal("bob", d.Nova?.UserName);
    }

    [SkippableFact]
    public async Task GetDomainDescription_UnknownUuid_ThrowsNoDomain()
    {
        LibvirtTestHost.Require();
        using var client = NewClient();
        using var cts = new CancellationTokenSource(CallTimeout);

        var e = await Assert.ThrowsAsync<LibvirtException>(() => client.GetDomainDescriptionAsync(Guid.NewGuid().ToString(), cts.Token));

        Assert.Equal("VIR_ERR_NO_DOMAIN", e.CodeName);
        Assert.True(client.IsConnected);
    }

    [SkippableFact]
    public async Task LifecycleEvents_ArriveOnStartSuspendAndStop()
    {
        var host = LibvirtTestHost.Require();
        using var client = NewClient();
        var events = new System.Collections.Concurrent.ConcurrentQueue<DomainLifecycleEvent>();
        client.DomainLifecycle += (_, e) => events.Enqueue(e);
        using var cts = new CancellationTokenSource(CallTimeout);
        await client.GetHostInfoAsync(cts.Token); // connects and registers for events

        await using var guest = await GuestFactory.CreateAsync(host, GuestKind.Idle);
        await guest.SuspendAsync();
        await Virsh.RunAsync(["desc", guest.Uuid, "--live", "--title", "--new-desc", "renamed by test"]);
        await guest.DestroyAsync();

        var expected = new[] { DomainLifecycleKind.Defined, DomainLifecycleKind.Started, DomainLifecycleKind.Suspended, DomainLifecycleKind.MetadataChanged, DomainLifecycleKind.Stopped };
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(10) && !expected.All(k => events.Any(e => e.Uuid == guest.Uuid && e.Kind == k)))
        {
            await Task.Delay(50, cts.Token);
        }

        var mine = events.Where(e => e.Uuid == guest.Uuid).ToList();
        Assert.Equal(expected, mine.Select(e => e.Kind).Where(expected.Contains).Distinct());
        Assert.All(mine, e => Assert.Equal(guest.Name, e.Name));
        Assert.True(mine.First(e => e.Kind == DomainLifecycleKind.Started).Id > 0);
    }

    [SkippableFact]
    public async Task ConcurrentCallsOnOneClient_AllSucceedWithConsistentResults()
    {
        LibvirtTestHost.Require();
        using var client = NewClient(parallelChunks: 2);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        var calls = Enumerable.Range(0, 12).Select(i => (i % 3) switch
        {
            0 => client.GetAllDomainStatsAsync(StatsGroups.State | StatsGroups.CpuTotal, cts.Token),
            1 => client.GetDomainStatsAsync([guests.Spin.Uuid, guests.Idle.Uuid], StatsGroups.Vcpu, cts.Token),
            _ => client.GetHostInfoAsync(cts.Token).ContinueWith(t => (IReadOnlyList<DomainStats>)[], TaskScheduler.Default),
        }).ToList();
        var results = await Task.WhenAll(calls);

        for (var i = 0; i < results.Length; i += 3)
        {
            Assert.Contains(results[i], s => s.Uuid == guests.Spin.Uuid && s.Number("cpu.time") > 0);
            Assert.Equal(2, results[i + 1].Count);
        }

        Assert.All(calls, c => Assert.True(c.IsCompletedSuccessfully));
    }

    [SkippableFact]
    public async Task DomainDestroyedDuringCalls_DoesNotThrow()
    {
        var host = LibvirtTestHost.Require();
        using var client = NewClient(parallelChunks: 2);
        var victims = new List<TestGuest>();
        for (var i = 0; i < 3; i++)
        {
            victims.Add(await GuestFactory.CreateAsync(host, GuestKind.Idle));
        }

        try
        {
            using var cts = new CancellationTokenSource(CallTimeout);
            var destroy = Task.Run(async () =>
            {
                foreach (var v in victims)
                {
                    await v.DisposeAsync();
                }
            });
            var calls = 0;
            while (!destroy.IsCompleted || calls < 3)
            {
                await client.GetAllDomainStatsAsync(StatsGroups.All, cts.Token);
                await client.GetDomainStatsAsync(victims.Select(v => v.Uuid).ToList(), StatsGroups.All, cts.Token);
                calls++;
            }

            await destroy;
            var after = await client.GetAllDomainStatsAsync(StatsGroups.State, cts.Token);
            Assert.DoesNotContain(after, s => victims.Any(v => v.Uuid == s.Uuid));
        }
        finally
        {
            await GuestFactory.DisposeAllAsync(victims);
        }
    }

    private static LibvirtClient NewClient(int parallelChunks = 1) =>
        new(new LibvirtOptions(parallelChunks: parallelChunks), TimeProvider.System);

    private static async Task<DomainStats> WaitForAsync(LibvirtClient client, TestGuest guest, StatsGroups groups, Func<DomainStats, bool> condition, CancellationToken ct)
    {
        while (true)
        {
            var s = Single(await client.GetDomainStatsAsync([guest.Uuid], groups, ct), guest);
            if (condition(s))
            {
                return s;
            }

            await Task.Delay(250, ct);
        }
    }

    private static int QemuPid(TestGuest guest) =>
        int.Parse(File.ReadAllText($"/var/run/libvirt/qemu/{guest.Name}.pid").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>utime + stime of a process from /proc/PID/stat (fields 14 and 15, in USER_HZ = 100 ticks per second).</summary>
    private static double ProcessCpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }

    private static bool HostUncontended()
    {
        var load = double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return load < Environment.ProcessorCount - 0.5;
    }

    private static DomainStats Single(IReadOnlyList<DomainStats> stats, TestGuest guest) =>
        Assert.Single(stats, s => s.Uuid == guest.Uuid);

    private static async Task<(double CpuTime, DateTime At)> CpuTime(LibvirtClient client, TestGuest guest, CancellationToken ct)
    {
        var s = Single(await client.GetDomainStatsAsync([guest.Uuid], StatsGroups.CpuTotal, ct), guest);
        return (s.Number("cpu.time") ?? throw new InvalidOperationException("no cpu.time"), DateTime.UtcNow);
    }
}
