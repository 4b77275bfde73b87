using System.Globalization;
using KvmMetrics.Exposition;
using KvmMetrics.Libvirt;

namespace KvmMetrics.Exporter.Collectors.Libvirt;

/// <summary>
/// Turns one domain's decoded statistics into samples: known fields through <see cref="DomainMetrics"/>
/// (base units, counters as counters), unknown numeric fields into the generic <c>kvm_domain_stat</c>.
/// Removable block devices (cdrom, floppy, from the domain XML) are left out; a device name that occurs
/// twice keeps its first occurrence, so no duplicate series can be produced.
/// </summary>
public static class DomainStatsMapper
{
    private static readonly string[] StateNames = ["nostate", "running", "blocked", "paused", "shutdown", "shutoff", "crashed", "pmsuspended"];

    /// <summary>The label value of a <see cref="DomainState"/> (<c>running</c>, <c>paused</c>, ...).</summary>
    public static string StateName(DomainState state) => StateNames[(int)state];

    /// <summary>Every state label value in code order.</summary>
    public static IReadOnlyList<string> AllStateNames => StateNames;

    /// <summary>Adds the samples of <paramref name="stats"/> to <paramref name="sink"/>.</summary>
    /// <param name="stats">The domain's statistics.</param>
    /// <param name="removableDevices">Target names of cdroms/floppies from the domain XML (left out), or null when unknown.</param>
    /// <param name="sink">Where samples go.</param>
    public static void Map(DomainStats stats, IReadOnlySet<string>? removableDevices, IMetricSink sink)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(sink);
        var uuid = stats.Uuid;
        var name = stats.Name;

        var blockNames = new Dictionary<int, string>();
        var blockPaths = new Dictionary<int, string>();
        var netNames = new Dictionary<int, string>();
        var monitorNames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in stats.Parameters)
        {
            if (p.Text is null)
            {
                continue;
            }

            if (DomainStatsFields.TryParseIndexed(p.Name, out var prefix, out var index, out var rest))
            {
                if (prefix == "block" && rest == "name")
                {
                    blockNames[index] = p.Text;
                }
                else if (prefix == "block" && rest == "path")
                {
                    blockPaths[index] = p.Text;
                }
                else if (prefix == "net" && rest == "name")
                {
                    netNames[index] = p.Text;
                }
            }
            else if (p.Name.EndsWith(".name", StringComparison.Ordinal) &&
                     (p.Name.StartsWith("cpu.cache.monitor.", StringComparison.Ordinal) || p.Name.StartsWith("memory.bandwidth.monitor.", StringComparison.Ordinal)))
            {
                monitorNames[p.Name[..^".name".Length]] = p.Text;
            }
            else if (p.Name == "dirtyrate.calc_mode")
            {
                sink.Add(DomainMetrics.DirtyRateInfo, 1, uuid, name, p.Text);
            }
        }

        var blockLabels = DeviceLabels(blockNames, removableDevices, "block");
        var netLabels = DeviceLabels(netNames, null, "net");
        foreach (var (index, device) in blockLabels)
        {
            sink.Add(DomainMetrics.BlockInfo, 1, uuid, name, device, blockPaths.GetValueOrDefault(index, string.Empty));
        }

        foreach (var device in netLabels.Values)
        {
            sink.Add(DomainMetrics.InterfaceInfo, 1, uuid, name, device);
        }

        foreach (var p in stats.Parameters)
        {
            if (!p.IsNumeric)
            {
                continue;
            }

            if (p.Name == "state.state")
            {
                var current = (int)p.Number;
                for (var s = 0; s < StateNames.Length; s++)
                {
                    sink.Add(DomainMetrics.State, s == current ? 1 : 0, uuid, name, StateNames[s]);
                }

                continue;
            }

            if (p.Name == "state.reason")
            {
                sink.Add(DomainMetrics.StateReason, p.Number, uuid, name);
                continue;
            }

            if (DomainMetrics.Plain.TryGetValue(p.Name, out var plain))
            {
                sink.Add(plain.Metric, p.Number * plain.Factor, uuid, name);
                continue;
            }

            if (DomainStatsFields.TryParseIndexed(p.Name, out var prefix, out var index, out var rest) && MapIndexed(p, prefix, index, rest, uuid, name, blockLabels, netLabels, sink))
            {
                continue;
            }

            if (MapSpecial(p, uuid, name, monitorNames, sink))
            {
                continue;
            }

            sink.Add(DomainMetrics.UnknownStat, p.Number, uuid, name, MetricNames.Sanitize(p.Name));
        }
    }

    private static bool MapIndexed(
        TypedParameter p, string prefix, int index, string rest, string uuid, string name,
        Dictionary<int, string> blockLabels, Dictionary<int, string> netLabels, IMetricSink sink)
    {
        var idx = index.ToString(CultureInfo.InvariantCulture);
        switch (prefix)
        {
            case "vcpu":
                if (DomainMetrics.PerVcpu.TryGetValue(rest, out var v))
                {
                    sink.Add(v.Metric, p.Number * v.Factor, uuid, name, idx);
                }
                else
                {
                    var (stat, factor) = KvmStatName(rest);
                    var metric = IsKvmGauge(rest) ? DomainMetrics.VcpuKvmGauge : DomainMetrics.VcpuKvmCounter;
                    sink.Add(metric, p.Number * factor, uuid, name, idx, stat);
                }

                return true;
            case "block":
                if (rest == "backingIndex")
                {
                    return true;
                }

                if (!DomainMetrics.PerBlock.TryGetValue(rest, out var b))
                {
                    return false;
                }

                // Removable or duplicate devices have no label: they are deliberately not exported.
                if (blockLabels.TryGetValue(index, out var disk))
                {
                    sink.Add(b.Metric, p.Number * b.Factor, uuid, name, disk);
                }

                return true;
            case "net":
                if (!DomainMetrics.PerInterface.TryGetValue(rest, out var n))
                {
                    return false;
                }

                if (netLabels.TryGetValue(index, out var nic))
                {
                    sink.Add(n.Metric, p.Number * n.Factor, uuid, name, nic);
                }

                return true;
            case "iothread":
                if (!DomainMetrics.PerIoThread.TryGetValue(rest, out var t))
                {
                    return false;
                }

                sink.Add(t.Metric, p.Number * t.Factor, uuid, name, idx);
                return true;
            default:
                return false;
        }
    }

    private static bool MapSpecial(TypedParameter p, string uuid, string name, Dictionary<string, string> monitorNames, IMetricSink sink)
    {
        var parts = p.Name.Split('.');

        // vm.<stat>: KVM VM-wide statistics.
        if (parts.Length == 2 && parts[0] == "vm")
        {
            var (stat, factor) = KvmStatName(parts[1]);
            sink.Add(IsKvmGauge(parts[1]) ? DomainMetrics.VmKvmGauge : DomainMetrics.VmKvmCounter, p.Number * factor, uuid, name, stat);
            return true;
        }

        // dirtyrate.vcpu.N.megabytes_per_second
        if (parts is ["dirtyrate", "vcpu", var vcpu, "megabytes_per_second"] && IsIndex(vcpu))
        {
            sink.Add(DomainMetrics.DirtyRateVcpu, p.Number * 1024 * 1024, uuid, name, vcpu);
            return true;
        }

        // cpu.cache.monitor.N.{vcpus,bank.count,bank.M.id,bank.M.bytes}
        if (parts.Length >= 5 && parts[0] == "cpu" && parts[1] == "cache" && parts[2] == "monitor" && IsIndex(parts[3]))
        {
            if (parts is [_, _, _, _, "bank", var bank, "bytes"])
            {
                var monitor = monitorNames.GetValueOrDefault(string.Join('.', parts[..4]), parts[3]);
                sink.Add(DomainMetrics.CacheMonitorBytes, p.Number, uuid, name, monitor, bank);
            }

            return true; // ids and counts are structure, not statistics
        }

        // memory.bandwidth.monitor.N.node.M.bytes.{total,local}
        if (parts.Length >= 5 && parts[0] == "memory" && parts[1] == "bandwidth" && parts[2] == "monitor" && IsIndex(parts[3]))
        {
            if (parts is [_, _, _, _, "node", var node, "bytes", var kind])
            {
                var monitor = monitorNames.GetValueOrDefault(string.Join('.', parts[..4]), parts[3]);
                if (kind == "total")
                {
                    sink.Add(DomainMetrics.MemoryBandwidthTotal, p.Number, uuid, name, monitor, node);
                }
                else if (kind == "local")
                {
                    sink.Add(DomainMetrics.MemoryBandwidthLocal, p.Number, uuid, name, monitor, node);
                }
                else
                {
                    return false;
                }
            }

            return true;
        }

        return false;
    }

    private static Dictionary<int, string> DeviceLabels(Dictionary<int, string> names, IReadOnlySet<string>? removable, string kind)
    {
        var labels = new Dictionary<int, string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (index, raw) in names.OrderBy(kv => kv.Key))
        {
            var device = raw.Length > 0 ? raw : kind + index.ToString(CultureInfo.InvariantCulture);
            if (removable is not null && removable.Contains(device))
            {
                continue;
            }

            if (seen.Add(device))
            {
                labels[index] = device;
            }
        }

        return labels;
    }

    private static (string Stat, double Factor) KvmStatName(string raw)
    {
        var stat = MetricNames.Sanitize(raw);
        return stat.EndsWith("_ns", StringComparison.Ordinal) ? (stat[..^3] + "_seconds", 1e-9) : (stat, 1);
    }

    private static bool IsKvmGauge(string stat) =>
        DomainMetrics.KvmGaugeStats.Contains(stat) || stat.StartsWith("max_", StringComparison.Ordinal);

    private static bool IsIndex(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);
}
