using System.Globalization;
using System.Text;

namespace KvmMetrics.Cgroups.Discovery;

/// <summary>
/// The names libvirt gives a QEMU domain's cgroup, reproduced so a scope can be found without the
/// QEMU pid (fallback when the pid file is unreadable).
/// </summary>
public static class MachineNames
{
    /// <summary>libvirt's limit on the machine name, prefix included (virDomainMachineNameAppendValid).</summary>
    public const int MaxMachineNameLength = 64;

    /// <summary>
    /// The machine name of a privileged QEMU driver: <c>qemu-&lt;id&gt;-&lt;name&gt;</c>, as built by
    /// libvirt's <c>virDomainDriverGenerateMachineName</c> (src/hypervisor/domain_driver.c, libvirt ≥ 7.x):
    /// only <c>[a-zA-Z0-9]</c> are kept, a run of '.' or '-' becomes its first character and is dropped at
    /// the start, copying stops once the whole name reaches 64 characters, and trailing '-' / '.' are trimmed.
    /// </summary>
    public static string MachineName(int id, string domainName) => Build(id, domainName, legacySkip: false);

    /// <summary>
    /// The same name as libvirt 6.x built it: any character other than '.' or '-' (even one that is
    /// dropped) re-enabled the next separator, so <c>"a_-b"</c> became <c>"a-b"</c> in both, but
    /// <c>"_-b"</c> became <c>"-b"</c> here. Tried as a second candidate.
    /// </summary>
    public static string LegacyMachineName(int id, string domainName) => Build(id, domainName, legacySkip: true);

    /// <summary>
    /// systemd unit-name escaping as libvirt's <c>virSystemdEscapeName</c> does it: a leading '.', '-',
    /// '\' and every character outside <c>[a-zA-Z0-9:_.]</c> become <c>\xNN</c>, '/' becomes '-'.
    /// </summary>
    public static string SystemdEscape(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length * 2);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i == 0 && c == '.')
            {
                Escape(sb, c);
            }
            else if (c == '/')
            {
                sb.Append('-');
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '.')
            {
                sb.Append(c);
            }
            else
            {
                Escape(sb, c);
            }
        }

        return sb.ToString();
    }

    /// <summary>The systemd scope unit of a machine: <c>machine-qemu\x2d&lt;id&gt;\x2d&lt;name&gt;.scope</c>.</summary>
    public static string SystemdScope(string machineName) => "machine-" + SystemdEscape(machineName) + ".scope";

    /// <summary>The directory libvirt creates without systemd: <c>qemu-&lt;id&gt;-&lt;name&gt;.libvirt-qemu</c>.</summary>
    public static string CgroupfsDirectory(string machineName) => machineName + ".libvirt-qemu";

    /// <summary>Every directory name the domain's scope may have, most likely first, without duplicates.</summary>
    public static IReadOnlyList<string> ScopeDirectoryCandidates(int id, string domainName)
    {
        var names = new List<string>(4);
        foreach (var machine in new[] { MachineName(id, domainName), LegacyMachineName(id, domainName) })
        {
            foreach (var dir in new[] { SystemdScope(machine), CgroupfsDirectory(machine) })
            {
                if (!names.Contains(dir, StringComparer.Ordinal))
                {
                    names.Add(dir);
                }
            }
        }

        return names;
    }

    private static string Build(int id, string domainName, bool legacySkip)
    {
        ArgumentNullException.ThrowIfNull(domainName);
        var sb = new StringBuilder(MaxMachineNameLength + 8);
        sb.Append("qemu-").Append(id.ToString(CultureInfo.InvariantCulture)).Append('-');
        var skip = true;
        foreach (var c in domainName)
        {
            if (sb.Length >= MaxMachineNameLength)
            {
                break;
            }

            if (c is '.' or '-')
            {
                if (!skip)
                {
                    sb.Append(c);
                }

                skip = true;
                continue;
            }

            if (legacySkip)
            {
                skip = false;
            }

            if (!char.IsAsciiLetterOrDigit(c))
            {
                continue;
            }

            sb.Append(c);
            skip = false;
        }

        while (sb.Length > 0 && sb[^1] is '-' or '.')
        {
            sb.Length--;
        }

        return sb.ToString();
    }

    private static void Escape(StringBuilder sb, char c)
    {
        // Non-ASCII characters never reach here from a machine name (only [a-zA-Z0-9.-] survive);
        // for arbitrary input escape each UTF-8 byte like systemd does.
        Span<byte> bytes = stackalloc byte[4];
        var count = Encoding.UTF8.GetBytes([c], bytes);
        for (var i = 0; i < count; i++)
        {
            sb.Append("\\x").Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
        }
    }
}
