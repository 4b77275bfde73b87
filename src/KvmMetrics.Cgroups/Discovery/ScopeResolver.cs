using System.Globalization;
using System.Text.RegularExpressions;

namespace KvmMetrics.Cgroups.Discovery;

/// <summary>
/// Finds a running domain's cgroup: first from the QEMU pid (libvirt's pid file, then the <c>0::</c>
/// line of <c>/proc/&lt;pid&gt;/cgroup</c>), then from libvirt's naming rules (well-known partitions,
/// then a bounded search for custom partitions). Stateless; <see cref="ScopeCache"/> remembers results.
/// </summary>
public sealed partial class ScopeResolver
{
    /// <summary>How deep the fallback search goes below the root (custom partitions are nested slices).</summary>
    public const int MaxSearchDepth = 4;

    private readonly HostPaths _paths;
    private readonly string? _root;

    /// <summary>Creates a resolver over <paramref name="cgroupRoot"/> (null when the host has no cgroup2).</summary>
    public ScopeResolver(HostPaths paths, string? cgroupRoot)
    {
        ArgumentNullException.ThrowIfNull(paths);
        _paths = paths;
        _root = cgroupRoot;
    }

    /// <summary>The cgroup2 root in use, or null.</summary>
    public string? Root => _root;

    /// <summary>Resolves one domain. Never throws on file-system content.</summary>
    public ScopeResolution Resolve(DomainIdentity domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (_root is null)
        {
            return new ScopeResolution(null, ScopeMissingReason.NoCgroup2, "no cgroup2 hierarchy");
        }

        var pidOutcome = FromPid(domain, out var scope);
        if (scope is not null)
        {
            return new ScopeResolution(scope, ScopeMissingReason.Found, "from the QEMU pid");
        }

        scope = FromNames(domain);
        if (scope is not null)
        {
            return new ScopeResolution(scope, ScopeMissingReason.Found, "from libvirt's naming rules (" + pidOutcome.Detail + ")");
        }

        return new ScopeResolution(null, pidOutcome.Reason, pidOutcome.Detail + "; no scope directory matches the naming rules");
    }

    /// <summary>
    /// Turns the path from a <c>0::</c> line into the scope: strips a thread child
    /// (<c>emulator</c>, <c>vcpuN</c>, <c>iothreadN</c>) and then a <c>libvirt</c> directory.
    /// Returns null when the path does not name this domain (a stale pid file reused by another process).
    /// </summary>
    public static string? ScopeFromProcPath(string cgroupPath, DomainIdentity domain)
    {
        ArgumentNullException.ThrowIfNull(cgroupPath);
        ArgumentNullException.ThrowIfNull(domain);
        var parts = cgroupPath.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (parts.Count > 0 && IsThreadDirectory(parts[^1]))
        {
            parts.RemoveAt(parts.Count - 1);
        }

        if (parts.Count > 0 && parts[^1] == "libvirt")
        {
            parts.RemoveAt(parts.Count - 1);
        }

        if (parts.Count == 0)
        {
            return null;
        }

        var id = domain.Id.ToString(CultureInfo.InvariantCulture);
        var leaf = parts[^1];
        var ours = leaf.StartsWith("qemu-" + id + "-", StringComparison.Ordinal)
            || leaf.StartsWith(@"machine-qemu\x2d" + id + @"\x2d", StringComparison.Ordinal);
        return ours && !parts.Any(p => p is "." or "..") ? "/" + string.Join('/', parts) : null;
    }

    /// <summary>True for the thread cgroups libvirt creates: <c>emulator</c>, <c>vcpuN</c>, <c>iothreadN</c>.</summary>
    public static bool IsThreadDirectory(string name) => name == "emulator" || ThreadDirectoryRegex().IsMatch(name);

    [GeneratedRegex("^(vcpu|iothread)[0-9]{1,6}$", RegexOptions.CultureInvariant)]
    private static partial Regex ThreadDirectoryRegex();

    private (string Reason, string Detail) FromPid(DomainIdentity domain, out DomainScope? scope)
    {
        scope = null;
        var pidFile = Path.Combine(_paths.RunDir, domain.Name + ".pid");
        if (domain.Name.Contains('/', StringComparison.Ordinal) || domain.Name is "." or "..")
        {
            return (ScopeMissingReason.NoScope, "domain name is not a file name");
        }

        string pidText;
        try
        {
            pidText = File.ReadAllText(pidFile);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (ScopeMissingReason.NoScope, $"no pid file {pidFile}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (ScopeMissingReason.PidUnreadable, $"cannot read {pidFile}: {e.Message}");
        }

        if (!int.TryParse(pidText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            return (ScopeMissingReason.PidUnreadable, $"{pidFile} does not hold a pid");
        }

        var procFile = Path.Combine(_paths.ProcRoot, pid.ToString(CultureInfo.InvariantCulture), "cgroup");
        string procText;
        try
        {
            procText = File.ReadAllText(procFile);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (ScopeMissingReason.NoScope, $"pid {pid} has exited (no {procFile})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (ScopeMissingReason.ProcUnreadable, $"cannot read {procFile}: {e.Message}");
        }

        var line = procText.Split('\n').FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal));
        if (line is null)
        {
            return (ScopeMissingReason.NoScope, $"{procFile} has no cgroup2 ('0::') line");
        }

        var relative = ScopeFromProcPath(line[3..], domain);
        if (relative is null)
        {
            return (ScopeMissingReason.NoScope, $"pid {pid} is in '{line[3..]}', not a scope of domain id {domain.Id}");
        }

        scope = Describe(Path.Combine(_root!, relative.TrimStart('/')), "pid");
        return scope is null
            ? (ScopeMissingReason.NoScope, $"pid {pid} names {relative}, which does not exist under {_root}")
            : (ScopeMissingReason.Found, "pid");
    }

    private DomainScope? FromNames(DomainIdentity domain)
    {
        var candidates = MachineNames.ScopeDirectoryCandidates(domain.Id, domain.Name);

        // The default partitions first: /machine.slice (systemd) and /machine (cgroupfs).
        foreach (var partition in new[] { "machine.slice", "machine" })
        {
            foreach (var candidate in candidates)
            {
                var dir = Path.Combine(_root!, partition, candidate);
                if (Directory.Exists(dir))
                {
                    return Describe(dir, "name");
                }
            }
        }

        // Custom partitions (<resource><partition>/machine/tenant1</partition>) nest below: search them.
        var level = new List<string> { _root! };
        for (var depth = 0; depth < MaxSearchDepth && level.Count > 0; depth++)
        {
            var next = new List<string>();
            foreach (var dir in level)
            {
                foreach (var child in SafeSubdirectories(dir))
                {
                    var name = Path.GetFileName(child);
                    if (candidates.Contains(name, StringComparer.Ordinal))
                    {
                        return Describe(child, "name");
                    }

                    // Do not walk into other domains' scopes or thread cgroups: they hold no partitions.
                    if (!IsThreadDirectory(name) && !name.EndsWith(".scope", StringComparison.Ordinal)
                        && !name.EndsWith(".libvirt-qemu", StringComparison.Ordinal) && name != "libvirt")
                    {
                        next.Add(child);
                    }
                }
            }

            level = next;
        }

        return null;
    }

    private DomainScope? Describe(string scopePath, string resolvedBy)
    {
        if (!Directory.Exists(scopePath))
        {
            return null;
        }

        var nested = Path.Combine(scopePath, "libvirt");
        var isSystemd = scopePath.EndsWith(".scope", StringComparison.Ordinal);
        var (domainPath, layout) = Directory.Exists(nested)
            ? (nested, ScopeLayout.SystemdNested)
            : (scopePath, isSystemd ? ScopeLayout.SystemdFlat : ScopeLayout.Cgroupfs);
        var relative = "/" + Path.GetRelativePath(_root!, domainPath);
        return new DomainScope(scopePath, domainPath, relative, layout, resolvedBy);
    }

    private static IEnumerable<string> SafeSubdirectories(string dir)
    {
        try
        {
            return Directory.GetDirectories(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
