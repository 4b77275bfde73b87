namespace KvmMetrics.Libvirt.Native;

/// <summary>
/// Runs blocking native calls on dedicated threads (never on thread-pool threads, which a hung libvirtd would
/// starve), at most a fixed number at once. Waiting callers honour their token by abandoning the wait: the
/// native call keeps running and cleans up after itself when libvirt finally returns.
/// </summary>
internal sealed class NativeCallRunner : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private int _inFlight;

    public NativeCallRunner(int maxConcurrent) => _slots = new SemaphoreSlim(maxConcurrent, maxConcurrent);

    /// <summary>Native calls currently running (including abandoned ones).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public async Task<T> RunAsync<T>(string name, Func<T> call, CancellationToken ct)
    {
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var thread = new Thread(() =>
            {
                Interlocked.Increment(ref _inFlight);
                try
                {
                    tcs.SetResult(call());
                }
#pragma warning disable CA1031 // the exception is handed to the awaiting caller
                catch (Exception e)
#pragma warning restore CA1031
                {
                    tcs.SetException(e);
                }
                finally
                {
                    Interlocked.Decrement(ref _inFlight);
                    _slots.Release();
                }
            })
            {
                IsBackground = true,
                Name = "libvirt:" + name,
            };
            thread.Start();
        }
        catch
        {
            _slots.Release();
            throw;
        }

        return await tcs.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    public void Dispose()
    {
        // Abandoned calls may still release slots later; the semaphore is left to the GC rather than disposed under them.
    }
}
