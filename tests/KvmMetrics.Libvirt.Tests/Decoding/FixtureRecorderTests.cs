using System.Buffers.Binary;
using System.Runtime.InteropServices;
using KvmMetrics.Libvirt.Decoding;
using KvmMetrics.Libvirt.Native;
using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Libvirt;

namespace KvmMetrics.Libvirt.Tests.Decoding;

/// <summary>
/// Records the decoder fixtures from the live libvirtd: <c>UPDATE_GOLDEN=1 dotnet test tests/KvmMetrics.Libvirt.Tests
/// --filter FullyQualifiedName~FixtureRecorder</c>. Writes, per guest kind, the raw parameter array
/// (<c>testdata/stats/KIND.params.bin</c>), its decoding (<c>KIND.json</c>) and <c>virsh domstats</c> of the same
/// guest (<c>KIND.virsh.txt</c>), which the decoder tests check against each other.
/// </summary>
public sealed class FixtureRecorderTests
{
    // A tool, not a test: scripts/test.sh excludes Category=Tool, so it never shows up as a skipped test.
    [SkippableFact]
    [Trait("Category", "Tool")]
    public async Task RecordFixtures_FromLiveLibvirtd()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1", "fixtures are re-recorded only with UPDATE_GOLDEN=1");
        var host = LibvirtTestHost.Require();
        var dir = RepoPaths.InRepo("tests", "KvmMetrics.Libvirt.Tests", "testdata", "stats");
        Directory.CreateDirectory(dir);
        var guests = new List<(string Label, TestGuest Guest)>();
        try
        {
            guests.Add(("running-idle", await GuestFactory.CreateAsync(host, GuestKind.Idle, new GuestOptions { Network = true, Vcpus = 2 })));
            guests.Add(("paused-hostile-name", await GuestFactory.CreateAsync(host, GuestKind.Idle, new GuestOptions { Paused = true, NameSuffix = "-\"q\\u\u00fc\u00df" })));
            guests.Add(("inactive", await GuestFactory.CreateAsync(host, GuestKind.Idle, new GuestOptions { DefineOnly = true })));
            if (host.KvmUsable)
            {
                // KVM guests add the KVM-only counters (vm.*, vcpu.N.*.sum); their BIOS need not boot for that.
                guests.Add(("running-kvm", await GuestFactory.CreateAsync(host, GuestKind.Spin, new GuestOptions { DomainType = "kvm", Network = true })));
            }

            await Task.Delay(TimeSpan.FromSeconds(3));
            var all = new List<DomainStats>();
            foreach (var (label, guest) in guests)
            {
                var (blob, stats) = Capture(host.Uri, guest.Uuid);
                await File.WriteAllBytesAsync(Path.Combine(dir, label + ".params.bin"), blob.Write());
                await File.WriteAllTextAsync(Path.Combine(dir, label + ".json"), DomainStatsJson.Serialize([stats]));
                var virsh = await Virsh.RunAsync(["domstats", "--raw", guest.Uuid]);
                await File.WriteAllTextAsync(Path.Combine(dir, label + ".virsh.txt"), virsh);
                all.Add(stats);
            }
        }
        finally
        {
            await GuestFactory.DisposeAllAsync(guests.Select(g => g.Guest));
        }
    }

    /// <summary>One <c>virDomainListGetStats</c> for a domain, returning the raw array (pointers rewritten) and its live decoding.</summary>
    private static unsafe (ParameterBlob Blob, DomainStats Stats) Capture(string uri, string uuid)
    {
        LibvirtRuntime.EnsureInitialized();
        var conn = NativeMethods.virConnectOpenReadOnly(uri);
        Assert.NotEqual(IntPtr.Zero, conn);
        var dom = NativeMethods.virDomainLookupByUUIDString(conn, uuid);
        try
        {
            Assert.NotEqual(IntPtr.Zero, dom);
            var doms = stackalloc IntPtr[2] { dom, IntPtr.Zero };
            var n = NativeMethods.virDomainListGetStats(doms, (uint)StatsGroups.All, out var list, NativeMethods.StatsNoWait);
            Assert.Equal(1, n);
            try
            {
                var rec = *(VirDomainStatsRecord**)list;
                var raw = new ReadOnlySpan<byte>((void*)rec->Params, rec->NParams * TypedParameterDecoder.ParameterSize).ToArray();
                var strings = new MemoryStream();
                for (var i = 0; i < rec->NParams; i++)
                {
                    var e = raw.AsSpan(i * TypedParameterDecoder.ParameterSize);
                    if (BinaryPrimitives.ReadInt32LittleEndian(e[TypedParameterDecoder.TypeOffset..]) == (int)TypedParameterType.String)
                    {
                        var p = (IntPtr)BinaryPrimitives.ReadInt64LittleEndian(e[TypedParameterDecoder.ValueOffset..]);
                        var bytes = p == IntPtr.Zero ? [] : MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)p).ToArray();
                        BinaryPrimitives.WriteUInt64LittleEndian(e[TypedParameterDecoder.ValueOffset..], p == IntPtr.Zero ? 0 : (ulong)strings.Length + 1);
                        strings.Write(bytes);
                        strings.WriteByte(0);
                    }
                }

                var stats = NativeOperations.DecodeRecordList(list, n)[0];
                return (new ParameterBlob(raw, rec->NParams, strings.ToArray()), stats);
            }
            finally
            {
                NativeMethods.virDomainStatsRecordListFree(list);
            }
        }
        finally
        {
            if (dom != IntPtr.Zero)
            {
                NativeMethods.virDomainFree(dom);
            }

            NativeMethods.virConnectClose(conn);
        }
    }
}
