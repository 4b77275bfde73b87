using KvmMetrics.Cgroups.Discovery;

namespace KvmMetrics.Exporter.Collectors.Cgroup;

/// <summary>
/// Validated settings of the cgroup collector. Build with <see cref="Create"/>, which rejects relative
/// or missing paths with a message naming the flag and the fix.
/// </summary>
public sealed class CgroupCollectorOptions
{
    /// <summary>Default directory of libvirt's QEMU pid files.</summary>
    public const string DefaultRunDir = "/var/run/libvirt/qemu";

    private CgroupCollectorOptions(HostPaths paths, TimeSpan retryInterval)
    {
        Paths = paths;
        RetryInterval = retryInterval;
    }

    /// <summary>The host paths (cgroup root null = discover from mountinfo).</summary>
    public HostPaths Paths { get; }

    /// <summary>How long a missing cgroup2 mount or domain scope is remembered before looking again.</summary>
    public TimeSpan RetryInterval { get; }

    /// <summary>
    /// Validates and builds options. <paramref name="cgroupPath"/> (<c>--path.cgroup</c>) may be null to
    /// discover the cgroup2 mount; when given it must be an existing absolute directory.
    /// <paramref name="procPath"/> (<c>--path.proc</c>) must exist; <paramref name="sysPath"/> (<c>--path.sys</c>)
    /// and <paramref name="runDir"/> must be absolute (they may be missing: device names then fall back to
    /// MAJ:MIN and scopes to the naming rules).
    /// </summary>
    /// <exception cref="ArgumentException">A path is invalid; the message names the flag.</exception>
    public static CgroupCollectorOptions Create(string? cgroupPath, string procPath = "/proc", string sysPath = "/sys",
        string runDir = DefaultRunDir, TimeSpan? retryInterval = null)
    {
        if (cgroupPath is not null)
        {
            RequireAbsolute(cgroupPath, "--path.cgroup");
            if (!Directory.Exists(cgroupPath))
            {
                throw new ArgumentException(
                    $"--path.cgroup '{cgroupPath}' does not exist; point it at the cgroup v2 mount (e.g. /sys/fs/cgroup) or omit it to discover the mount.",
                    nameof(cgroupPath));
            }
        }

        RequireAbsolute(procPath, "--path.proc");
        if (!Directory.Exists(procPath))
        {
            throw new ArgumentException($"--path.proc '{procPath}' does not exist; point it at procfs (default /proc).", nameof(procPath));
        }

        RequireAbsolute(sysPath, "--path.sys");
        RequireAbsolute(runDir, "libvirt run directory");
        var retry = retryInterval ?? TimeSpan.FromSeconds(30);
        if (retry <= TimeSpan.Zero || retry > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"cgroup retry interval {retry} is outside (0, 1h].", nameof(retryInterval));
        }

        return new CgroupCollectorOptions(new HostPaths(procPath, sysPath, runDir, cgroupPath), retry);
    }

    private static void RequireAbsolute(string? path, string flag)
    {
        if (string.IsNullOrWhiteSpace(path) || !Path.IsPathRooted(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{flag} '{path}' is not an absolute path; give a path starting with '/'.", nameof(path));
        }
    }
}
