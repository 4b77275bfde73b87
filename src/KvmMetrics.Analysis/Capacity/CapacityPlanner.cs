using System.Globalization;
using KvmMetrics.Analysis.Cluster;

namespace KvmMetrics.Analysis.Capacity;

/// <summary>
/// The capacity model: per cluster and host, for CPU, memory and disk, an allocation view (what is handed out
/// against capacity × allocation ratio) and a demand view (p95 usage, plus contention for CPU, against capacity ×
/// target), both with the N+k reserve held back for the cluster; which view binds; time until full with its 90%
/// interval and rule; how many more VMs of today's mix fit; when to buy and how much. Every surface (report, API,
/// /metrics, CLI) reads these numbers. Pure: history and time come in as arguments.
/// </summary>
public static class CapacityPlanner
{
    private const int TrendDays = 90;

    /// <summary>z of a two-sided 90% interval of a normal estimate (5% on each side).</summary>
    private const double Z90 = 1.645;

    private const double GiB = 1L << 30;

    private const string PerHost = "per-host fit";

    private static readonly string[] Names = ["cpu", "memory", "disk"];

    /// <summary>Builds the full report (capacity rows and right-sizing).</summary>
    public static CapacityReport Analyse(ClusterSnapshot snapshot, ClusterHistory history, CapacityOptions options)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(options);
        var error = options.Validate();
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(options));
        }

        var start = snapshot.PlanTime - (TrendDays * HourlyGrid.Day);
        var bins = TrendDays * 24;
        var demand = new Dictionary<string, double[][]>(StringComparer.Ordinal)
        {
            ["cpu"] = [.. snapshot.Vms.Select(v => Add(
                Filled(HourlyGrid.Means(history.Get(v.Name, ClusterMetrics.CpuCores), start, bins)),
                Filled(HourlyGrid.Means(history.Get(v.Name, ClusterMetrics.CpuStealCores), start, bins), zeroWhenEmpty: true)))],
            ["memory"] = [.. snapshot.Vms.Select(v => Filled(HourlyGrid.Means(history.Get(v.Name, ClusterMetrics.MemoryBytes), start, bins)))],
            ["disk"] = [.. snapshot.Vms.Select(v => Filled(HourlyGrid.Means(history.Get(v.Name, ClusterMetrics.DiskBytes), start, bins)))],
        };

        var rows = new List<ResourceCapacity>();
        var active = snapshot.Hosts.Where(h => !snapshot.IsDraining(h.Name)).ToArray();
        var all = Enumerable.Range(0, snapshot.Vms.Count).ToArray();
        foreach (var resource in Names)
        {
            var caps = active.Select(h => Capacity(h, resource)).ToArray();
            var reserve = caps.OrderDescending().Take(options.ReserveHosts).Sum();
            var total = caps.Sum();
            rows.Add(Row("cluster", resource, total, reserve, Allocated(snapshot, all, resource), demand[resource], all, options,
                caps.Length <= options.ReserveHosts
                    ? $"only {caps.Length} active host(s) for a reserve of {options.ReserveHosts}: no usable capacity"
                    : $"N+{options.ReserveHosts}: the {options.ReserveHosts} largest active host(s) held back; hosts in maintenance or drain excluded"));
        }

        foreach (var host in snapshot.Hosts)
        {
            var vms = all.Where(i => snapshot.Vms[i].Host == host.Name).ToArray();
            foreach (var resource in Names)
            {
                rows.Add(Row(host.Name, resource, Capacity(host, resource), 0, Allocated(snapshot, vms, resource), demand[resource], vms, options,
                    snapshot.IsDraining(host.Name) ? "host is in maintenance or being drained" : "the VMs placed here now"));
            }
        }

        var sizing = RightSizing.Classify(snapshot, history, options);
        var summary = new SizingSummary(
            sizing.Count(s => s.Class == "idle"), sizing.Count(s => s.Class == "oversized"), sizing.Count(s => s.Class == "undersized"),
            sizing.Where(s => s.Class is "idle" or "oversized").Sum(s => s.ReclaimableVcpus),
            sizing.Where(s => s.Class is "idle" or "oversized").Sum(s => s.ReclaimableMemoryBytes),
            sizing.Where(s => s.Class == "undersized").Sum(s => Math.Max(0, s.RecommendedVcpus - s.Vcpus)),
            sizing.Where(s => s.Class == "undersized").Sum(s => Math.Max(0, s.RecommendedMemoryBytes - s.MemoryBytes)));
        var cluster = rows.Where(r => r.Scope == "cluster").ToArray();
        return new CapacityReport(snapshot.PlanTime, options.ReserveHosts, options.HorizonDays, rows, sizing, summary,
            StandardFit(snapshot, cluster, active.Select(h => rows.Where(r => r.Scope == h.Name).ToArray()).ToArray()), Purchase(snapshot, active, cluster, options));
    }

    private static ResourceCapacity Row(
        string scope, string resource, double capacity, double reserve, double allocated, double[][] perVm, int[] vms, CapacityOptions o, string note)
    {
        var afterReserve = Math.Max(0, capacity - reserve);
        var allocLimit = afterReserve * AllocationRatio(resource, o);
        var usable = afterReserve * o.TargetUtilisation;
        var where = scope == "cluster" ? F($" at N+{o.ReserveHosts}") : "";
        var allocation = AllocationView(resource, allocated, allocLimit, AllocationRatio(resource, o), where);
        var hourly = Sum(perVm, vms);
        if (capacity <= 0 || hourly.All(double.IsNaN))
        {
            var why = capacity <= 0 ? $"no {resource} capacity given for {scope}" : $"no {resource} history for the VMs of {scope}";
            var none = new CapacityView(CapacityBasis.Demand, R(usable), double.NaN, double.NaN, double.NaN, double.NaN, new TimeUntilFull(null, null, null, why));
            if (capacity <= 0)
            {
                allocation = allocation with { Limit = 0, Headroom = double.NaN, Full = new TimeUntilFull(null, null, null, why) };
            }

            return new ResourceCapacity(scope, resource, capacity, R(reserve), allocation, none, CapacityBasis.Allocation, double.NaN, why);
        }

        var daily = Enumerable.Range(0, hourly.Length / 24).Select(d => Quantiles.Of(hourly.Skip(d * 24).Take(24), 0.95)).ToArray();
        var fit = TrendProjection.Fit(daily);
        var current = Quantiles.Of(hourly.Skip(hourly.Length - (7 * 24)), 0.95);
        var demandView = DemandView(resource, current, usable, fit, o, where);
        var binding = Binds(allocation, demandView);

        // Capacity that keeps the demand 90 days ahead (at the upper growth) at the target and the allocation within its ratio.
        var upperGrowth = Math.Max(0, fit.Slope + (Z90 * fit.SlopeStdError));
        var recommended = Math.Max((current + (upperGrowth * 90)) / o.TargetUtilisation, allocated / AllocationRatio(resource, o)) + reserve;
        var text = F($"{note}; demand trend from {fit.Points} daily p95 values; target utilisation {o.TargetUtilisation:0%}, allocation ratio {AllocationRatio(resource, o):0.##}");
        return new ResourceCapacity(scope, resource, R(capacity), R(reserve), allocation, demandView, binding, R(recommended), text);
    }

    /// <summary>
    /// Demand view: the 7-day p95 grows along the trend of daily p95 values. Days until full = headroom / growth, and the
    /// 90% interval comes from the growth's standard error (one number per rule, so headline, tables and charts agree).
    /// </summary>
    private static CapacityView DemandView(string resource, double current, double usable, TrendFit fit, CapacityOptions o, string where)
    {
        var headroom = usable - current;
        var slope = fit.Slope;
        var hi = slope + (Z90 * fit.SlopeStdError);
        var lo = slope - (Z90 * fit.SlopeStdError);
        double? At(double growth) => headroom <= 0 ? 0 : growth > 0 && headroom / growth <= o.HorizonDays ? Math.Round(headroom / growth, 1) : null;
        var days = At(slope);
        var earliest = At(hi);
        var latest = headroom <= 0 ? 0 : lo > 0 ? At(lo) : null;
        var growth = F($"growing {Amount(resource, slope)}/day (trend of {fit.Points} daily p95 values; 90% range {Amount(resource, lo)} to {Amount(resource, hi)}/day)");
        var rule = headroom <= 0
            ? F($"demand: 7-day p95 {Amount(resource, current)} is already above the usable {Amount(resource, usable)}{where} (target {o.TargetUtilisation:0%}): full now")
            : F($"demand: 7-day p95 {Amount(resource, current)} of usable {Amount(resource, usable)}{where} (target {o.TargetUtilisation:0%}), {growth}: headroom / growth = {Days(days, o.HorizonDays)}, 90% interval {Days(earliest, o.HorizonDays)} to {Days(latest, o.HorizonDays)}");
        return new CapacityView(CapacityBasis.Demand, R(usable), R(current), R(headroom), R(slope), R(fit.SlopeStdError), new TimeUntilFull(days, earliest, latest, rule));
    }

    /// <summary>
    /// Allocation view: what is handed out against what may be. Allocation history is not recorded, so no growth is
    /// projected: the view is either full now or has the headroom it shows.
    /// </summary>
    private static CapacityView AllocationView(string resource, double allocated, double limit, double ratio, string where)
    {
        var headroom = limit - allocated;
        var what = AllocatedAmount(resource, allocated);
        var of = AllocatedAmount(resource, limit);
        var rule = headroom < 0
            ? F($"allocation: {what} allocated of {of} allocatable{where} (ratio {ratio:0.##}): over by {AllocatedAmount(resource, -headroom)}, full now")
            : F($"allocation: {what} allocated of {of} allocatable{where} (ratio {ratio:0.##}), {AllocatedAmount(resource, headroom)} left; no allocation history, so no date is projected");
        return new CapacityView(CapacityBasis.Allocation, R(limit), R(allocated), R(headroom), double.NaN, double.NaN,
            new TimeUntilFull(headroom < 0 ? 0 : null, headroom < 0 ? 0 : null, headroom < 0 ? 0 : null, rule, Projected: headroom < 0));
    }

    /// <summary>The view that is full first; when neither is within the horizon, the one with less headroom share.</summary>
    private static CapacityBasis Binds(CapacityView allocation, CapacityView demand)
    {
        static double Key(double? d) => d ?? double.PositiveInfinity;
        if (double.IsNaN(demand.Used))
        {
            return CapacityBasis.Allocation;
        }

        var a = Key(allocation.Full.Days);
        var d = Key(demand.Full.Days);
        if (a != d)
        {
            return a < d ? CapacityBasis.Allocation : CapacityBasis.Demand;
        }

        return allocation.HeadroomShare < demand.HeadroomShare ? CapacityBasis.Allocation : CapacityBasis.Demand;
    }

    /// <summary>
    /// More VMs of today's mix: the mean VM of the mix against the N+k headroom of each resource and view, and no more
    /// than fit on single hosts when today's VMs, in name order, are placed again and again by first fit.
    /// </summary>
    private static StandardVmFit StandardFit(ClusterSnapshot snapshot, ResourceCapacity[] cluster, ResourceCapacity[][] hosts)
    {
        var mix = snapshot.Vms.GroupBy(v => (v.Vcpus, v.MemoryBytes)).Select(g => new VmSize(g.Key.Vcpus, g.Key.MemoryBytes, g.Count()))
            .OrderByDescending(s => s.Count).ThenBy(s => s.Vcpus).ThenBy(s => s.MemoryBytes).ToArray();
        var perVm = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var fits = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var n = snapshot.Vms.Count;
        if (n == 0)
        {
            return new StandardVmFit(0, "no VMs to take the mix from", mix, perVm, fits, "no VMs in the cluster, so there is no size mix");
        }

        foreach (var r in cluster)
        {
            foreach (var v in new[] { r.AllocationView, r.DemandView })
            {
                var need = v.Used / n;
                if (!double.IsFinite(need) || need <= 0 || !double.IsFinite(v.Headroom) || v.Limit <= 0)
                {
                    continue;
                }

                var key = r.Resource + " " + (v.Basis == CapacityBasis.Allocation ? "allocation" : "demand");
                perVm[key] = R(need);
                fits[key] = (int)Math.Floor(Math.Max(0, v.Headroom) / need);
            }
        }

        if (fits.Count == 0)
        {
            return new StandardVmFit(0, "no resource with both capacity and use", mix, perVm, fits, "no resource has both a capacity and a use to divide");
        }

        var limiting = fits.OrderBy(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).First();
        var top = string.Join(", ", mix.Take(3).Select(s => F($"{s.Count} x {s.Vcpus} vCPU/{s.MemoryBytes / (double)GiB:0.#} GiB")));
        var packed = Packed(snapshot, hosts, perVm, limiting.Value);
        var rule = F($"the mean VM of today's mix ({n} VMs; most common: {top}) needs {Describe(limiting.Key, perVm[limiting.Key])}; {limiting.Key} headroom at N+k fits {limiting.Value}; each resource and view is checked, the smallest count wins");
        if (packed < limiting.Value)
        {
            fits[PerHost] = packed;
            return new StandardVmFit(packed, PerHost, mix, perVm, fits,
                rule + F($"; but placed one by one on single hosts (today's sizes in turn, first fit) only {packed} fit: the free room is split across hosts"));
        }

        return new StandardVmFit(limiting.Value, limiting.Key, mix, perVm, fits, rule + F($"; placed one by one on single hosts they fit too"));
    }

    /// <summary>How many of today's VMs, taken in name order again and again, fit by first fit on the hosts' own headroom (stops at <paramref name="cap"/>).</summary>
    private static int Packed(ClusterSnapshot snapshot, ResourceCapacity[][] hosts, IReadOnlyDictionary<string, double> perVm, int cap)
    {
        var room = hosts.Select(rows => rows.SelectMany(r => new[] { r.AllocationView, r.DemandView }.Select(v => (Key: r.Resource + " " + (v.Basis == CapacityBasis.Allocation ? "allocation" : "demand"), v)))
            .Where(x => perVm.ContainsKey(x.Key) && double.IsFinite(x.v.Headroom) && x.v.Limit > 0)
            .ToDictionary(x => x.Key, x => x.v.Headroom, StringComparer.Ordinal)).ToArray();
        var vms = snapshot.Vms.OrderBy(v => v.Name, StringComparer.Ordinal).ToArray();
        var meanVcpus = vms.Average(v => (double)v.Vcpus);
        var meanMemory = vms.Average(v => (double)v.MemoryBytes);
        for (var placed = 0; placed < cap; placed++)
        {
            var vm = vms[placed % vms.Length];

            // Allocation needs the VM's own size; demand scales the mix's mean demand by the VM's size.
            double Need(string key) => key switch
            {
                "cpu allocation" => vm.Vcpus,
                "memory allocation" => vm.MemoryBytes,
                "disk allocation" => vm.DiskBytes ?? perVm[key],
                "cpu demand" => perVm[key] * vm.Vcpus / meanVcpus,
                "memory demand" => perVm[key] * vm.MemoryBytes / meanMemory,
                _ => perVm[key],
            };

            var host = Array.FindIndex(room, r => r.Count > 0 && r.All(kv => kv.Value >= Need(kv.Key)));
            if (host < 0)
            {
                return placed;
            }

            foreach (var key in room[host].Keys.ToArray())
            {
                room[host][key] -= Need(key);
            }
        }

        return cap;
    }

    /// <summary>When to order: the earliest full date of any resource (upper growth) minus the lead time; how much: typical hosts for lead + cover days.</summary>
    private static PurchaseAdvice Purchase(ClusterSnapshot snapshot, HostSpec[] active, ResourceCapacity[] cluster, CapacityOptions o)
    {
        var first = cluster.Where(r => double.IsFinite(r.Capacity) && r.Capacity > 0)
            .Select(r => (Row: r, At: r.Full.Earliest ?? r.Full.Days))
            .Where(x => x.At is not null)
            .OrderBy(x => x.At).FirstOrDefault();
        var horizon = o.LeadTimeDays + o.CoverDays;
        var hosts = 0;
        var reasons = new List<string>();
        foreach (var r in cluster.Where(r => r.Capacity > 0))
        {
            var typical = Quantiles.Median(active.Select(h => Capacity(h, r.Resource)).ToArray());
            if (!(typical > 0))
            {
                continue;
            }

            var a = r.AllocationView;
            if (a.Headroom < 0)
            {
                var k = (int)Math.Ceiling(-a.Headroom / (typical * AllocationRatio(r.Resource, o)));
                hosts = Math.Max(hosts, k);
                reasons.Add(F($"{r.Resource} allocation over by {AllocatedAmount(r.Resource, -a.Headroom)}: {k} host(s)"));
            }

            // The amount follows the expected growth (the next order corrects it); the upper growth is stated beside it.
            var d = r.DemandView;
            if (double.IsFinite(d.Used))
            {
                var expected = Math.Max(0, d.GrowthPerDay);
                var upper = Math.Max(0, d.GrowthPerDay + (Z90 * d.GrowthStdError));
                int Hosts(double growth) => (int)Math.Ceiling(Math.Max(0, d.Used + (growth * horizon) - d.Limit) / (typical * o.TargetUtilisation));
                var k = Hosts(expected);
                hosts = Math.Max(hosts, k);
                if (k > 0 || Hosts(upper) > 0)
                {
                    reasons.Add(F($"{r.Resource} demand in {horizon} d is {Amount(r.Resource, d.Used + (expected * horizon))} expected ({Amount(r.Resource, d.Used + (upper * horizon))} at the upper growth, {Hosts(upper)} host(s)) against usable {Amount(r.Resource, d.Limit)}: {k} host(s)"));
                }
            }
        }

        if (first.Row is null)
        {
            return new PurchaseAdvice("none", CapacityBasis.Demand, null, null, hosts, o.LeadTimeDays, o.CoverDays,
                F($"no resource is full within {o.HorizonDays} d even at the upper growth; no order needed"));
        }

        var orderIn = Math.Max(0, Math.Round(first.At!.Value - o.LeadTimeDays, 1));
        hosts = Math.Max(hosts, 1);
        var basis = first.Row.Binding;
        var rule = F($"{first.Row.Resource} ({(basis == CapacityBasis.Allocation ? "allocation" : "demand")}) is full in {first.At:0.#} d at the earliest; minus the {o.LeadTimeDays} d lead time: order {(orderIn <= 0 ? "now" : F($"within {orderIn:0.#} d"))}. Amount: hosts of the median size so that every resource stays within its limits for {o.LeadTimeDays} + {o.CoverDays} d ({(reasons.Count == 0 ? "1 host as the minimum order" : string.Join("; ", reasons))})");
        return new PurchaseAdvice(first.Row.Resource, basis, orderIn, snapshot.PlanTime + (long)Math.Round(orderIn * HourlyGrid.Day), hosts, o.LeadTimeDays, o.CoverDays, rule);
    }

    private static double AllocationRatio(string resource, CapacityOptions o) => resource switch
    {
        "cpu" => o.CpuAllocationRatio,
        "memory" => o.MemoryAllocationRatio,
        _ => o.DiskAllocationRatio,
    };

    private static string Amount(string resource, double value) => resource == "cpu" ? F($"{value:0.##} cores") : F($"{value / GiB:0.#} GiB");

    private static string AllocatedAmount(string resource, double value) => resource == "cpu" ? F($"{value:0.#} vCPUs") : F($"{value / GiB:0.#} GiB");

    private static string Describe(string key, double perVm) => key.StartsWith("cpu allocation", StringComparison.Ordinal) ? F($"{perVm:0.##} vCPUs")
        : key.StartsWith("cpu", StringComparison.Ordinal) ? F($"{perVm:0.##} cores at p95")
        : key.EndsWith("allocation", StringComparison.Ordinal) ? F($"{perVm / GiB:0.##} GiB allocated") : F($"{perVm / GiB:0.##} GiB used at p95");

    private static string Days(double? days, int horizon) => days switch
    {
        null => F($"> {horizon} d"),
        <= 0 => "now",
        { } d => F($"{d:0} d"),
    };

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static double Capacity(HostSpec h, string resource) => resource switch
    {
        "cpu" => h.CpuCores,
        "memory" => h.MemoryBytes,
        _ => h.DiskBytes ?? 0,
    };

    private static double Allocated(ClusterSnapshot s, int[] vms, string resource) => resource switch
    {
        "cpu" => vms.Sum(i => (double)s.Vms[i].Vcpus),
        "memory" => vms.Sum(i => (double)s.Vms[i].MemoryBytes),
        _ => vms.Sum(i => (double)(s.Vms[i].DiskBytes ?? 0)),
    };

    /// <summary>Sum over VMs per hour; NaN when no VM has data (a VM without any data adds nothing).</summary>
    private static double[] Sum(double[][] perVm, int[] vms)
    {
        var n = TrendDays * 24;
        var result = new double[n];
        Array.Fill(result, double.NaN);
        foreach (var v in vms)
        {
            var s = perVm[v];
            for (var i = 0; i < n; i++)
            {
                if (!double.IsNaN(s[i]))
                {
                    result[i] = (double.IsNaN(result[i]) ? 0 : result[i]) + s[i];
                }
            }
        }

        return result;
    }

    /// <summary>Gaps inside a VM's history take its median so that a gap looks neither idle nor busy; before its first sample stays NaN.</summary>
    private static double[] Filled(double[] hourly, bool zeroWhenEmpty = false)
    {
        var first = Array.FindIndex(hourly, double.IsFinite);
        if (first < 0)
        {
            return zeroWhenEmpty ? new double[hourly.Length] : hourly;
        }

        var median = Quantiles.Median(hourly);
        for (var i = first; i < hourly.Length; i++)
        {
            if (double.IsNaN(hourly[i]))
            {
                hourly[i] = median;
            }
        }

        return hourly;
    }

    private static double[] Add(double[] a, double[] b) => [.. a.Zip(b, (x, y) => double.IsNaN(x) ? x : x + (double.IsNaN(y) ? 0 : y))];

    private static double R(double x) => double.IsFinite(x) ? Math.Round(x, 4) : x;
}
