using KvmMetrics.Libvirt;

namespace KvmMetrics.Exporter.Options;

/// <summary>The names of libvirt's statistics groups as <c>virsh domstats</c> spells them (<c>cpu-total</c>, <c>vcpu</c>, ...).</summary>
public static class StatsGroupNames
{
    /// <summary>Every group, in libvirt's bit order, with its flag name.</summary>
    public static IReadOnlyList<(string Name, StatsGroups Group)> All { get; } =
    [
        ("state", StatsGroups.State),
        ("cpu-total", StatsGroups.CpuTotal),
        ("balloon", StatsGroups.Balloon),
        ("vcpu", StatsGroups.Vcpu),
        ("interface", StatsGroups.Interface),
        ("block", StatsGroups.Block),
        ("perf", StatsGroups.Perf),
        ("iothread", StatsGroups.IoThread),
        ("memory", StatsGroups.Memory),
        ("dirtyrate", StatsGroups.DirtyRate),
        ("vm", StatsGroups.Vm),
    ];

    /// <summary>Parses a comma-separated list (<c>all</c>, <c>none</c> or group names); the error names the bad entry.</summary>
    public static bool TryParse(string text, out StatsGroups groups, out string? error)
    {
        groups = StatsGroups.None;
        error = null;
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = raw.ToLowerInvariant();
            if (name == "all")
            {
                groups |= StatsGroups.All;
                continue;
            }

            if (name == "none")
            {
                continue;
            }

            var found = All.FirstOrDefault(g => g.Name == name);
            if (found.Name is null)
            {
                error = $"unknown stats group '{raw}'";
                return false;
            }

            groups |= found.Group;
        }

        return true;
    }

    /// <summary>Formats groups as the comma-separated names (<c>all</c> when every group is set, <c>none</c> when empty).</summary>
    public static string Format(StatsGroups groups)
    {
        if (groups == StatsGroups.All)
        {
            return "all";
        }

        var names = All.Where(g => (groups & g.Group) != 0).Select(g => g.Name).ToArray();
        return names.Length == 0 ? "none" : string.Join(',', names);
    }

    /// <summary>The accepted values, for messages.</summary>
    public static string Accepted => "all, none, or a comma-separated list of " + string.Join(", ", All.Select(g => g.Name));
}
