using System.Collections.Concurrent;
using System.Diagnostics;
using KvmMetrics.Libvirt.Native;
using KvmMetrics.TestSupport.Libvirt;
using Microsoft.Extensions.Time.Testing;

namespace KvmMetrics.Libvirt.Tests.Integration;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DisruptiveCollection
{
    public const string Name = "libvirt disruptive";
}

/// <summary>Faults of the shared libvirtd (SIGSTOP, restart). Kept short: other test runs use the same daemon.</summary>
[Collection(DisruptiveCollection.Name)]
[Trait("Category", "Disruptive")]
public sealed class LibvirtClientDisruptiveTests
{
    [SkippableFact]
    public async Task HungDaemon_CallReturnsPromptlyOnCancellation_AndRecoversAfterResume()
    {
        LibvirtTestHost.Require();
        using var client = new LibvirtClient(new LibvirtOptions(), TimeProvider.System);
        using (var warm = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await client.GetHostInfoAsync(warm.Token);
        }

        var sw = Stopwatch.StartNew();
        using (LibvirtTestHost.FreezeDaemon(TimeSpan.FromSeconds(3)))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAllDomainStatsAsync(StatsGroups.All, cts.Token));
            sw.Stop();
            // The daemon stays stopped for up to 3 s; returning well before that shows the wait was abandoned, not served.
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2.5), $"cancellation took {sw.Elapsed}");
            Assert.True(client.NativeCallsInFlight >= 1);
        }

        using var after = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stats = await client.GetAllDomainStatsAsync(StatsGroups.State, after.Token);
        Assert.NotNull(stats);
        Assert.True(client.IsConnected);
    }

    [SkippableFact]
    public async Task DaemonRestart_ClientNoticesLossAndReconnects()
    {
        LibvirtTestHost.Require();
        Skip.IfNot(Environment.UserName == "root", "restarting libvirtd needs root");
        using var client = new LibvirtClient(new LibvirtOptions(reconnectBackoffMax: TimeSpan.FromSeconds(1)), TimeProvider.System);
        var changes = new ConcurrentQueue<ConnectionStateChanged>();
        client.ConnectionChanged += (_, e) => changes.Enqueue(e);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await client.GetHostInfoAsync(cts.Token);
        Assert.True(client.IsConnected);

        try
        {
            await LibvirtTestHost.StopDaemonAsync();
            await WaitUntil(() => !client.IsConnected, TimeSpan.FromSeconds(15));
            await Assert.ThrowsAsync<LibvirtException>(() => client.GetHostInfoAsync(cts.Token));
        }
        finally
        {
            await LibvirtTestHost.StartDaemonAsync();
        }

        HostInfo? info = null;
        while (info is null)
        {
            try
            {
                info = await client.GetHostInfoAsync(cts.Token);
            }
            catch (LibvirtException)
            {
                await Task.Delay(200, cts.Token);
            }
        }

        Assert.True(client.IsConnected);
        await WaitUntil(() => changes.Count >= 3, TimeSpan.FromSeconds(5));
        Assert.Equal([true, false, true], changes.Select(c => c.Connected).Take(3));
    }

    [SkippableFact]
    public async Task DaemonDown_CallsFailFastWithBackoffInsteadOfHanging()
    {
        LibvirtTestHost.Require();
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-21T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var client = new LibvirtClient(new LibvirtOptions(uri: "qemu:///system?socket=/nonexistent/libvirt-sock"), time);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var first = await Assert.ThrowsAsync<LibvirtException>(() => client.GetAllDomainStatsAsync(StatsGroups.State, cts.Token));
        var second = await Assert.ThrowsAsync<LibvirtException>(() => client.GetAllDomainStatsAsync(StatsGroups.State, cts.Token));
        time.Advance(TimeSpan.FromSeconds(1));
        var third = await Assert.ThrowsAsync<LibvirtException>(() => client.GetAllDomainStatsAsync(StatsGroups.State, cts.Token));

        Assert.Contains("virConnectOpenReadOnly", first.Message, StringComparison.Ordinal);
        Assert.Contains("next attempt in 0.5 s", second.Message, StringComparison.Ordinal);
        Assert.Contains("virConnectOpenReadOnly", third.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
    }

    [SkippableFact]
    public async Task Dispose_OfTheLastClient_StopsTheEventLoopThread()
    {
        LibvirtTestHost.Require();
        using (var client = new LibvirtClient(new LibvirtOptions(), TimeProvider.System))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.GetHostInfoAsync(cts.Token);
            Assert.True(LibvirtRuntime.EventLoopRunning);
        }

        Assert.False(LibvirtRuntime.EventLoopRunning);
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.Elapsed < timeout, "condition not met within " + timeout);
            await Task.Delay(50);
        }
    }
}

