using KvmMetrics.Libvirt.Native;

namespace KvmMetrics.Libvirt.Tests.Native;

public sealed class NativeCallRunnerTests
{
    [Fact]
    public async Task RunAsync_CancelledWhileCallBlocks_AbandonsTheWaitAndTheCallFinishesLater()
    {
        using var runner = new NativeCallRunner(2);
        using var gate = new ManualResetEventSlim();
        using var cts = new CancellationTokenSource();
        var finished = new TaskCompletionSource();

        var call = runner.RunAsync("block", () =>
        {
            gate.Wait();
            finished.SetResult();
            return 1;
        }, cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, runner.InFlight);
        gate.Set();
        await finished.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await WaitFor(() => runner.InFlight == 0);
    }

    [Fact]
    public async Task RunAsync_AllSlotsHeldByHungCalls_NextCallerWaitsCancellably()
    {
        using var runner = new NativeCallRunner(1);
        using var gate = new ManualResetEventSlim();
        var hung = runner.RunAsync("hung", () => gate.Wait(TimeSpan.FromSeconds(30)), CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync("next", () => 2, cts.Token));

        gate.Set();
        Assert.True(await hung);
        Assert.Equal(3, await runner.RunAsync("after", () => 3, CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_CallThrows_ExceptionReachesTheCallerAndSlotIsReleased()
    {
        using var runner = new NativeCallRunner(1);

        await Assert.ThrowsAsync<LibvirtException>(() => runner.RunAsync<int>("fail", () => throw new LibvirtException(42, 10, "gone"), CancellationToken.None));

        Assert.Equal(5, await runner.RunAsync("ok", () => 5, CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_RunsOffTheThreadPool()
    {
        using var runner = new NativeCallRunner(1);

        Assert.False(await runner.RunAsync("where", () => Thread.CurrentThread.IsThreadPoolThread, CancellationToken.None));
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition());
    }
}
