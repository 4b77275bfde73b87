using System.Globalization;

namespace KvmMetrics.Analysis.Cluster;

/// <summary>Checks a snapshot for contradictions the planner cannot work around; every message names the field, VM or host.</summary>
public static class ClusterValidator
{
    /// <summary>All problems found (empty when the snapshot is valid).</summary>
    public static IReadOnlyList<string> Validate(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var errors = new List<string>();
        var policyError = snapshot.Policy.Validate();
        if (policyError is not null)
        {
            errors.Add(policyError);
        }

        if (snapshot.Hosts.Count == 0)
        {
            errors.Add("hosts: at least one host is required");
        }

        var hosts = new Dictionary<string, HostSpec>(StringComparer.Ordinal);
        for (var i = 0; i < snapshot.Hosts.Count; i++)
        {
            var h = snapshot.Hosts[i];
            var at = Invariant($"hosts[{i}]");
            if (string.IsNullOrWhiteSpace(h.Name))
            {
                errors.Add($"{at}.name must not be empty");
                continue;
            }

            if (!hosts.TryAdd(h.Name, h))
            {
                errors.Add($"{at}.name: duplicate host '{h.Name}'");
            }

            if (!double.IsFinite(h.CpuCores) || h.CpuCores <= 0)
            {
                errors.Add(Invariant($"{at}.cpuCores of host '{h.Name}' must be a positive number, got {h.CpuCores}"));
            }

            if (h.MemoryBytes <= 0)
            {
                errors.Add(Invariant($"{at}.memoryBytes of host '{h.Name}' must be positive, got {h.MemoryBytes}"));
            }

            if (h.DiskBytes is < 0)
            {
                errors.Add(Invariant($"{at}.diskBytes of host '{h.Name}' must not be negative, got {h.DiskBytes}"));
            }
        }

        var vms = new HashSet<string>(StringComparer.Ordinal);
        var largestHostMemory = hosts.Count == 0 ? 0 : hosts.Values.Max(h => h.MemoryBytes) * snapshot.Policy.MemoryOvercommit;
        var largestHostCores = hosts.Count == 0 ? 0 : hosts.Values.Max(h => h.CpuCores);
        for (var i = 0; i < snapshot.Vms.Count; i++)
        {
            var v = snapshot.Vms[i];
            var at = Invariant($"vms[{i}]");
            if (string.IsNullOrWhiteSpace(v.Name))
            {
                errors.Add($"{at}.name must not be empty");
                continue;
            }

            if (!vms.Add(v.Name))
            {
                errors.Add($"{at}.name: duplicate VM '{v.Name}'");
            }

            if (!hosts.ContainsKey(v.Host))
            {
                errors.Add($"{at}.host: VM '{v.Name}' is on unknown host '{v.Host}'");
            }

            if (v.Vcpus <= 0)
            {
                errors.Add(Invariant($"{at}.vcpus of VM '{v.Name}' must be positive, got {v.Vcpus}"));
            }

            if (v.MemoryBytes < 0)
            {
                errors.Add(Invariant($"{at}.memoryBytes of VM '{v.Name}' must not be negative, got {v.MemoryBytes}"));
            }
            else if (hosts.Count > 0 && v.MemoryBytes > largestHostMemory)
            {
                errors.Add(Invariant($"{at}.memoryBytes: VM '{v.Name}' needs {v.MemoryBytes} bytes, more than any host offers ({largestHostMemory:0})"));
            }

            if (hosts.Count > 0 && v.Vcpus > largestHostCores * 8)
            {
                errors.Add(Invariant($"{at}.vcpus: VM '{v.Name}' has {v.Vcpus} vCPUs, more than 8x the largest host's {largestHostCores} cores"));
            }

            if (v.DiskBytes is < 0)
            {
                errors.Add(Invariant($"{at}.diskBytes of VM '{v.Name}' must not be negative, got {v.DiskBytes}"));
            }
        }

        for (var g = 0; g < snapshot.Constraints.AntiAffinity.Count; g++)
        {
            var group = snapshot.Constraints.AntiAffinity[g];
            if (group.Count < 2)
            {
                errors.Add(Invariant($"constraints.antiAffinity[{g}] must list at least two VMs"));
            }

            foreach (var name in group.Where(n => !vms.Contains(n)))
            {
                errors.Add(Invariant($"constraints.antiAffinity[{g}]: unknown VM '{name}'"));
            }
        }

        foreach (var name in snapshot.Constraints.Pinned.Where(n => !vms.Contains(n)))
        {
            errors.Add($"constraints.pinned: unknown VM '{name}'");
        }

        foreach (var name in snapshot.Constraints.Drain.Where(n => !hosts.ContainsKey(n)))
        {
            errors.Add($"constraints.drain: unknown host '{name}'");
        }

        if (snapshot.PlanTime is < 0 or > 32_503_680_000)
        {
            errors.Add(Invariant($"planTime must be Unix seconds, got {snapshot.PlanTime}"));
        }

        return errors;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
