using System.Runtime.InteropServices;

namespace KvmMetrics.Libvirt.Native;

/// <summary>
/// Process-wide libvirt setup: a silent error handler (libvirt's default prints every error to stderr) and the
/// default event loop, run on one dedicated thread while at least one client needs it (keepalive, close
/// callbacks and domain events are dispatched from it).
/// </summary>
internal static unsafe class LibvirtRuntime
{
    private static readonly Lock Gate = new();
    private static bool _initialized;
    private static int _users;
    private static Thread? _loop;
    private static volatile bool _stopRequested;

    /// <summary>True while the event loop thread runs.</summary>
    public static bool EventLoopRunning => _loop is { IsAlive: true };

    /// <summary>Installs the error handler and registers the default event implementation (once per process).
    /// Must precede the first <c>virConnectOpen*</c>, or keepalive and events are unavailable.</summary>
    public static void EnsureInitialized()
    {
        lock (Gate)
        {
            if (_initialized)
            {
                return;
            }

            NativeMethods.virSetErrorFunc(IntPtr.Zero, &SilentErrorHandler);
            if (NativeMethods.virEventRegisterDefaultImpl() < 0)
            {
                throw LibvirtErrors.Last("virEventRegisterDefaultImpl");
            }

            _initialized = true;
        }
    }

    /// <summary>Adds a user of the event loop, starting its thread when it is the first.</summary>
    public static void AcquireEventLoop()
    {
        lock (Gate)
        {
            EnsureInitialized();
            _users++;
            if (_loop is { IsAlive: true })
            {
                // A loop whose stop timed out is still running: keep it instead of starting a second one.
                _stopRequested = false;
                return;
            }

            _stopRequested = false;
            _loop = new Thread(RunLoop) { IsBackground = true, Name = "libvirt-event-loop" };
            _loop.Start();
        }
    }

    /// <summary>Removes a user; the last one stops the loop thread (woken by a zero-delay timer) and waits briefly for it.</summary>
    public static void ReleaseEventLoop()
    {
        lock (Gate)
        {
            if (_users == 0)
            {
                return;
            }

            _users--;
            if (_users > 0 || _loop is null)
            {
                return;
            }

            _stopRequested = true;
            // A timer with frequency 0 fires on the next loop iteration, which wakes the poll() the loop sleeps in.
            var timer = NativeMethods.virEventAddTimeout(0, &WakeUp, IntPtr.Zero, IntPtr.Zero);
            if (timer >= 0 && _loop.Join(TimeSpan.FromSeconds(5)))
            {
                _loop = null;
            }
        }
    }

    private static void RunLoop()
    {
        while (!_stopRequested)
        {
            if (NativeMethods.virEventRunDefaultImpl() < 0)
            {
                // Only fails on poll() errors; do not spin.
                Thread.Sleep(100);
            }
        }
    }

    [UnmanagedCallersOnly]
    private static void WakeUp(int timer, IntPtr opaque) => NativeMethods.virEventRemoveTimeout(timer);

    [UnmanagedCallersOnly]
    private static void SilentErrorHandler(IntPtr userData, IntPtr error)
    {
        // Errors are read from virGetLastError by the failing call's thread; nothing to print here.
    }
}
