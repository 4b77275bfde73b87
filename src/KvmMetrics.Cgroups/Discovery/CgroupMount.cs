using System.Text;

namespace KvmMetrics.Cgroups.Discovery;

/// <summary>Finds the cgroup v2 hierarchy from <c>/proc/self/mountinfo</c>.</summary>
public static class CgroupMount
{
    /// <summary>
    /// Returns the cgroup2 mount points listed in <paramref name="mountinfo"/> (proc(5) format: the
    /// file system type is the first field after the " - " separator), in file order. Lines that do
    /// not have that shape are skipped, so arbitrary text never throws.
    /// </summary>
    public static IReadOnlyList<string> FindCgroup2MountPoints(string mountinfo)
    {
        var result = new List<string>();
        foreach (var line in (mountinfo ?? string.Empty).Split('\n'))
        {
            var fields = line.Split(' ');
            var separator = Array.IndexOf(fields, "-");
            if (separator < 6 || separator + 1 >= fields.Length || fields[separator + 1] != "cgroup2")
            {
                continue;
            }

            result.Add(Unescape(fields[4]));
        }

        return result;
    }

    /// <summary>
    /// Picks the mount to read: a pure v2 host mounts cgroup2 at <c>/sys/fs/cgroup</c>, a hybrid host
    /// (systemd "hybrid" mode, or this project's test machines) at <c>/sys/fs/cgroup/unified</c>;
    /// anything else is a custom mount, used when it is the only one.
    /// </summary>
    public static string? Choose(IReadOnlyList<string> mountPoints)
    {
        foreach (var preferred in new[] { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" })
        {
            if (mountPoints.Contains(preferred, StringComparer.Ordinal))
            {
                return preferred;
            }
        }

        return mountPoints.Count > 0 ? mountPoints[0] : null;
    }

    /// <summary>
    /// Discovers the cgroup2 directory for <paramref name="paths"/>: the explicit root when given,
    /// otherwise the mount from <c>&lt;proc&gt;/self/mountinfo</c>, re-rooted under <see cref="HostPaths.SysRoot"/>
    /// when it lies under <c>/sys</c>. Returns null (with the reason) when there is none.
    /// </summary>
    public static string? Discover(HostPaths paths, out string reason)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.CgroupRoot is { Length: > 0 } explicitRoot)
        {
            reason = Directory.Exists(explicitRoot) ? "configured" : $"configured cgroup root '{explicitRoot}' does not exist";
            return Directory.Exists(explicitRoot) ? explicitRoot : null;
        }

        var mountinfoPath = Path.Combine(paths.ProcRoot, "self", "mountinfo");
        string text;
        try
        {
            text = File.ReadAllText(mountinfoPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = $"cannot read {mountinfoPath}: {e.Message}";
            return null;
        }

        var chosen = Choose(FindCgroup2MountPoints(text));
        if (chosen is null)
        {
            reason = $"no cgroup2 mount in {mountinfoPath} (cgroup v1 only host)";
            return null;
        }

        var local = Reroot(chosen, paths.SysRoot);
        if (!Directory.Exists(local))
        {
            reason = $"cgroup2 mount {chosen} (as {local}) does not exist";
            return null;
        }

        reason = "mountinfo";
        return local;
    }

    /// <summary>Maps a host mount point under <c>/sys</c> to the configured sysfs root.</summary>
    public static string Reroot(string mountPoint, string sysRoot)
    {
        ArgumentNullException.ThrowIfNull(mountPoint);
        if (sysRoot is "/sys" or "/sys/")
        {
            return mountPoint;
        }

        return mountPoint == "/sys" ? sysRoot
            : mountPoint.StartsWith("/sys/", StringComparison.Ordinal) ? Path.Combine(sysRoot, mountPoint["/sys/".Length..])
            : mountPoint;
    }

    // mountinfo escapes space, tab, newline and backslash as \ooo octal (fs/proc_namespace.c mangle()).
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var sb = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length
                && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                sb.Append((char)(((field[i + 1] - '0') * 64) + ((field[i + 2] - '0') * 8) + (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                sb.Append(field[i]);
            }
        }

        return sb.ToString();
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
