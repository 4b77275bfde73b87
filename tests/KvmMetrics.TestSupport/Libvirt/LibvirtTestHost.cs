using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace KvmMetrics.TestSupport.Libvirt;

/// <summary>
/// The local libvirtd that integration tests share. <see cref="Require"/> makes sure it runs (starting it with
/// <c>scripts/libvirtd.sh</c> when possible), gives the guests' QEMU (user libvirt-qemu) access to /dev/kvm the way
/// Debian's udev rule does (group kvm, mode 0660), and removes stale test guests left by crashed runs.
/// Locally a missing libvirt skips the test; under CI=true it fails it.
/// </summary>
public sealed partial class LibvirtTestHost
{
    /// <summary>Directory holding the test guests' disk images (readable by libvirt-qemu; libvirt chowns them).</summary>
    public const string ImagesRoot = "/var/lib/libvirt/images";

    /// <summary>Guest names start with this prefix followed by 8 hex digits and the kind.</summary>
    public const string NamePrefix = "kmt-";

    private static readonly Lazy<(LibvirtTestHost? Host, string? Problem)> Shared = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    private LibvirtTestHost(string domainType) => DomainType = domainType;

    /// <summary>The connection URI (<c>qemu:///system</c>).</summary>
    public string Uri => Virsh.Uri;

    /// <summary><c>qemu</c> (TCG), or <c>kvm</c> when <c>KMT_GUEST_DOMAIN_TYPE=kvm</c> and /dev/kvm is usable by QEMU.</summary>
    public string DomainType { get; }

    /// <summary>True when guests run under KVM (not TCG emulation).</summary>
    public bool IsKvm => DomainType == "kvm";

    /// <summary>True when /dev/kvm is usable by QEMU (fixing its group/mode first when root), for guests that set
    /// <see cref="GuestOptions.DomainType"/> to <c>kvm</c> to expose the KVM-only statistics (<c>vm.*</c>, per-vCPU KVM counters).</summary>
    public bool KvmUsable => KvmAccess.Value;

    private static readonly Lazy<bool> KvmAccess = new(() => !OperatingSystem.IsWindows() && EnsureKvmAccess());

    /// <summary>Returns the shared host, or skips (locally) / fails (CI) the calling test when libvirt is unavailable.</summary>
    public static LibvirtTestHost Require()
    {
        Requirements.RequireTool("virsh");
        var (host, problem) = Shared.Value;
        Requirements.Require(host is not null, problem ?? "libvirtd");
        return host!;
    }

    /// <summary>The pid of the running libvirtd, or null.</summary>
    public static int? DaemonPid()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == "libvirtd")
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // process exited while we looked
            }
            catch (UnauthorizedAccessException)
            {
                // not ours to read
            }
        }

        return null;
    }

    /// <summary>
    /// SIGSTOPs libvirtd and returns a handle whose disposal SIGCONTs it. Other tests share the daemon, so the stop is
    /// capped: a timer resumes it after <paramref name="maxDuration"/> (at most 5 s) even if the caller forgets.
    /// </summary>
    public static IDisposable FreezeDaemon(TimeSpan maxDuration)
    {
        var pid = DaemonPid() ?? throw new InvalidOperationException("libvirtd is not running");
        var cap = maxDuration > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : maxDuration;
        Signal(pid, "STOP");
        return new Frozen(pid, cap);
    }

    /// <summary>Stops libvirtd with <c>scripts/libvirtd.sh stop</c> (disruptive: only in non-parallel tests).</summary>
    public static Task StopDaemonAsync() => Script("stop");

    /// <summary>Starts libvirtd with <c>scripts/libvirtd.sh start</c> (idempotent).</summary>
    public static Task StartDaemonAsync() => Script("start");

    /// <summary>Destroys and undefines <c>kmt-*</c> guests whose image directory is missing or older than <paramref name="olderThan"/>,
    /// and deletes such orphaned image directories. Guests of concurrently running tests are younger and stay.</summary>
    public static async Task CleanupStaleAsync(TimeSpan olderThan)
    {
        var (code, stdout, _) = await Virsh.TryRunAsync(["list", "--all", "--name"]).ConfigureAwait(false);
        if (code != 0)
        {
            return;
        }

        var cutoff = DateTime.UtcNow - olderThan;
        foreach (var name in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var m = GuestName().Match(name);
            if (!m.Success)
            {
                continue;
            }

            var dir = Path.Combine(ImagesRoot, NamePrefix + m.Groups[1].Value);
            if (Directory.Exists(dir) && Directory.GetLastWriteTimeUtc(dir) > cutoff)
            {
                continue;
            }

            await Virsh.TryRunAsync(["destroy", name]).ConfigureAwait(false);
            await Virsh.TryRunAsync(["undefine", name]).ConfigureAwait(false);
            TryDelete(dir);
        }

        if (Directory.Exists(ImagesRoot))
        {
            foreach (var dir in Directory.EnumerateDirectories(ImagesRoot, NamePrefix + "*"))
            {
                if (Directory.GetLastWriteTimeUtc(dir) < cutoff)
                {
                    TryDelete(dir);
                }
            }
        }
    }

    internal static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        catch (IOException)
        {
            // left for the next stale cleanup
        }
        catch (UnauthorizedAccessException)
        {
            // left for the next stale cleanup
        }
    }

    private static (LibvirtTestHost?, string?) Initialize()
    {
        if (!Answers())
        {
            if (Environment.UserName == "root")
            {
                Script("start").GetAwaiter().GetResult();
            }

            if (!Answers())
            {
                return (null, "libvirtd answering at qemu:///system (bash scripts/libvirtd.sh start)");
            }
        }

        // TCG by default: measured on this nested-KVM machine (21 Nov 2026), a kvm guest's SeaBIOS never reached the boot
        // sector within 30 s while a TCG guest booted in under 4 s. KMT_GUEST_DOMAIN_TYPE=kvm opts in where KVM works.
        var wanted = Environment.GetEnvironmentVariable("KMT_GUEST_DOMAIN_TYPE");
        var type = wanted == "kvm" && !OperatingSystem.IsWindows() && EnsureKvmAccess() ? "kvm" : "qemu";
        CleanupStaleAsync(TimeSpan.FromHours(1)).GetAwaiter().GetResult();
        return (new LibvirtTestHost(type), null);
    }

    private static bool Answers() =>
        Virsh.TryRunAsync(["version"], TimeSpan.FromSeconds(15)).GetAwaiter().GetResult().Code == 0;

    /// <summary>
    /// QEMU runs as libvirt-qemu (group kvm). Without systemd/udev nothing sets /dev/kvm to root:kvm 0660, so QEMU
    /// fails with "Could not access KVM kernel module: Permission denied"; apply udev's rule once as root.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static bool EnsureKvmAccess()
    {
        const string dev = "/dev/kvm";
        if (!File.Exists(dev))
        {
            return false;
        }

        if (Environment.UserName == "root")
        {
            ProcessRunner.RunAsync("chgrp", ["kvm", dev], TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            var mode = File.GetUnixFileMode(dev);
            File.SetUnixFileMode(dev, mode | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        }

        var m = File.GetUnixFileMode(dev);
        return m.HasFlag(UnixFileMode.OtherRead | UnixFileMode.OtherWrite)
            || (m.HasFlag(UnixFileMode.GroupRead | UnixFileMode.GroupWrite) && GroupOf(dev) == "kvm");
    }

    private static string? GroupOf(string path)
    {
        var (code, stdout, _) = ProcessRunner.RunAsync("stat", ["-c", "%G", path], TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        return code == 0 ? stdout.Trim() : null;
    }

    private static async Task Script(string verb)
    {
        var (code, _, stderr) = await ProcessRunner.RunAsync("bash", [RepoPaths.InRepo("scripts", "libvirtd.sh"), verb], TimeSpan.FromSeconds(90)).ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException($"scripts/libvirtd.sh {verb} failed ({code}): {stderr.Trim()}");
        }
    }

    private static void Signal(int pid, string signal)
    {
        using var p = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("could not run kill");
        p.WaitForExit();
    }

    [GeneratedRegex("^kmt-([0-9a-f]{8})-")]
    private static partial Regex GuestName();

    private sealed class Frozen : IDisposable
    {
        private readonly int _pid;
        private readonly Timer _safety;
        private int _resumed;

        public Frozen(int pid, TimeSpan cap)
        {
            _pid = pid;
            _safety = new Timer(_ => Resume(), null, cap, Timeout.InfiniteTimeSpan);
        }

        public void Dispose()
        {
            Resume();
            _safety.Dispose();
        }

        private void Resume()
        {
            if (Interlocked.Exchange(ref _resumed, 1) == 0)
            {
                Signal(_pid, "CONT");
            }
        }
    }
}
