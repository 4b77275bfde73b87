using System.Runtime.InteropServices;

namespace KvmMetrics.Libvirt.Native;

/// <summary>Receives libvirt callbacks (on the event loop thread); implementations must return quickly and never throw.</summary>
internal interface INativeEventSink
{
    void OnConnectionClosed(IntPtr conn, int reason);

    void OnDomainEvent(DomainLifecycleEvent e);
}

/// <summary>
/// Unmanaged entry points libvirt calls back into. The opaque pointer is a <see cref="GCHandle"/> to an
/// <see cref="INativeEventSink"/>, freed by libvirt through <see cref="FreeOpaque"/> when it drops the registration.
/// An exception escaping an <c>UnmanagedCallersOnly</c> method would kill the process, so each one catches everything.
/// </summary>
internal static unsafe class NativeCallbacks
{
    public static IntPtr NewOpaque(INativeEventSink sink) => GCHandle.ToIntPtr(GCHandle.Alloc(sink));

    public static void FreeOpaqueNow(IntPtr opaque)
    {
        if (opaque != IntPtr.Zero)
        {
            GCHandle.FromIntPtr(opaque).Free();
        }
    }

    [UnmanagedCallersOnly]
    public static void FreeOpaque(IntPtr opaque)
    {
        try
        {
            FreeOpaqueNow(opaque);
        }
#pragma warning disable CA1031 // see class remarks: nothing may escape into native code
        catch (Exception)
#pragma warning restore CA1031
        {
            // Nothing sensible to do on the event loop thread.
        }
    }

    [UnmanagedCallersOnly]
    public static void OnClose(IntPtr conn, int reason, IntPtr opaque)
    {
        try
        {
            Sink(opaque)?.OnConnectionClosed(conn, reason);
        }
#pragma warning disable CA1031 // nothing may escape into native code
        catch (Exception)
#pragma warning restore CA1031
        {
            // The sink logs its own failures.
        }
    }

    [UnmanagedCallersOnly]
    public static int OnLifecycle(IntPtr conn, IntPtr dom, int evt, int detail, IntPtr opaque)
    {
        try
        {
            var (uuid, name, id) = DomainIdentity.Read(dom);
            Sink(opaque)?.OnDomainEvent(new DomainLifecycleEvent(uuid, name, id, (DomainLifecycleKind)evt, detail));
        }
#pragma warning disable CA1031 // nothing may escape into native code
        catch (Exception)
#pragma warning restore CA1031
        {
            // A malformed event is dropped.
        }

        return 0;
    }

    [UnmanagedCallersOnly]
    public static void OnMetadataChange(IntPtr conn, IntPtr dom, int type, IntPtr nsuri, IntPtr opaque)
    {
        try
        {
            var (uuid, name, id) = DomainIdentity.Read(dom);
            Sink(opaque)?.OnDomainEvent(new DomainLifecycleEvent(uuid, name, id, DomainLifecycleKind.MetadataChanged, type));
        }
#pragma warning disable CA1031 // nothing may escape into native code
        catch (Exception)
#pragma warning restore CA1031
        {
            // A malformed event is dropped.
        }
    }

    private static INativeEventSink? Sink(IntPtr opaque) =>
        opaque == IntPtr.Zero ? null : GCHandle.FromIntPtr(opaque).Target as INativeEventSink;
}

/// <summary>Reads a domain's identity; all three calls are answered from the local <c>virDomain</c> object, no RPC.</summary>
internal static unsafe class DomainIdentity
{
    public static (string Uuid, string Name, int Id) Read(IntPtr dom)
    {
        var buf = stackalloc byte[NativeMethods.UuidStringBufLen];
        var uuid = NativeMethods.virDomainGetUUIDString(dom, buf) == 0
            ? Decoding.TypedParameterDecoder.DecodeUtf8(new ReadOnlySpan<byte>(buf, 36)).ToLowerInvariant()
            : string.Empty;
        var name = Decoding.NativeStrings.Read(NativeMethods.virDomainGetName(dom)) ?? string.Empty;
        // virDomainGetID returns (unsigned int)-1 for inactive domains.
        var id = unchecked((int)NativeMethods.virDomainGetID(dom));
        return (uuid, name, id < 0 ? -1 : id);
    }
}
