using System.Globalization;
using KvmMetrics.Analysis.Cluster;

namespace KvmMetrics.Analysis.Capacity;

/// <summary>Classifies VMs as idle, oversized, undersized or ok from the last days of hourly usage.</summary>
public static class RightSizing
{
    private const long GiB = 1L << 30;

    /// <summary>One verdict per VM, ordered by name.</summary>
    public static IReadOnlyList<VmSizing> Classify(ClusterSnapshot snapshot, ClusterHistory history, CapacityOptions o)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(o);
        var hours = o.RightSizingDays * 24;
        var start = snapshot.PlanTime - (hours * HourlyGrid.Hour);
        return [.. snapshot.Vms.OrderBy(v => v.Name, StringComparer.Ordinal).Select(v => Classify(v, history, start, hours, o))];
    }

    private static VmSizing Classify(VmSpec vm, ClusterHistory history, long start, int hours, CapacityOptions o)
    {
        var cpu = HourlyGrid.Means(history.Get(vm.Name, ClusterMetrics.CpuCores), start, hours);
        var mem = HourlyGrid.Means(history.Get(vm.Name, ClusterMetrics.MemoryBytes), start, hours);
        var steal = HourlyGrid.Means(history.Get(vm.Name, ClusterMetrics.CpuStealCores), start, hours);
        var disk = HourlyGrid.Means(history.Get(vm.Name, ClusterMetrics.DiskBytesPerSecond), start, hours);
        var net = HourlyGrid.Means(history.Get(vm.Name, ClusterMetrics.NetworkBytesPerSecond), start, hours);
        var observed = Enumerable.Range(0, hours).Where(i => double.IsFinite(cpu[i])).ToArray();
        var memP95 = Quantiles.Of(mem, 0.95);
        if (observed.Length < Math.Min(24, hours / 2))
        {
            return new VmSizing(vm.Name, "no-data", vm.Vcpus, vm.Vcpus, 0, vm.MemoryBytes, vm.MemoryBytes, 0, double.NaN, memP95, double.NaN,
                F($"only {observed.Length} of {hours} hours of cpu_cores history"));
        }

        var hasDisk = disk.Any(double.IsFinite);
        var hasNet = net.Any(double.IsFinite);
        var idleHours = observed.Count(i => cpu[i] < o.IdleCpuCores
            && (!hasDisk || !(disk[i] >= o.IdleIoBytesPerSecond))
            && (!hasNet || !(net[i] >= o.IdleIoBytesPerSecond)));
        var idleShare = Math.Round((double)idleHours / observed.Length, 4);
        var cpuP95 = Quantiles.Of(observed.Select(i => cpu[i]), 0.95);
        var busyShare = (double)observed.Count(i => cpu[i] > o.UndersizedShare * vm.Vcpus) / observed.Length;
        var stealP95 = Quantiles.Of(steal, 0.95) / vm.Vcpus;
        var basis = hasDisk || hasNet ? $"CPU{(hasDisk ? ", disk" : "")}{(hasNet ? ", network" : "")}" : "CPU only (no disk or network series)";

        if (idleShare >= o.IdleShare)
        {
            return new VmSizing(vm.Name, "idle", vm.Vcpus, 0, vm.Vcpus, vm.MemoryBytes, 0, vm.MemoryBytes, R(cpuP95), memP95, idleShare,
                F($"idle in {idleShare:0%} of {observed.Length} hours (below {o.IdleCpuCores} cores; judged on {basis}): candidate for shutdown or reclaim"));
        }

        if (busyShare >= o.UndersizedHoursShare || stealP95 > o.UndersizedStealPerVcpu)
        {
            var wanted = Math.Max(vm.Vcpus + 1, (int)Math.Ceiling(cpuP95 * o.SizingHeadroom));
            var why = busyShare >= o.UndersizedHoursShare
                ? F($"above {o.UndersizedShare:0%} of its {vm.Vcpus} vCPUs in {busyShare:0%} of hours (p95 {cpuP95:0.##} cores)")
                : F($"its vCPUs waited {stealP95:0%} of the time at p95 (steal): the host is contended, move it or give it more room");
            return new VmSizing(vm.Name, "undersized", vm.Vcpus, wanted, 0, vm.MemoryBytes, vm.MemoryBytes, 0, R(cpuP95), memP95, idleShare, why);
        }

        var recCpu = Math.Clamp((int)Math.Ceiling(cpuP95 * o.SizingHeadroom), 1, vm.Vcpus);
        var cpuOver = cpuP95 < o.OversizedShare * vm.Vcpus && recCpu < vm.Vcpus;
        var recMem = double.IsFinite(memP95) ? Math.Min(vm.MemoryBytes, (long)Math.Ceiling(memP95 * o.SizingHeadroom / GiB) * GiB) : vm.MemoryBytes;
        recMem = Math.Max(recMem, Math.Min(vm.MemoryBytes, GiB));
        var memOver = double.IsFinite(memP95) && memP95 < o.OversizedShare * vm.MemoryBytes && recMem < vm.MemoryBytes;
        if (cpuOver || memOver)
        {
            var rv = cpuOver ? recCpu : vm.Vcpus;
            var rm = memOver ? recMem : vm.MemoryBytes;
            return new VmSizing(vm.Name, "oversized", vm.Vcpus, rv, vm.Vcpus - rv, vm.MemoryBytes, rm, vm.MemoryBytes - rm, R(cpuP95), memP95, idleShare,
                F($"p95 CPU {cpuP95:0.##} of {vm.Vcpus} vCPUs, p95 memory {(double.IsFinite(memP95) ? (memP95 / GiB).ToString("0.#", CultureInfo.InvariantCulture) : "n/a")} of {vm.MemoryBytes / (double)GiB:0.#} GiB over {observed.Length} hours: {vm.Vcpus - rv} vCPUs and {(vm.MemoryBytes - rm) / (double)GiB:0.#} GiB reclaimable"));
        }

        return new VmSizing(vm.Name, "ok", vm.Vcpus, vm.Vcpus, 0, vm.MemoryBytes, vm.MemoryBytes, 0, R(cpuP95), memP95, idleShare,
            F($"p95 CPU {cpuP95:0.##} of {vm.Vcpus} vCPUs"));
    }

    private static double R(double x) => double.IsFinite(x) ? Math.Round(x, 4) : x;

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
