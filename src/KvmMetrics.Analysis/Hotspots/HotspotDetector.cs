using System.Globalization;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Planning;

namespace KvmMetrics.Analysis.Hotspots;

/// <summary>
/// Finds host hotspots over the lookback window before the snapshot's plan time (sustained CPU, memory used,
/// memory headroom, vCPU contention), forecast hotspots (p95 of the next hours above the watermark), and ranks
/// noisy neighbours on contended hosts. Pure: history and time come in as arguments.
/// </summary>
public sealed class HotspotDetector(HotspotOptions? options = null, IDemandForecaster? forecaster = null)
{
    private readonly HotspotOptions _options = options ?? new HotspotOptions();
    private readonly IDemandForecaster _forecaster = forecaster ?? new SameHourQuantileForecaster();

    /// <summary>Runs every rule on every host.</summary>
    public HotspotReport Detect(ClusterSnapshot snapshot, ClusterHistory history)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(history);
        var o = _options;
        var p = snapshot.Policy;
        var bins = (int)Math.Max(1, o.LookbackSeconds / o.StepSeconds);
        var start = snapshot.PlanTime - (bins * o.StepSeconds);
        var stamps = Enumerable.Range(0, bins).Select(i => start + (i * o.StepSeconds)).ToArray();
        var findings = new List<HotspotFinding>();
        var neighbours = new List<NoisyNeighbour>();
        var largestVm = snapshot.Vms.Count == 0 ? 0 : snapshot.Vms.Max(v => v.MemoryBytes);

        foreach (var host in snapshot.Hosts)
        {
            var vms = snapshot.Vms.Where(v => v.Host == host.Name).ToArray();
            if (vms.Length == 0)
            {
                continue;
            }

            var cpu = vms.Select(v => HourlyGrid.Means(history.Get(v.Name, ClusterMetrics.CpuCores), start, bins, o.StepSeconds)).ToArray();
            var mem = vms.Select(v => HourlyGrid.Means(history.Get(v.Name, ClusterMetrics.MemoryBytes), start, bins, o.StepSeconds)).ToArray();
            var steal = vms.Select(v => HourlyGrid.Means(history.Get(v.Name, ClusterMetrics.CpuStealCores), start, bins, o.StepSeconds)).ToArray();

            var cpuFraction = Sum(cpu).Select(x => x / host.CpuCores).ToArray();
            Add(findings, host.Name, HotspotRules.CpuSustained, stamps, cpuFraction,
                new HysteresisOptions(p.CpuHighWatermark, p.CpuHighWatermark - p.CpuClearMargin, p.SustainSteps, p.ClearSteps),
                "sum of VM cpu_cores / host cpuCores", peak => peak > p.CpuCriticalPeak ? "critical" : "warning",
                (e, sev) => F($"{host.Name}: CPU above {p.CpuHighWatermark:0%} of {host.CpuCores} cores for {p.SustainSteps}+ consecutive {StepText(o.StepSeconds)} steps (peak {e.Peak:0%})"));

            var memUsed = Sum(mem);
            var memFraction = memUsed.Select(x => x / host.MemoryBytes).ToArray();
            Add(findings, host.Name, HotspotRules.MemoryUsed, stamps, memFraction,
                new HysteresisOptions(p.MemoryHighWatermark, p.MemoryHighWatermark - p.MemoryClearMargin, p.SustainSteps, p.ClearSteps),
                "sum of VM memory_bytes / host memoryBytes", peak => peak > p.MemoryCriticalPeak ? "critical" : "warning",
                (e, sev) => F($"{host.Name}: memory used above {p.MemoryHighWatermark:0%} (peak {e.Peak:0%})"));

            // Headroom: free memory smaller than the largest VM of the cluster means the host can no longer
            // take in any VM of that size, e.g. during another host's evacuation.
            var headroom = memUsed.Select(u => double.IsNaN(u) ? double.NaN : largestVm / Math.Max(1.0, host.MemoryBytes - u)).ToArray();
            Add(findings, host.Name, HotspotRules.MemoryHeadroom, stamps, headroom,
                new HysteresisOptions(p.HeadroomEnterRatio, p.HeadroomClearRatio, p.SustainSteps, p.ClearSteps),
                "largest VM memoryBytes / (host memoryBytes - sum of VM memory_bytes)", _ => "info",
                (e, sev) => F($"{host.Name}: less free memory than the largest VM ({largestVm / 1073741824.0:0.#} GiB) needs"));

            var vcpus = vms.Sum(v => v.Vcpus);
            var stealPerVcpu = Sum(steal).Select(x => x / vcpus).ToArray();
            var contention = Add(findings, host.Name, HotspotRules.Contention, stamps, stealPerVcpu,
                new HysteresisOptions(p.StealPerVcpu, p.StealPerVcpu * p.StealClearFactor, p.SustainSteps, p.ClearSteps),
                "sum of VM cpu_steal_cores / sum of vcpus", peak => peak > p.StealCriticalFactor * p.StealPerVcpu ? "critical" : "warning",
                (e, sev) => F($"{host.Name}: vCPUs waited {e.Peak:0.0%} of the time at peak (threshold {p.StealPerVcpu:0%})"));
            if (contention is not null)
            {
                neighbours.AddRange(NoisyNeighbours(host.Name, vms, cpu, steal, stamps, contention, snapshot.PlanTime));
            }
        }

        findings.AddRange(WillBeHot(snapshot, history));
        return new HotspotReport(
            [.. findings.OrderBy(f => f.Host, StringComparer.Ordinal).ThenBy(f => f.Rule, StringComparer.Ordinal).ThenBy(f => f.Start)],
            neighbours);
    }

    private IEnumerable<HotspotFinding> WillBeHot(ClusterSnapshot snapshot, ClusterHistory history)
    {
        var o = _options;
        var p = snapshot.Policy;
        var horizonSnapshot = snapshot with { Policy = p with { HorizonHours = o.ForecastHours } };
        var forecasts = snapshot.Vms
            // A VM without history adds nothing here: a finding must rest on data (the planner, by contrast,
            // assumes the full allocation and says so).
            .Select(v => _forecaster.Forecast(v.Name, history.Get(v.Name, ClusterMetrics.CpuCores), snapshot.PlanTime, o.ForecastHours, 0))
            .ToArray();
        var model = new LoadModel(horizonSnapshot, forecasts);
        for (var h = 0; h < model.Hosts.Length; h++)
        {
            var profile = model.P95Profile(h);
            var cores = model.Hosts[h].CpuCores;
            var first = Array.FindIndex(profile, x => x > p.CpuHighWatermark * cores);
            if (first < 0)
            {
                continue;
            }

            var load = model.Load(h);
            yield return new HotspotFinding(load.Host, HotspotRules.WillBeHot, load.ExpectedHotHours >= p.WillBeHotWarningHours ? "warning" : "info",
                snapshot.PlanTime + (first * HourlyGrid.Hour), null, "p95 of forecast host cpu_cores (" + _forecaster.Name + ")",
                p.CpuHighWatermark * cores, load.PeakP95Cores,
                F($"{load.Host}: forecast p95 CPU reaches {load.PeakP95Cores:0.##} of {cores} cores ({load.PeakP95Fraction:0%}) from hour {first}, {load.ExpectedHotHours:0.#} expected hot hours in the next {o.ForecastHours} h"));
        }
    }

    private static Episode? Add(
        List<HotspotFinding> findings, string host, string rule, long[] stamps, double[] values, HysteresisOptions thresholds,
        string series, Func<double, string> severity, Func<Episode, string, string> message)
    {
        Episode? last = null;
        foreach (var e in Hysteresis.Detect(stamps, values, thresholds))
        {
            var sev = severity(e.Peak);
            findings.Add(new HotspotFinding(host, rule, sev, e.Start, e.End, series, thresholds.Enter, Math.Round(e.Peak, 4), message(e, sev)));
            last = e;
        }

        return last;
    }

    private static IEnumerable<NoisyNeighbour> NoisyNeighbours(
        string host, VmSpec[] vms, double[][] cpu, double[][] steal, long[] stamps, Episode episode, long planTime)
    {
        var end = episode.End ?? planTime;
        var length = end - episode.Start;
        var inside = stamps.Select(t => t >= episode.Start && t < end).ToArray();
        var before = stamps.Select(t => t < episode.Start && t >= episode.Start - length).ToArray();
        var ranked = new List<(int Vm, double Score, double Rise, double StealRise, double R)>();
        for (var v = 0; v < vms.Length; v++)
        {
            var othersSteal = new double[stamps.Length];
            for (var i = 0; i < stamps.Length; i++)
            {
                othersSteal[i] = Enumerable.Range(0, vms.Length).Where(o => o != v).Sum(o => double.IsNaN(steal[o][i]) ? 0 : steal[o][i]);
            }

            var rise = Mean(cpu[v], inside) - Mean(cpu[v], before);
            var stealRise = Mean(othersSteal, inside) - Mean(othersSteal, before);
            var window = inside.Zip(before, (a, b) => a || b).ToArray();
            var r = Correlation(cpu[v], othersSteal, window);
            var score = Math.Max(0, double.IsNaN(rise) ? 0 : rise) * Math.Max(0, double.IsNaN(r) ? 0 : r);
            if (score > 0 && stealRise > 0)
            {
                ranked.Add((v, score, rise, stealRise, r));
            }
        }

        return ranked.OrderByDescending(x => x.Score).ThenBy(x => vms[x.Vm].Name, StringComparer.Ordinal).Select((x, i) => new NoisyNeighbour(
            host, vms[x.Vm].Name, i + 1, Math.Round(x.Score, 4), Math.Round(x.Rise, 4), Math.Round(x.StealRise, 4), Math.Round(x.R, 4),
            F($"{vms[x.Vm].Name} used {x.Rise:+0.##;-0.##} cores more during the contention than before it while the other VMs' steal rose by {x.StealRise:0.##} cores (correlation {x.R:0.00})")));
    }

    private static double[] Sum(double[][] perVm)
    {
        var n = perVm[0].Length;
        var result = new double[n];
        for (var i = 0; i < n; i++)
        {
            double sum = 0;
            var present = 0;
            foreach (var s in perVm)
            {
                if (!double.IsNaN(s[i]))
                {
                    sum += s[i];
                    present++;
                }
            }

            // A bin where most VMs are missing would look like a dip, not data: leave it a gap.
            result[i] = present * 2 >= perVm.Length && present > 0 ? sum : double.NaN;
        }

        return result;
    }

    private static double Mean(double[] values, bool[] mask)
    {
        double sum = 0;
        var n = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (mask[i] && !double.IsNaN(values[i]))
            {
                sum += values[i];
                n++;
            }
        }

        return n == 0 ? double.NaN : sum / n;
    }

    private static double Correlation(double[] x, double[] y, bool[] mask)
    {
        var idx = Enumerable.Range(0, x.Length).Where(i => mask[i] && !double.IsNaN(x[i]) && !double.IsNaN(y[i])).ToArray();
        if (idx.Length < 3)
        {
            return double.NaN;
        }

        var mx = idx.Average(i => x[i]);
        var my = idx.Average(i => y[i]);
        double sxy = 0, sxx = 0, syy = 0;
        foreach (var i in idx)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }

        return sxx <= 0 || syy <= 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>"5 min" for whole minutes, else "15 s" (finer Prometheus steps would otherwise read "0 min").</summary>
    private static string StepText(long seconds) => seconds % 60 == 0 ? F($"{seconds / 60} min") : F($"{seconds} s");
}
