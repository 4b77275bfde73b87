namespace KvmMetrics.Cgroups.Discovery;

/// <summary>
/// Where the host's pseudo file systems are, so the same code reads the real host, a host mounted
/// into a container (<c>/host/proc</c>, <c>/host/sys</c>) or a fixture tree in a test.
/// </summary>
/// <param name="ProcRoot">procfs (default <c>/proc</c>): <c>self/mountinfo</c> and <c>&lt;pid&gt;/cgroup</c>.</param>
/// <param name="SysRoot">sysfs (default <c>/sys</c>): <c>dev/block/MAJ:MIN</c>; a cgroup2 mount point under <c>/sys</c> found in mountinfo is re-rooted here.</param>
/// <param name="RunDir">libvirt's QEMU run directory holding <c>&lt;name&gt;.pid</c> (default <c>/var/run/libvirt/qemu</c>).</param>
/// <param name="CgroupRoot">The cgroup2 mount to use; null discovers it from mountinfo.</param>
public sealed record HostPaths(string ProcRoot, string SysRoot, string RunDir, string? CgroupRoot)
{
    /// <summary>The real host's paths with cgroup2 discovered.</summary>
    public static HostPaths Default { get; } = new("/proc", "/sys", "/var/run/libvirt/qemu", null);

    /// <summary>All four paths under one root directory (a fixture tree shaped like <c>/</c>).</summary>
    public static HostPaths UnderRoot(string root) => new(
        Path.Combine(root, "proc"), Path.Combine(root, "sys"), Path.Combine(root, "var", "run", "libvirt", "qemu"), null);
}
