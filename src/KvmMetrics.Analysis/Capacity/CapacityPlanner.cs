using System.Globalization;
using KvmMetrics.Analysis.Cluster;

namespace KvmMetrics.Analysis.Capacity;

/// <summary>
/// Capacity per cluster and host for CPU, memory and disk: demand (usage plus contention for CPU) and allocation,
/// usable capacity with an N+k host reserve, a trend of daily p95 demand, time until full (expected and from the
/// upper 95% band) and a recommended size. Pure: history and time come in as arguments.
/// </summary>
public static class CapacityPlanner
{
    private const int TrendDays = 90;
    private const int ForecastDays = 90;

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
        foreach (var resource in new[] { "cpu", "memory", "disk" })
        {
            var caps = active.Select(h => Capacity(h, resource)).ToArray();
            var reserve = caps.OrderDescending().Take(options.ReserveHosts).Sum();
            var total = caps.Sum();
            rows.Add(Row("cluster", resource, total, Math.Max(0, total - reserve), reserve, Allocated(snapshot, all, resource), demand[resource], all, options,
                caps.Length <= options.ReserveHosts
                    ? $"only {caps.Length} active host(s) for a reserve of {options.ReserveHosts}: no usable capacity"
                    : $"N+{options.ReserveHosts}: the {options.ReserveHosts} largest active host(s) held back; hosts in maintenance or drain excluded"));
        }

        foreach (var host in snapshot.Hosts)
        {
            var vms = all.Where(i => snapshot.Vms[i].Host == host.Name).ToArray();
            foreach (var resource in new[] { "cpu", "memory", "disk" })
            {
                var cap = Capacity(host, resource);
                rows.Add(Row(host.Name, resource, cap, cap, 0, Allocated(snapshot, vms, resource), demand[resource], vms, options,
                    snapshot.IsDraining(host.Name) ? "host is in maintenance or being drained" : "demand of the VMs placed here now"));
            }
        }

        var sizing = RightSizing.Classify(snapshot, history, options);
        var summary = new SizingSummary(
            sizing.Count(s => s.Class == "idle"), sizing.Count(s => s.Class == "oversized"), sizing.Count(s => s.Class == "undersized"),
            sizing.Sum(s => s.ReclaimableVcpus), sizing.Sum(s => s.ReclaimableMemoryBytes));
        return new CapacityReport(snapshot.PlanTime, options.ReserveHosts, rows, sizing, summary);
    }

    private static ResourceCapacity Row(
        string scope, string resource, double capacity, double afterReserve, double reserve, double allocated, double[][] perVm, int[] vms,
        CapacityOptions o, string note)
    {
        var usable = afterReserve * o.TargetUtilisation;
        var hourly = Sum(perVm, vms);
        if (capacity <= 0 || hourly.All(double.IsNaN))
        {
            var why = capacity <= 0 ? $"no {resource} capacity given for {scope}" : $"no {resource} history for the VMs of {scope}";
            return new ResourceCapacity(scope, resource, capacity, R(usable), R(allocated), capacity > 0 ? R(allocated / capacity) : 0, double.NaN, 0, double.NaN, null, null, double.NaN, why);
        }

        var daily = Enumerable.Range(0, hourly.Length / 24).Select(d => Quantiles.Of(hourly.Skip(d * 24).Take(24), 0.95)).ToArray();
        var fit = TrendProjection.Fit(daily);
        var current = Quantiles.Of(hourly.Skip(hourly.Length - (7 * 24)), 0.95);
        var forecast = Math.Max(0, fit.Expected(ForecastDays));
        var expected = TrendProjection.DaysUntil(fit.Expected, usable, o.HorizonDays);
        var conservative = TrendProjection.DaysUntil(fit.Upper, usable, o.HorizonDays);

        // Capacity that keeps the larger of today's and the forecast demand at the target, plus the reserve.
        var recommended = (Math.Max(current, forecast) / o.TargetUtilisation) + reserve;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{note}; trend of daily p95 over {fit.Points} days, forecast at {ForecastDays} days; target utilisation {o.TargetUtilisation:0%}");
        return new ResourceCapacity(scope, resource, R(capacity), R(usable), R(allocated), R(allocated / capacity), R(current),
            R(fit.Slope), R(forecast), expected, conservative, R(recommended), text);
    }

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
