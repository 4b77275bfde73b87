using System.Runtime.InteropServices;
using KvmMetrics.Libvirt.Decoding;

namespace KvmMetrics.Libvirt.Native;

/// <summary>
/// The blocking libvirt operations, each a complete unit (call, decode, free) that returns only managed data,
/// so an abandoned call still frees its native memory when libvirt returns. Run them on <see cref="NativeCallRunner"/>.
/// </summary>
internal static unsafe class NativeOperations
{
    /// <summary>Largest domain XML accepted (bytes); beyond that the XML is truncated and fails to parse.</summary>
    public const int MaxXmlBytes = 16 << 20;

    public static ConnectionHandle Open(string uri, LibvirtOptions options, IntPtr closeOpaque, IntPtr eventOpaque, IntPtr metadataOpaque, long now)
    {
        LibvirtRuntime.EnsureInitialized();
        NativeMethods.virResetLastError();
        var conn = NativeMethods.virConnectOpenReadOnly(uri);
        if (conn == IntPtr.Zero)
        {
            NativeCallbacks.FreeOpaqueNow(closeOpaque);
            NativeCallbacks.FreeOpaqueNow(eventOpaque);
            NativeCallbacks.FreeOpaqueNow(metadataOpaque);
            throw LibvirtErrors.Last("virConnectOpenReadOnly(" + uri + ")");
        }

        var handle = new ConnectionHandle(conn) { OpenedAt = now };
        if (options.KeepAliveInterval > TimeSpan.Zero)
        {
            // Returns 1 when the remote side does not support keepalive (local drivers); that is fine.
            NativeMethods.virConnectSetKeepAlive(conn, (int)Math.Max(1, options.KeepAliveInterval.TotalSeconds), (uint)options.KeepAliveCount);
        }

        if (NativeMethods.virConnectRegisterCloseCallback(conn, &NativeCallbacks.OnClose, closeOpaque, (IntPtr)(delegate* unmanaged<IntPtr, void>)&NativeCallbacks.FreeOpaque) == 0)
        {
            handle.MarkCloseCallbackRegistered();
        }
        else
        {
            NativeCallbacks.FreeOpaqueNow(closeOpaque);
        }

        var freeCb = (IntPtr)(delegate* unmanaged<IntPtr, void>)&NativeCallbacks.FreeOpaque;
        var lifecycle = NativeMethods.virConnectDomainEventRegisterAny(
            conn, IntPtr.Zero, NativeMethods.EventIdLifecycle,
            (IntPtr)(delegate* unmanaged<IntPtr, IntPtr, int, int, IntPtr, int>)&NativeCallbacks.OnLifecycle, eventOpaque, freeCb);
        if (lifecycle >= 0)
        {
            handle.AddEventCallback(lifecycle);
        }
        else
        {
            NativeCallbacks.FreeOpaqueNow(eventOpaque);
        }

        var metadata = NativeMethods.virConnectDomainEventRegisterAny(
            conn, IntPtr.Zero, NativeMethods.EventIdMetadataChange,
            (IntPtr)(delegate* unmanaged<IntPtr, IntPtr, int, IntPtr, IntPtr, void>)&NativeCallbacks.OnMetadataChange, metadataOpaque, freeCb);
        if (metadata >= 0)
        {
            handle.AddEventCallback(metadata);
        }
        else
        {
            NativeCallbacks.FreeOpaqueNow(metadataOpaque);
        }

        NativeMethods.virResetLastError();
        return handle;
    }

    public static bool IsAlive(ConnectionHandle handle) => handle.Use(static conn => NativeMethods.virConnectIsAlive(conn) == 1);

    /// <summary>One bulk <c>virConnectGetAllDomainStats</c> over every domain.</summary>
    /// <remarks>The QEMU driver fails the whole bulk call when one domain fails (e.g. its monitor closes because the
    /// domain is being destroyed); then, if the connection is alive, the stats are fetched per domain list instead,
    /// skipping only the domains that fail.</remarks>
    public static List<DomainStats> GetAllStats(ConnectionHandle handle, StatsGroups groups, uint flags)
    {
        try
        {
            return GetAllStatsOnce(handle, groups, flags);
        }
        catch (LibvirtException e) when (!e.IsConnectionError || IsAlive(handle))
        {
            return GetStatsChunked(handle, null, groups, flags, 1);
        }
    }

    private static List<DomainStats> GetAllStatsOnce(ConnectionHandle handle, StatsGroups groups, uint flags) => handle.Use(conn =>
    {
        NativeMethods.virResetLastError();
        var n = NativeMethods.virConnectGetAllDomainStats(conn, (uint)groups, out var list, flags);
        try
        {
            if (n < 0)
            {
                throw LibvirtErrors.Last("virConnectGetAllDomainStats");
            }

            return DecodeRecordList(list, n);
        }
        finally
        {
            if (list != IntPtr.Zero)
            {
                NativeMethods.virDomainStatsRecordListFree(list);
            }
        }
    });

    /// <summary>
    /// Splits <paramref name="count"/> domains (at least 1) into at most <paramref name="chunks"/> slices of
    /// <c>size</c> domains (the last may be shorter) and never an empty one: 5 domains in 4 chunks are 2+2+1, not
    /// 2+2+1+0, because libvirt rejects an empty doms array in <c>virDomainListGetStats</c> (VIR_ERR_INVALID_ARG).
    /// </summary>
    internal static (int Size, int Count) ChunkLayout(int count, int chunks)
    {
        var wanted = Math.Clamp(chunks, 1, count);
        var size = (count + wanted - 1) / wanted;
        return (size, (count + size - 1) / size);
    }

    /// <summary>
    /// Lists domains (<c>virConnectListAllDomains</c>, one RPC), keeps those in <paramref name="uuids"/> (all when null),
    /// splits them into <paramref name="chunks"/> and runs <c>virDomainListGetStats</c> for each chunk on its own thread.
    /// </summary>
    public static List<DomainStats> GetStatsChunked(ConnectionHandle handle, HashSet<string>? uuids, StatsGroups groups, uint flags, int chunks) => handle.Use(conn =>
    {
        NativeMethods.virResetLastError();
        var n = NativeMethods.virConnectListAllDomains(conn, out var array, 0);
        if (n < 0)
        {
            throw LibvirtErrors.Last("virConnectListAllDomains");
        }

        var all = new IntPtr[n];
        Marshal.Copy(array, all, 0, n);
        NativeMemory.Free((void*)array);
        try
        {
            var selected = new List<IntPtr>(n);
            foreach (var dom in all)
            {
                if (uuids is null || uuids.Contains(DomainIdentity.Read(dom).Uuid))
                {
                    selected.Add(dom);
                }
            }

            if (selected.Count == 0)
            {
                return [];
            }

            var (size, k) = ChunkLayout(selected.Count, chunks);
            var parts = new List<DomainStats>[k];
            var errors = new Exception?[k];
            var threads = new List<Thread>(k);
            for (var c = 0; c < k; c++)
            {
                var index = c;
                var slice = selected.Skip(c * size).Take(size).ToArray();
                void Work()
                {
                    try
                    {
                        parts[index] = ListGetStatsResilient(conn, slice, groups, flags);
                    }
#pragma warning disable CA1031 // collected and rethrown on the owning thread
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        errors[index] = e;
                    }
                }

                if (c == k - 1)
                {
                    Work();
                }
                else
                {
                    var t = new Thread(Work) { IsBackground = true, Name = "libvirt:chunk" };
                    t.Start();
                    threads.Add(t);
                }
            }

            foreach (var t in threads)
            {
                t.Join();
            }

            foreach (var e in errors)
            {
                if (e is not null)
                {
                    throw e is LibvirtException ? e : new LibvirtException("virDomainListGetStats failed", e);
                }
            }

            var result = new List<DomainStats>(selected.Count);
            foreach (var p in parts)
            {
                result.AddRange(p ?? []);
            }

            return result;
        }
        finally
        {
            foreach (var dom in all)
            {
                NativeMethods.virDomainFree(dom);
            }
        }
    });

    /// <summary>One <c>virDomainListGetStats</c>; when it fails on a live connection, each domain alone, skipping failures
    /// (a domain destroyed or crashing mid-call must not cost the others their statistics).</summary>
    private static List<DomainStats> ListGetStatsResilient(IntPtr conn, IntPtr[] doms, StatsGroups groups, uint flags)
    {
        try
        {
            return ListGetStats(doms, groups, flags);
        }
        catch (LibvirtException) when (doms.Length > 1 && NativeMethods.virConnectIsAlive(conn) == 1)
        {
            var result = new List<DomainStats>(doms.Length);
            foreach (var dom in doms)
            {
                try
                {
                    result.AddRange(ListGetStats([dom], groups, flags));
                }
                catch (LibvirtException) when (NativeMethods.virConnectIsAlive(conn) == 1)
                {
                    // This domain vanished or failed; the rest are still reported.
                }
            }

            return result;
        }
        catch (LibvirtException) when (doms.Length == 1 && NativeMethods.virConnectIsAlive(conn) == 1)
        {
            return [];
        }
    }

    private static List<DomainStats> ListGetStats(IntPtr[] doms, StatsGroups groups, uint flags)
    {
        NativeMethods.virResetLastError();
        var terminated = new IntPtr[doms.Length + 1];
        doms.CopyTo(terminated, 0);
        fixed (IntPtr* p = terminated)
        {
            var n = NativeMethods.virDomainListGetStats(p, (uint)groups, out var list, flags);
            try
            {
                if (n < 0)
                {
                    throw LibvirtErrors.Last("virDomainListGetStats");
                }

                return DecodeRecordList(list, n);
            }
            finally
            {
                if (list != IntPtr.Zero)
                {
                    NativeMethods.virDomainStatsRecordListFree(list);
                }
            }
        }
    }

    /// <summary>Decodes a NULL-terminated <c>virDomainStatsRecordPtr</c> array of at most <paramref name="n"/> records.</summary>
    public static List<DomainStats> DecodeRecordList(IntPtr list, int n)
    {
        var result = new List<DomainStats>(Math.Max(0, n));
        if (list == IntPtr.Zero)
        {
            return result;
        }

        var records = (VirDomainStatsRecord**)list;
        for (var i = 0; i < n && records[i] != null; i++)
        {
            var rec = records[i];
            var (uuid, name, id) = DomainIdentity.Read(rec->Dom);
            var count = Math.Max(0, rec->NParams);
            if (count > TypedParameterDecoder.MaxParameters)
            {
                throw new TypedParameterDecodeException($"domain {uuid} reports {count} parameters, more than {TypedParameterDecoder.MaxParameters}");
            }

            var raw = rec->Params == IntPtr.Zero ? [] : new ReadOnlySpan<byte>((void*)rec->Params, count * TypedParameterDecoder.ParameterSize);
            var parameters = TypedParameterDecoder.Decode(raw, rec->Params == IntPtr.Zero ? 0 : count, NativeStrings.Live);
            result.Add(new DomainStats(uuid, name, id, parameters));
        }

        return result;
    }

    public static HostInfo GetHostInfo(ConnectionHandle handle) => handle.Use(conn =>
    {
        NativeMethods.virResetLastError();
        if (NativeMethods.virNodeGetInfo(conn, out var info) < 0)
        {
            throw LibvirtErrors.Last("virNodeGetInfo");
        }

        var free = NativeMethods.virNodeGetFreeMemory(conn);
        if (free == 0)
        {
            NativeMethods.virResetLastError();
        }

        if (NativeMethods.virConnectGetLibVersion(conn, out var lib) < 0)
        {
            throw LibvirtErrors.Last("virConnectGetLibVersion");
        }

        if (NativeMethods.virConnectGetVersion(conn, out var hv) < 0)
        {
            throw LibvirtErrors.Last("virConnectGetVersion");
        }

        var type = NativeStrings.Read(NativeMethods.virConnectGetType(conn), 256) ?? throw LibvirtErrors.Last("virConnectGetType");
        var hostPtr = NativeMethods.virConnectGetHostname(conn);
        if (hostPtr == IntPtr.Zero)
        {
            throw LibvirtErrors.Last("virConnectGetHostname");
        }

        string hostname;
        try
        {
            hostname = NativeStrings.Read(hostPtr, 1024) ?? string.Empty;
        }
        finally
        {
            NativeMemory.Free((void*)hostPtr);
        }

        var model = TypedParameterDecoder.DecodeUtf8(new ReadOnlySpan<byte>(info.Model, 32).TrimEnd((byte)0));
        var nul = model.IndexOf('\0', StringComparison.Ordinal);
        return new HostInfo(
            hostname,
            HostInfo.FormatVersion(lib),
            type,
            HostInfo.FormatVersion(hv),
            (int)info.Cpus,
            (int)info.Mhz,
            (int)info.Sockets,
            (int)info.Cores,
            (int)info.Threads,
            (long)info.MemoryKiB * 1024,
            (long)free)
        {
            NumaNodes = (int)info.Nodes,
            CpuModel = nul >= 0 ? model[..nul] : model,
        };
    });

    public static string GetDomainXml(ConnectionHandle handle, string uuid) => handle.Use(conn =>
    {
        NativeMethods.virResetLastError();
        var dom = NativeMethods.virDomainLookupByUUIDString(conn, uuid);
        if (dom == IntPtr.Zero)
        {
            throw LibvirtErrors.Last("virDomainLookupByUUIDString(" + uuid + ")");
        }

        try
        {
            // flags 0: no VIR_DOMAIN_XML_SECURE, which a read-only connection may not use.
            var xml = NativeMethods.virDomainGetXMLDesc(dom, 0);
            if (xml == IntPtr.Zero)
            {
                throw LibvirtErrors.Last("virDomainGetXMLDesc(" + uuid + ")");
            }

            try
            {
                return NativeStrings.Read(xml, MaxXmlBytes) ?? string.Empty;
            }
            finally
            {
                NativeMemory.Free((void*)xml);
            }
        }
        finally
        {
            NativeMethods.virDomainFree(dom);
        }
    });
}
