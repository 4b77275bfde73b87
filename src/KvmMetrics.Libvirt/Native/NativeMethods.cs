using System.Runtime.InteropServices;

namespace KvmMetrics.Libvirt.Native;

/// <summary>
/// libvirt.so.0 entry points, source-generated (<c>LibraryImport</c>): blittable signatures only, pointers as
/// <see cref="IntPtr"/>, strings marshalled as UTF-8 in and read by hand out (so ownership stays explicit).
/// SetLastError is false: libvirt reports errors through <c>virGetLastError</c> (thread-local), not errno.
/// </summary>
internal static unsafe partial class NativeMethods
{
    private const string Lib = "libvirt.so.0";

    /// <summary><c>VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT</c> (libvirt-domain.h, since 4.5.0).</summary>
    public const uint StatsNoWait = 1u << 29;

    /// <summary><c>VIR_UUID_STRING_BUFLEN</c>: 36 characters plus NUL.</summary>
    public const int UuidStringBufLen = 37;

    /// <summary><c>VIR_DOMAIN_EVENT_ID_LIFECYCLE</c>.</summary>
    public const int EventIdLifecycle = 0;

    /// <summary><c>VIR_DOMAIN_EVENT_ID_METADATA_CHANGE</c> (since 3.0.0).</summary>
    public const int EventIdMetadataChange = 23;

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr virConnectOpenReadOnly(string name);

    [LibraryImport(Lib)]
    public static partial int virConnectClose(IntPtr conn);

    [LibraryImport(Lib)]
    public static partial int virConnectIsAlive(IntPtr conn);

    [LibraryImport(Lib)]
    public static partial int virConnectSetKeepAlive(IntPtr conn, int interval, uint count);

    [LibraryImport(Lib)]
    public static partial int virConnectRegisterCloseCallback(
        IntPtr conn, delegate* unmanaged<IntPtr, int, IntPtr, void> cb, IntPtr opaque, IntPtr freecb);

    [LibraryImport(Lib)]
    public static partial int virConnectUnregisterCloseCallback(IntPtr conn, delegate* unmanaged<IntPtr, int, IntPtr, void> cb);

    [LibraryImport(Lib)]
    public static partial int virEventRegisterDefaultImpl();

    [LibraryImport(Lib)]
    public static partial int virEventRunDefaultImpl();

    [LibraryImport(Lib)]
    public static partial int virEventAddTimeout(int frequency, delegate* unmanaged<int, IntPtr, void> cb, IntPtr opaque, IntPtr ff);

    [LibraryImport(Lib)]
    public static partial int virEventRemoveTimeout(int timer);

    [LibraryImport(Lib)]
    public static partial int virConnectGetAllDomainStats(IntPtr conn, uint stats, out IntPtr retStats, uint flags);

    [LibraryImport(Lib)]
    public static partial int virDomainListGetStats(IntPtr* doms, uint stats, out IntPtr retStats, uint flags);

    [LibraryImport(Lib)]
    public static partial void virDomainStatsRecordListFree(IntPtr stats);

    [LibraryImport(Lib)]
    public static partial int virConnectListAllDomains(IntPtr conn, out IntPtr domains, uint flags);

    [LibraryImport(Lib)]
    public static partial int virDomainGetUUIDString(IntPtr domain, byte* buf);

    [LibraryImport(Lib)]
    public static partial IntPtr virDomainGetName(IntPtr domain);

    [LibraryImport(Lib)]
    public static partial uint virDomainGetID(IntPtr domain);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr virDomainLookupByUUIDString(IntPtr conn, string uuid);

    [LibraryImport(Lib)]
    public static partial IntPtr virDomainGetXMLDesc(IntPtr domain, uint flags);

    [LibraryImport(Lib)]
    public static partial int virDomainFree(IntPtr domain);

    [LibraryImport(Lib)]
    public static partial int virNodeGetInfo(IntPtr conn, out VirNodeInfo info);

    [LibraryImport(Lib)]
    public static partial ulong virNodeGetFreeMemory(IntPtr conn);

    [LibraryImport(Lib)]
    public static partial int virConnectGetLibVersion(IntPtr conn, out nuint libVer);

    [LibraryImport(Lib)]
    public static partial int virConnectGetVersion(IntPtr conn, out nuint hvVer);

    [LibraryImport(Lib)]
    public static partial IntPtr virConnectGetType(IntPtr conn);

    [LibraryImport(Lib)]
    public static partial IntPtr virConnectGetHostname(IntPtr conn);

    [LibraryImport(Lib)]
    public static partial IntPtr virGetLastError();

    [LibraryImport(Lib)]
    public static partial void virResetLastError();

    [LibraryImport(Lib)]
    public static partial void virSetErrorFunc(IntPtr userData, delegate* unmanaged<IntPtr, IntPtr, void> handler);

    [LibraryImport(Lib)]
    public static partial int virConnectDomainEventRegisterAny(
        IntPtr conn, IntPtr dom, int eventId, IntPtr cb, IntPtr opaque, IntPtr freecb);

    [LibraryImport(Lib)]
    public static partial int virConnectDomainEventDeregisterAny(IntPtr conn, int callbackId);
}

/// <summary><c>virNodeInfo</c>: char model[32]; unsigned long memory (KiB); unsigned int cpus, mhz, nodes, sockets, cores, threads.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct VirNodeInfo
{
    public fixed byte Model[32];
    public nuint MemoryKiB;
    public uint Cpus;
    public uint Mhz;
    public uint Nodes;
    public uint Sockets;
    public uint Cores;
    public uint Threads;
}

/// <summary><c>virDomainStatsRecord</c> = { virDomainPtr dom; virTypedParameterPtr params; int nparams; }.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct VirDomainStatsRecord
{
    public IntPtr Dom;
    public IntPtr Params;
    public int NParams;
}

/// <summary>The leading fields of <c>virError</c> = { int code; int domain; char *message; ... }.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct VirErrorHead
{
    public int Code;
    public int Domain;
    public IntPtr Message;
}
