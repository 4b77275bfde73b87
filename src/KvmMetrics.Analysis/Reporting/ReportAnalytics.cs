using System.Globalization;
using KvmMetrics.Analysis.Capacity;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Hotspots;
using KvmMetrics.Analysis.Planning;

namespace KvmMetrics.Analysis.Reporting;

/// <summary>One host's week and outlook, as the report's host table shows it.</summary>
/// <param name="Host">Host name.</param>
/// <param name="Status"><c>maintenance</c>, <c>hot</c>, <c>at risk</c> or <c>ok</c>.</param>
/// <param name="Vms">VMs placed on it.</param>
/// <param name="Cores">Physical cores.</param>
/// <param name="VcpuRatio">vCPUs / cores.</param>
/// <param name="MemoryAllocatedShare">Allocated memory / host memory.</param>
/// <param name="CpuMean">Mean CPU demand over the last 7 days, share of cores.</param>
/// <param name="CpuP95">p95 CPU demand over the last 7 days, share of cores (above 1 = more than the host could serve).</param>
/// <param name="HotHours">Hours of the last 7 days above the watermark.</param>
/// <param name="ForecastPeak">The planner's forecast p95 peak, share of cores.</param>
/// <param name="MemoryUsedPeak">Peak memory use over the last 7 days, share of host memory.</param>
/// <param name="ActiveFindings">Hotspot rules still active.</param>
/// <param name="Full">The host's time until full: the binding resource and view of the capacity model.</param>
/// <param name="FullResource">Resource whose view is full first on this host.</param>
/// <param name="FullBasis">Which view of that resource binds.</param>
public sealed record HostWeek(
    string Host, string Status, int Vms, double Cores, double VcpuRatio, double MemoryAllocatedShare, double CpuMean, double CpuP95, int HotHours,
    double ForecastPeak, double MemoryUsedPeak, IReadOnlyList<string> ActiveFindings, TimeUntilFull Full, string FullResource, CapacityBasis FullBasis);

/// <summary>A host before and after the recommended plan.</summary>
/// <param name="Host">Host name.</param>
/// <param name="VmsBefore">VMs before.</param>
/// <param name="VmsAfter">VMs after.</param>
/// <param name="CpuPeakBefore">Forecast p95 CPU peak before, share of cores.</param>
/// <param name="CpuPeakAfter">Same after the plan.</param>
/// <param name="MemoryAllocatedBefore">Allocated memory before, share of host memory.</param>
/// <param name="MemoryAllocatedAfter">Same after.</param>
/// <param name="HotHoursBefore">Expected hot hours over the planning horizon before.</param>
/// <param name="HotHoursAfter">Same after.</param>
public sealed record HostAfterPlan(
    string Host, int VmsBefore, int VmsAfter, double CpuPeakBefore, double CpuPeakAfter, double MemoryAllocatedBefore, double MemoryAllocatedAfter,
    double HotHoursBefore, double HotHoursAfter);

/// <summary>A VM whose CPU use grew over the last weeks.</summary>
/// <param name="Vm">VM name.</param>
/// <param name="Host">Its host.</param>
/// <param name="Vcpus">vCPUs.</param>
/// <param name="TrendPerWeek">Least-squares trend of the daily mean, cores per week.</param>
/// <param name="PreviousWeekMean">Mean cores the week before last.</param>
/// <param name="LastWeekMean">Mean cores last week.</param>
/// <param name="MemoryPreviousWeek">Mean memory use the week before last, bytes.</param>
/// <param name="MemoryLastWeek">Mean memory use last week, bytes.</param>
public sealed record VmGrowth(string Vm, string Host, int Vcpus, double TrendPerWeek, double PreviousWeekMean, double LastWeekMean, double MemoryPreviousWeek, double MemoryLastWeek);

/// <summary>A value that looks impossible and why it is shown anyway.</summary>
/// <param name="Subject">Host or VM.</param>
/// <param name="What">What was seen, with numbers.</param>
/// <param name="Why">What it means.</param>
public sealed record Implausible(string Subject, string What, string Why);

/// <summary>Report analytics that are not capacity: host outlook, the cluster after the plan, growing VMs, implausible values.</summary>
public static class ReportAnalytics
{
    private const int Week = 168;

    /// <summary>Mean CPU below which a VM is too idle for its growth to mean anything, cores.</summary>
    private const double IdleCores = 0.05;

    /// <summary>One row per host, ordered by risk (higher of last week's p95 and the forecast peak), then name.</summary>
    public static IReadOnlyList<HostWeek> Hosts(
        ClusterSnapshot snapshot, ClusterHistory history, MigrationPlan plan, IReadOnlyList<HotspotFinding> findings, CapacityReport capacity, long now, double watermark)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(capacity);
        var before = plan.HostsBefore.ToDictionary(h => h.Host, StringComparer.Ordinal);
        var rows = new List<(double Sort, HostWeek Row)>();
        foreach (var h in snapshot.Hosts)
        {
            var vms = snapshot.Vms.Where(v => v.Host == h.Name).ToArray();
            var cpu = ClusterSeries.HostCpu(snapshot, history, h.Name, now - (7 * HourlyGrid.Day), Week).Values;
            var memUsed = ClusterSeries.SumOf(vms.Select(v => HourlyGrid.Means(history.Get(v.Name, ClusterMetrics.MemoryBytes), now - (7 * HourlyGrid.Day), Week)), Week);
            var observed = cpu.Where(double.IsFinite).ToArray();
            var p95 = observed.Length == 0 ? double.NaN : Quantiles.Of(observed, 0.95) / h.CpuCores;
            var hotHours = observed.Count(x => x / h.CpuCores > watermark);
            var peak = before.TryGetValue(h.Name, out var load) ? load.PeakP95Fraction : double.NaN;
            var memPeak = memUsed.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max() / h.MemoryBytes;
            var active = findings.Where(f => f.Host == h.Name && f.End is null).Select(f => f.Rule).Distinct().Order(StringComparer.Ordinal).ToArray();
            var wasHot = findings.Any(f => f.Host == h.Name && f.Rule is HotspotRules.CpuSustained or HotspotRules.MemoryUsed);
            var status = h.Maintenance ? "maintenance"
                : wasHot ? "hot"
                : peak > watermark || p95 > watermark || memPeak > 0.9 || active.Length > 0 ? "at risk" : "ok";
            var first = capacity.Resources.Where(r => r.Scope == h.Name && r.Capacity > 0)
                .OrderBy(r => r.Full.Days ?? double.PositiveInfinity)
                .ThenBy(r => r.Full.Projected ? 0 : 1)
                .ThenBy(r => r.Full.Earliest ?? double.PositiveInfinity)
                .ThenBy(r => r.BoundView().HeadroomShare).FirstOrDefault();
            rows.Add((double.IsNaN(peak) ? -1 : Math.Max(peak, p95), new HostWeek(
                h.Name, status, vms.Length, h.CpuCores, vms.Sum(v => v.Vcpus) / h.CpuCores, vms.Sum(v => (double)v.MemoryBytes) / h.MemoryBytes,
                observed.Length == 0 ? double.NaN : observed.Average() / h.CpuCores, p95, hotHours, peak, memPeak, active,
                first?.Full ?? new TimeUntilFull(null, null, null, "no capacity row"), first?.Resource ?? "none", first?.Binding ?? CapacityBasis.Demand)));
        }

        return [.. rows.OrderByDescending(r => r.Sort).ThenBy(r => r.Row.Host, StringComparer.Ordinal).Select(r => r.Row)];
    }

    /// <summary>Every host before and after the plan, read from the plan's own before/after loads.</summary>
    public static IReadOnlyList<HostAfterPlan> AfterPlan(MigrationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var after = plan.HostsAfter.ToDictionary(h => h.Host, StringComparer.Ordinal);
        return [.. plan.HostsBefore.Select(b =>
        {
            var a = after.TryGetValue(b.Host, out var x) ? x : b;
            static double Mem(HostLoad l) => l.MemoryBytes > 0 ? (double)l.MemoryAllocatedBytes / l.MemoryBytes : double.NaN;
            return new HostAfterPlan(b.Host, b.Vms, a.Vms, b.PeakP95Fraction, a.PeakP95Fraction, Mem(b), Mem(a), b.ExpectedHotHours, a.ExpectedHotHours);
        })];
    }

    /// <summary>
    /// VMs whose daily mean CPU grew over the last <paramref name="days"/> days: the trend is positive and at least
    /// 1.645 standard errors from zero, and last week's mean is above the week before. Fastest first.
    /// </summary>
    public static IReadOnlyList<VmGrowth> Growing(ClusterSnapshot snapshot, ClusterHistory history, long now, int days = 28, int top = 10)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(history);
        var rows = new List<VmGrowth>();
        foreach (var vm in snapshot.Vms)
        {
            var hourly = HourlyGrid.Means(history.Get(vm.Name, ClusterMetrics.CpuCores), now - (days * HourlyGrid.Day), days * 24);
            var daily = Enumerable.Range(0, days).Select(d => ClusterSeries.MeanOf(hourly.AsSpan(d * 24, 24).ToArray())).ToArray();
            if (daily.Count(double.IsFinite) < 14)
            {
                continue;
            }

            var fit = TrendProjection.Fit(daily);
            var last = ClusterSeries.MeanOf(hourly[^Week..]);
            var previous = ClusterSeries.MeanOf(hourly[^(2 * Week)..^Week]);
            // Idle VMs are left out: their "growth" is noise around zero.
            if (!(fit.Slope > 1.645 * fit.SlopeStdError && fit.Slope > 0 && last > previous && last >= IdleCores))
            {
                continue;
            }

            var mem = HourlyGrid.Means(history.Get(vm.Name, ClusterMetrics.MemoryBytes), now - (days * HourlyGrid.Day), days * 24);
            rows.Add(new VmGrowth(vm.Name, vm.Host, vm.Vcpus, fit.Slope * 7, previous, last, ClusterSeries.MeanOf(mem[^(2 * Week)..^Week]), ClusterSeries.MeanOf(mem[^Week..])));
        }

        return [.. rows.OrderByDescending(r => r.TrendPerWeek).ThenBy(r => r.Vm, StringComparer.Ordinal).Take(top)];
    }

    /// <summary>
    /// Values above what the hardware can deliver: hosts whose VMs together want more cores than the host has, and VMs
    /// whose p95 CPU exceeds their vCPUs. Both are shown, not clipped, because they are demand, and explained here.
    /// </summary>
    public static IReadOnlyList<Implausible> Implausibles(ClusterSnapshot snapshot, ClusterHistory history, CapacityReport capacity, long now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(capacity);
        var c = CultureInfo.InvariantCulture;
        var list = new List<Implausible>();
        foreach (var h in snapshot.Hosts)
        {
            var cpu = ClusterSeries.HostCpu(snapshot, history, h.Name, now - (7 * HourlyGrid.Day), Week).Values.Where(double.IsFinite).ToArray();
            var over = cpu.Count(x => x > h.CpuCores);
            if (over > 0)
            {
                list.Add(new Implausible(h.Name,
                    string.Create(c, $"CPU demand above 100% of its {h.CpuCores:0} cores in {over} of {cpu.Length} hours (peak {cpu.Max() / h.CpuCores:0%})"),
                    "host CPU is the summed use of the VMs placed here now, measured wherever they ran; above 100% means that together they want more cores than this host has: kept here, they wait for CPU (steal). The host is overcommitted; the number is demand, not a measuring error"));
            }
        }

        var vcpus = snapshot.Vms.ToDictionary(v => v.Name, v => v.Vcpus, StringComparer.Ordinal);
        foreach (var v in capacity.Vms.Where(v => double.IsFinite(v.CpuP95Cores) && v.CpuP95Cores > v.Vcpus))
        {
            list.Add(new Implausible(v.Vm,
                string.Create(c, $"p95 CPU {v.CpuP95Cores:0.##} cores on {vcpus[v.Vm]} vCPUs"),
                "cores in use are computed as MHz used / (MHz provisioned / vCPUs); a host clocked above the nominal MHz (turbo) or a vCPU count that changed inside the window gives more than one core per vCPU"));
        }

        return list;
    }
}
