namespace KvmMetrics.Cgroups.Discovery;

/// <summary>The identity of a running libvirt domain, as the exporter labels it.</summary>
/// <param name="Uuid">The libvirt UUID.</param>
/// <param name="Name">The domain name (used for the pid file and the scope name).</param>
/// <param name="Id">The domain id (part of the scope name; changes on every start).</param>
public sealed record DomainIdentity(string Uuid, string Name, int Id);

/// <summary>How a domain's cgroup tree is laid out.</summary>
public enum ScopeLayout
{
    /// <summary>systemd with libvirt ≥ 7.1: <c>machine.slice/machine-qemu\x2d…scope/libvirt/{emulator,vcpuN,iothreadN}</c>.</summary>
    SystemdNested,

    /// <summary>systemd with libvirt &lt; 7.1: <c>{emulator,vcpuN}</c> directly under the scope.</summary>
    SystemdFlat,

    /// <summary>No systemd (libvirt's own cgroupfs backend): <c>machine/qemu-&lt;id&gt;-&lt;name&gt;.libvirt-qemu/{emulator,vcpuN}</c>.</summary>
    Cgroupfs,
}

/// <summary>Where a domain's cgroup is.</summary>
/// <param name="ScopePath">The scope directory (absolute, under the cgroup2 root).</param>
/// <param name="DomainPath">
/// The directory holding the domain's totals, limits and thread children: <c>ScopePath/libvirt</c> in the
/// nested systemd layout (libvirt ≥ 7.1 applies its tuning there because systemd owns the scope), the scope itself otherwise.
/// </param>
/// <param name="RelativePath">The domain directory relative to the cgroup2 root, starting with '/'.</param>
/// <param name="Layout">The layout found.</param>
/// <param name="ResolvedBy"><c>pid</c> when found from the QEMU pid, <c>name</c> when from the naming rules.</param>
public sealed record DomainScope(string ScopePath, string DomainPath, string RelativePath, ScopeLayout Layout, string ResolvedBy)
{
    /// <summary>The layout as a label value: <c>systemd</c>, <c>systemd_flat</c> or <c>cgroupfs</c>.</summary>
    public string LayoutLabel => Layout switch
    {
        ScopeLayout.SystemdNested => "systemd",
        ScopeLayout.SystemdFlat => "systemd_flat",
        _ => "cgroupfs",
    };
}

/// <summary>Why a domain has no scope (label values of <c>kvm_cgroup_found{reason}</c>).</summary>
public static class ScopeMissingReason
{
    /// <summary>Found.</summary>
    public const string Found = "found";

    /// <summary>There is no cgroup2 hierarchy (v1-only host or a wrong <c>--path.cgroup</c>).</summary>
    public const string NoCgroup2 = "no_cgroup2";

    /// <summary>Neither the pid nor the naming rules led to an existing directory.</summary>
    public const string NoScope = "no_scope";

    /// <summary>The pid file exists but cannot be read (permissions), and the naming rules found nothing.</summary>
    public const string PidUnreadable = "pid_unreadable";

    /// <summary>The pid was read but <c>/proc/&lt;pid&gt;/cgroup</c> could not be, and the naming rules found nothing.</summary>
    public const string ProcUnreadable = "proc_unreadable";
}

/// <summary>The outcome of resolving one domain.</summary>
/// <param name="Scope">The scope, or null.</param>
/// <param name="Reason"><see cref="ScopeMissingReason.Found"/> or why not.</param>
/// <param name="Detail">A sentence for logs (paths tried, error message).</param>
public sealed record ScopeResolution(DomainScope? Scope, string Reason, string Detail);
