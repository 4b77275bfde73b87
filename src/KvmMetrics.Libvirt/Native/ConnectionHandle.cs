using Microsoft.Win32.SafeHandles;

namespace KvmMetrics.Libvirt.Native;

/// <summary>
/// A <c>virConnectPtr</c>. Native calls hold a reference (<c>DangerousAddRef</c>) while they run,
/// so disposing the handle during a call defers <c>virConnectClose</c> until the last call returns.
/// </summary>
internal sealed class ConnectionHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private readonly List<int> _eventCallbacks = [];
    private bool _closeCallbackRegistered;

    public ConnectionHandle(IntPtr conn)
        : base(ownsHandle: true)
    {
        SetHandle(conn);
    }

    /// <summary>Set once the connection is known dead (close callback, connection error).</summary>
    public volatile bool Dead;

    /// <summary>When the connection was opened (time provider timestamp).</summary>
    public long OpenedAt { get; init; }

    public void AddEventCallback(int id)
    {
        lock (_eventCallbacks)
        {
            _eventCallbacks.Add(id);
        }
    }

    public void MarkCloseCallbackRegistered() => _closeCallbackRegistered = true;

    /// <summary>Runs a native call with the handle referenced, so it cannot be closed underneath.</summary>
    public T Use<T>(Func<IntPtr, T> call)
    {
        var added = false;
        DangerousAddRef(ref added);
        try
        {
            return call(handle);
        }
        finally
        {
            if (added)
            {
                DangerousRelease();
            }
        }
    }

    protected override unsafe bool ReleaseHandle()
    {
        int[] callbacks;
        lock (_eventCallbacks)
        {
            callbacks = [.. _eventCallbacks];
            _eventCallbacks.Clear();
        }

        foreach (var id in callbacks)
        {
            NativeMethods.virConnectDomainEventDeregisterAny(handle, id);
        }

        if (_closeCallbackRegistered)
        {
            NativeMethods.virConnectUnregisterCloseCallback(handle, &NativeCallbacks.OnClose);
        }

        NativeMethods.virResetLastError();
        return NativeMethods.virConnectClose(handle) >= 0;
    }
}
