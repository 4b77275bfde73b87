using KvmMetrics.Analysis.Capacity;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.Hotspots;
using KvmMetrics.Analysis.Planning;
using KvmMetrics.Analysis.Reporting;
using KvmMetrics.Analysis.TimeSeries;
using KvmMetrics.Analyzer.Sources;
using static KvmMetrics.Analyzer.Report.Fmt;

namespace KvmMetrics.Analyzer.Report;

/// <summary>The headline numbers printed to the terminal after a report run.</summary>
/// <param name="Hosts">Hosts in the cluster.</param>
/// <param name="Vms">VMs in the cluster.</param>
/// <param name="Capacity">The capacity model the report was laid out from (the CLI line reads the same numbers).</param>
/// <param name="HotHosts">Hosts with a CPU hotspot this week.</param>
/// <param name="Moves">Recommended migrations.</param>
public sealed record ReportSummary(int Hosts, int Vms, CapacityReport Capacity, int HotHosts, int Moves);

/// <summary>
/// Runs the analysis library (capacity model, report analytics, hotspots, planner, forecasting engine) on one data
/// set at one time and lays the results out as a <see cref="ReportDocument"/>. It computes nothing of its own:
/// every number comes from the analysis library, formatted by <see cref="Fmt"/>. Pure: same input and time, same document.
/// </summary>
public static class ReportBuilder
{
    /// <summary>Days of history drawn before the forecast origin.</summary>
    public const int ChartHistoryDays = 21;

    /// <summary>Days forecast ahead in the charts.</summary>
    public const int ForecastDays = 14;

    /// <summary>Weeks of past forecasts scored in the track record.</summary>
    public const int TrackRecordWeeks = 4;

    /// <summary>Rows of the right-sizing table in HTML, Markdown and PDF; the CSV holds every VM.</summary>
    public const int SizingTopN = 15;

    private const long Hour = HourlyGrid.Hour;
    private const long Day = HourlyGrid.Day;
    private const int Week = 168;

    private static readonly ResourceDef[] Resources =
    [
        new("cpu", "CPU", ClusterMetrics.CpuCores, "cores", 1.0, 2),
        new("memory", "Memory", ClusterMetrics.MemoryBytes, "GiB", GiB, 1),
        new("disk-io", "Disk I/O", ClusterMetrics.DiskBytesPerSecond, "MB/s", 1e6, 2),
        new("network", "Network", ClusterMetrics.NetworkBytesPerSecond, "MB/s", 1e6, 2),
    ];

    /// <summary>Builds the report for <paramref name="data"/> at <paramref name="now"/> (Unix seconds).</summary>
    public static (ReportDocument Document, ReportSummary Summary) Build(AnalysisData data, long now, Action<string> progress)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(progress);
        now = Resampler.FloorTo(now, Hour);
        var (snapshot, history) = data.At(now);
        var options = data.Cluster.Capacity;
        var notes = new List<string>(data.Warnings);
        var watermark = snapshot.Policy.CpuHighWatermark;

        progress(F($"capacity and right-sizing for {snapshot.Hosts.Count} hosts, {snapshot.Vms.Count} VMs"));
        var capacity = CapacityPlanner.Analyse(snapshot, history, options);

        progress("hotspots of the last 7 days");
        var hotspots = new HotspotDetector(new HotspotOptions { StepSeconds = Hour, LookbackSeconds = 7 * Day })
            .Detect(snapshot, history);

        progress("migration plan");
        var plan = new MigrationPlanner().Plan(snapshot, history, PlannerState.Empty);

        var engine = new ForecastEngine();
        var totals = Resources.Select(r => ClusterSeries.Total(snapshot, history, r.Metric, now, 35)).ToArray();
        var forecasts = new Forecast?[Resources.Length];
        var lastWeek = new ForecastScore?[Resources.Length];
        var pastForecasts = new Forecast?[Resources.Length];
        for (var i = 0; i < Resources.Length; i++)
        {
            progress(F($"forecasting cluster {Resources[i].Name} ({i + 1}/{Resources.Length})"));
            forecasts[i] = TryForecast(engine, totals[i], ForecastDays * 24, notes, Resources[i].Name);
            if (TryForecast(engine, totals[i] with { Values = totals[i].Values[..^Week] }, Week, notes, Resources[i].Name + " (last week)") is { } past)
            {
                lastWeek[i] = ForecastScore.Compare(Scale(past, Resources[i].Scale), [.. totals[i].Values[^Week..].Select(x => x / Resources[i].Scale)]);
                pastForecasts[i] = past;
            }
        }

        progress(F($"forecast track record of cluster CPU over {TrackRecordWeeks} weeks"));
        var cpuSeries = ClusterSeries.Total(snapshot, history, ClusterMetrics.CpuCores, now, 35 + (7 * TrackRecordWeeks));
        var track = TrackRecord.Weekly(engine, cpuSeries, TrackRecordWeeks, "cores", 1);

        progress("forecast accuracy per host");
        // One batch (one global model) for all hosts: a Forecast call per host trained one LightGBM model each,
        // which dominated the report at fleet scale (issue 18).
        var hostSeries = snapshot.Hosts.Select(h => ClusterSeries.HostCpu(snapshot, history, h.Name, totals[0].Start, totals[0].Length)).ToArray();
        var eligible = Enumerable.Range(0, hostSeries.Length)
            .Where(i => !hostSeries[i].Values.All(double.IsNaN) && CanForecast(hostSeries[i] with { Values = hostSeries[i].Values[..^Week] }, notes, snapshot.Hosts[i].Name + " CPU (last week)"))
            .ToArray();
        var hostForecasts = new Forecast?[hostSeries.Length];
        if (eligible.Length > 0)
        {
            var batch = engine.ForecastMany([.. eligible.Select(i => hostSeries[i] with { Values = hostSeries[i].Values[..^Week] })], Week);
            for (var j = 0; j < eligible.Length; j++)
            {
                hostForecasts[eligible[j]] = batch[j];
            }
        }

        var hostAccuracy = snapshot.Hosts.Select((h, i) =>
            (Host: h, Score: hostForecasts[i] is { } f ? ForecastScore.Compare(f, hostSeries[i].Values[^Week..]) : null)).ToArray();

        progress("writing the report");
        var hosts = ReportAnalytics.Hosts(snapshot, history, plan, hotspots.Findings, capacity, now, watermark);
        var hotHosts = hotspots.Findings.Where(f => f.Rule == HotspotRules.CpuSustained).Select(f => f.Host).Distinct().Count();
        var implausible = ReportAnalytics.Implausibles(snapshot, history, capacity, now);

        var sections = new List<ReportSection>
        {
            Summary(capacity, notes),
            GrowthRoom(capacity),
            ForecastSection(totals, forecasts, capacity, now),
            HostsSection(hosts, plan, watermark, capacity.HorizonDays),
            AfterPlanSection(plan),
            GrowthSection(ReportAnalytics.Growing(snapshot, history, now)),
            SizingSection(capacity),
            HotspotSection(hotspots),
            MigrationSection(plan),
            ChangesSection(snapshot, history, totals, now, watermark),
            AccuracySection(totals, lastWeek, pastForecasts[0], hostAccuracy, track, now),
            PlausibilitySection(implausible),
        };

        var cpu = capacity.Cluster("cpu");
        var mem = capacity.Cluster("memory");
        var disk = capacity.Cluster("disk");
        var s = capacity.Sizing;
        var keyRows = new List<IReadOnlyList<string>>
        {
            new[] { "Hosts", I(snapshot.Hosts.Count) },
            new[] { "VMs", I(snapshot.Vms.Count) },
            new[] { "CPU headroom (N+" + I(capacity.ReserveHosts) + ")", Headroom(cpu) },
            new[] { "Memory headroom (N+" + I(capacity.ReserveHosts) + ")", Headroom(mem) },
            new[] { "CPU full in", FullIn(cpu, capacity.HorizonDays) },
            new[] { "Memory full in", FullIn(mem, capacity.HorizonDays) },
        };
        if (disk.Capacity > 0)
        {
            keyRows.Add(["Disk full in", FullIn(disk, capacity.HorizonDays)]);
        }

        keyRows.AddRange(
        [
            ["Standard VMs that still fit", I(capacity.StandardVms.Count) + " (" + capacity.StandardVms.LimitedBy + ")"],
            ["When to buy (lead time " + I(capacity.Purchase.LeadTimeDays) + " d)", Order(capacity.Purchase, capacity.HorizonDays)],
            ["Hot hosts this week", I(hotHosts)],
            ["Recommended migrations", I(plan.Moves.Count)],
            ["Reclaimable, net", I(s.NetReclaimableVcpus) + " vCPUs, " + N(s.NetReclaimableMemoryBytes / GiB, 0) + " GiB"],
            ["CPU forecast, last " + I(track.Weeks.Count) + " weeks", track.Pooled is { } p ? ShortQuality(p, "cores", 1) : "n/a"],
        ]);
        var key = new ReportTable("key-figures", "Key figures", ["Figure", "Value"], keyRows);

        var doc = new ReportDocument("Weekly capacity report", now, data.Description, key, sections, notes);
        return (doc, new ReportSummary(snapshot.Hosts.Count, snapshot.Vms.Count, capacity, hotHosts, plan.Moves.Count));
    }

    private static ReportSection Summary(CapacityReport capacity, List<string> notes)
    {
        var rows = new List<IReadOnlyList<string>>();
        var rules = new List<IReadOnlyList<string>>();
        foreach (var r in capacity.Resources.Where(r => r.Scope == "cluster"))
        {
            if (r.Capacity <= 0 || double.IsNaN(r.Demand))
            {
                // Keep the table to resources the source measures; say what is missing instead of a row of n/a.
                notes.Add(F($"{r.Resource}: {r.Note}; left out of the cluster summary."));
                continue;
            }

            var a = r.AllocationView;
            var d = r.DemandView;
            var scale = r.Resource == "cpu" ? 1.0 : GiB;
            rows.Add([
                r.Resource, r.Resource == "cpu" ? "vCPUs / cores" : "GiB", N(r.Capacity / scale), N(r.Reserve / scale),
                N(a.Used / scale), N(a.Limit / scale), N(a.Headroom / scale),
                N(d.Used / scale), N(d.Limit / scale), N(d.Headroom / scale), N(d.GrowthPerDay / scale, 3),
                View(r.Binding), FullIn(r, capacity.HorizonDays),
            ]);
            rules.Add([r.Resource, "allocation", a.Full.Rule]);
            rules.Add([r.Resource, "demand", d.Full.Rule]);
        }

        var n = I(capacity.ReserveHosts);
        var table = new ReportTable("cluster-summary", "Cluster capacity: allocation and demand",
            ["Resource", "Unit", "Capacity", "Reserve (N+" + n + ")", "Allocated", "Allocatable (N+" + n + ")", "Allocation headroom",
             "Demand p95 (7 d)", "Usable (N+" + n + ")", "Demand headroom", "Demand growth per day", "Binding view", "Full in"],
            rows);
        var how = new ReportTable("capacity-rules", "How each time until full was found", ["Resource", "View", "Rule and numbers"], rules);
        var intro = F($"Each resource is read two ways. Allocation: what VMs were given (vCPUs, memory) against what may be handed out with the {capacity.ReserveHosts} largest host(s) held back (capacity × allocation ratio). Demand: the p95 of hourly use over the last 7 days against usable capacity (the same hosts held back, × target utilisation). The view that is full first binds and gives the resource's one answer, shown the same way in every table, chart caption, the CSV, the API and /metrics. Time until full = headroom / growth of the demand trend, with a 90% interval from the trend's uncertainty.");
        return new ReportSection("summary", "Cluster summary", intro, [], [table, how]);
    }

    private static ReportSection GrowthRoom(CapacityReport capacity)
    {
        var fit = capacity.StandardVms;
        var p = capacity.Purchase;
        var fits = new ReportTable("standard-vm-fit", "Standard VMs that still fit, by resource and view", ["Resource and view", "Need of one VM of the mix", "VMs that fit"],
            [.. fit.Fits.Select(f => (IReadOnlyList<string>)[f.Key, fit.PerVm.TryGetValue(f.Key, out var need) ? Need(f.Key, need) : "today's sizes in turn, first fit per host", I(f.Value)])]);
        var mix = new ReportTable("vm-mix", "Today's VM-size mix", ["vCPUs", "Memory (GiB)", "VMs", "Share"],
            [.. fit.Mix.Select(m => (IReadOnlyList<string>)[I(m.Vcpus), N(m.MemoryBytes / GiB, 1), I(m.Count), Pct((double)m.Count / Math.Max(1, fit.Mix.Sum(x => x.Count)))])]);
        var buy = new ReportTable("purchase", "When to buy and how much", ["Figure", "Value"],
        [
            ["Advice", Order(p, capacity.HorizonDays)],
            ["First resource to be full", p.OrderInDays is null ? "none within " + I(capacity.HorizonDays) + " d" : p.Resource + " (" + View(p.Basis) + ")"],
            ["Lead time (option leadTimeDays)", I(p.LeadTimeDays) + " d"],
            ["Purchase should last (option coverDays)", I(p.CoverDays) + " d"],
            ["Hosts to add (median host size)", I(p.Hosts)],
            ["Rule", p.Rule],
        ]);
        var intro = F($"How many more VMs of today's size mix fit: {fit.Rule}. When to buy: the first resource to be full (at the early end of its interval) minus the lead time; the amount keeps every resource within its limits for the lead time plus the cover period.");
        return new ReportSection("room", "Room to grow and when to buy", intro, [], [buy, fits, mix]);
    }

    private static string Points(double delta) => double.IsFinite(delta) ? (delta >= 0 ? "+" : "-") + N(Math.Abs(delta) * 100, 0) + " pp" : "n/a";

    private static string Need(string key, double perVm) => key switch
    {
        "cpu allocation" => N(perVm, 2) + " vCPUs",
        "cpu demand" => N(perVm, 2) + " cores (p95)",
        _ => N(perVm / GiB, 2) + " GiB" + (key.EndsWith("demand", StringComparison.Ordinal) ? " (p95)" : ""),
    };

    private static ReportSection ForecastSection(RegularSeries[] totals, Forecast?[] forecasts, CapacityReport capacity, long now)
    {
        var charts = new List<ReportChart>();
        var rows = new List<IReadOnlyList<string>>();
        for (var i = 0; i < Resources.Length; i++)
        {
            var r = Resources[i];
            var f = forecasts[i];
            var lines = new List<ChartLine>();
            var cap = capacity.Resources.FirstOrDefault(c => c.Scope == "cluster" && c.Resource == r.Key);
            var full = "n/a";
            if (cap is not null && cap.Capacity > 0 && !double.IsNaN(cap.Demand))
            {
                lines.Add(new ChartLine("capacity", cap.Capacity / r.Scale, "capacity"));
                lines.Add(new ChartLine("usable (N+" + I(capacity.ReserveHosts) + ", target)", cap.UsableCapacity / r.Scale, "limit"));
                if (r.Key == "memory")
                {
                    // Memory is usually bound by allocation: draw it so the reader sees which line is near.
                    lines.Add(new ChartLine("allocatable (N+" + I(capacity.ReserveHosts) + ")", cap.AllocationView.Limit / r.Scale, "alloclimit"));
                    lines.Add(new ChartLine("allocated", cap.AllocationView.Used / r.Scale, "allocated"));
                }

                full = FullIn(cap, capacity.HorizonDays);
            }

            var shown = totals[i].Slice(Math.Max(0, totals[i].Length - (ChartHistoryDays * 24)), Math.Min(totals[i].Length, ChartHistoryDays * 24));
            var actual = shown.Values.Select(v => v / r.Scale).ToArray();
            if (f is null)
            {
                rows.Add([r.Name, r.Unit, "n/a", "n/a", "n/a", "n/a", "n/a", full]);
                continue;
            }

            var scaled = Scale(f, r.Scale);
            var caption = full == "n/a"
                ? F($"{r.Name}: hourly cluster total; forecast by {f.Model} (backtest score {N(f.BacktestScore, 2)} vs seasonal naive = 1.00). No capacity is known for {r.Name}, so there is no time until full.")
                : F($"{r.Name}: hourly cluster total; forecast by {f.Model} (backtest score {N(f.BacktestScore, 2)} vs seasonal naive = 1.00). {r.Name} full in {full} (capacity model). The bands are for single hours: a band touching the usable line is a peak risk, not a full cluster, which is judged on the 7-day p95.");
            charts.Add(new ReportChart("chart-" + r.Key, r.Name + " demand and " + I(ForecastDays) + "-day forecast", r.Unit, shown.Start, shown.Step, actual, f.Start,
                scaled.Mean, scaled.Lower80, scaled.Upper80, scaled.Lower95, scaled.Upper95, lines, caption, "observed", now));
            rows.Add([
                r.Name, r.Unit, f.Model, N(f.BacktestScore, 2), N(ClusterSeries.MeanOf(actual[^Math.Min(actual.Length, Week)..]), r.Decimals),
                N(ClusterSeries.MeanOf(scaled.Mean[..Week]), r.Decimals), N(scaled.P95.Max(), r.Decimals), full,
            ]);
        }

        var table = new ReportTable("forecast", "Forecast by resource",
            ["Resource", "Unit", "Model", "Backtest score", "Mean last 7 d", "Mean next 7 d", "Peak p95 next 14 d", "Full in (capacity model)"], rows);
        const string intro = "Each chart shows the last 21 days of hourly cluster demand and the forecast for the next 14 days with its 80% (dark) and 95% (light) prediction intervals. The model is chosen per series by a rolling-origin backtest; a score below 1.00 beats the daily seasonal-naive baseline. \"Full in\" is the capacity model's answer (see the cluster summary), the same everywhere.";
        return new ReportSection("forecasts", "Demand forecasts", intro, charts, [table]);
    }

    private static ReportSection HostsSection(IReadOnlyList<HostWeek> hosts, MigrationPlan plan, double watermark, int horizonDays)
    {
        var rows = hosts.Select(h => (IReadOnlyList<string>)[
            h.Host, h.Status, I(h.Vms), N(h.Cores, 0), N(h.VcpuRatio, 2), Pct(h.MemoryAllocatedShare), Pct(h.CpuMean), Pct(h.CpuP95), I(h.HotHours),
            Pct(h.ForecastPeak), Pct(h.MemoryUsedPeak), h.ActiveFindings.Count == 0 ? "-" : string.Join(" ", h.ActiveFindings),
            h.FullResource == "none" ? "n/a" : Full(h.Full, horizonDays) + " (" + h.FullResource + " " + View(h.FullBasis) + ")",
        ]).ToArray();
        var table = new ReportTable("hosts", "Hosts by risk",
            ["Host", "Status", "VMs", "Cores", "vCPU:pCPU", "Memory allocated", "CPU mean (7 d)", "CPU p95 (7 d)", "Hot hours (7 d)", "Forecast p95 peak (next " + I(plan.HorizonHours) + " h)", "Memory used peak (7 d)", "Active findings", "Full in"],
            rows);
        var intro = F($"Hosts ordered by risk: the higher of last week's p95 CPU and the planner's forecast p95 peak for the coming hours. A host is hot when a sustained CPU or memory hotspot occurred this week, at risk when its forecast or last week's p95 is above the {watermark:0%} watermark, memory use peaked above 90% or another finding is active. CPU above 100% is demand the host could not serve (see \"Values above what the hardware delivers\"). \"Full in\" is the host's first resource to be full in the capacity model, with its binding view.");
        return new ReportSection("hosts", "Hosts at risk", intro, [], [table]);
    }

    private static ReportSection AfterPlanSection(MigrationPlan plan)
    {
        var rows = ReportAnalytics.AfterPlan(plan).Select(h => (IReadOnlyList<string>)[
            h.Host, I(h.VmsBefore) + " -> " + I(h.VmsAfter), Pct(h.CpuPeakBefore), Pct(h.CpuPeakAfter), Points(h.CpuPeakAfter - h.CpuPeakBefore),
            Pct(h.MemoryAllocatedBefore), Pct(h.MemoryAllocatedAfter), N(h.HotHoursBefore, 1), N(h.HotHoursAfter, 1),
        ]).ToArray();
        var table = new ReportTable("cluster-after-plan", "Every host before and after the plan",
            ["Host", "VMs", "CPU p95 peak before", "CPU p95 peak after", "CPU change (points)", "Memory allocated before", "Memory allocated after", "Expected hot hours before", "Expected hot hours after"], rows);
        var s = plan.Summary;
        var intro = F($"The planner's forecast for the next {plan.HorizonHours} h on every host, before and after the {s.Moves} recommended move(s): hot hosts {s.HotHostsBefore} -> {s.HotHostsAfter}, expected hot host-hours {N(s.ExpectedHotHoursBefore, 1)} -> {N(s.ExpectedHotHoursAfter, 1)}.");
        return new ReportSection("after-plan", "The cluster after the plan", intro, [], [table]);
    }

    private static ReportSection GrowthSection(IReadOnlyList<VmGrowth> growing)
    {
        var table = new ReportTable("growing-vms", "Top growing VMs",
            ["VM", "Host", "vCPUs", "CPU trend (cores/week)", "CPU mean previous week", "CPU mean last week", "CPU change", "Memory previous week (GiB)", "Memory last week (GiB)", "Memory change"],
            [.. growing.Select(g => (IReadOnlyList<string>)[
                g.Vm, g.Host, I(g.Vcpus), N(g.TrendPerWeek, 3), N(g.PreviousWeekMean, 2), N(g.LastWeekMean, 2), Change(g.PreviousWeekMean, g.LastWeekMean),
                N(g.MemoryPreviousWeek / GiB, 1), N(g.MemoryLastWeek / GiB, 1), Change(g.MemoryPreviousWeek, g.MemoryLastWeek)])],
            "No VM's CPU grew clearly over the last 28 days.");
        const string intro = "Up to ten VMs whose daily mean CPU grew over the last 28 days: the least-squares trend is positive and clear of its noise (more than 1.645 standard errors above zero), last week was above the week before, and the VM is not idle (at least 0.05 cores last week). VMs that merely wobble are left out.";
        return new ReportSection("growth", "Top growing VMs", intro, [], [table]);
    }

    private static ReportSection SizingSection(CapacityReport capacity)
    {
        static int Rank(string c) => c switch { "idle" => 0, "oversized" => 1, "undersized" => 2, _ => 3 };
        var all = capacity.Vms.Where(v => v.Class is "idle" or "oversized" or "undersized")
            .OrderBy(v => Rank(v.Class)).ThenByDescending(v => v.ReclaimableVcpus).ThenByDescending(v => v.ReclaimableMemoryBytes).ThenBy(v => v.Vm, StringComparer.Ordinal)
            .Select(v => (IReadOnlyList<string>)[
                v.Vm, v.Class, I(v.Vcpus), I(v.RecommendedVcpus), I(v.ReclaimableVcpus), N(v.MemoryBytes / GiB, 1), N(v.RecommendedMemoryBytes / GiB, 1),
                N(v.ReclaimableMemoryBytes / GiB, 1), N(v.CpuP95Cores, 2), Pct(v.IdleShare), v.Evidence,
            ]).ToArray();
        var s = capacity.Sizing;
        var totals = new ReportTable("sizing-totals", "Right-sizing totals",
            ["Idle VMs", "Oversized VMs", "Undersized VMs", "Reclaimable vCPUs (gross)", "Reclaimable memory (GiB, gross)", "vCPUs undersized VMs need", "Memory undersized VMs need (GiB)", "Reclaimable vCPUs (net)", "Reclaimable memory (GiB, net)"],
            [[I(s.Idle), I(s.Oversized), I(s.Undersized), I(s.ReclaimableVcpus), N(s.ReclaimableMemoryBytes / GiB, 1), I(s.NeededVcpus), N(s.NeededMemoryBytes / GiB, 1), I(s.NetReclaimableVcpus), N(s.NetReclaimableMemoryBytes / GiB, 1)]]);
        string[] columns = ["VM", "Class", "vCPUs", "Recommended vCPUs", "Reclaimable vCPUs", "Memory (GiB)", "Recommended memory (GiB)", "Reclaimable memory (GiB)", "CPU p95 (cores)", "Idle share", "Evidence"];
        var top = new ReportTable("right-sizing", F($"Idle, oversized and undersized VMs: top {Math.Min(SizingTopN, all.Length)} of {all.Length}"), columns,
            all[..Math.Min(SizingTopN, all.Length)], "Every VM is sized about right.");
        var full = new ReportTable("right-sizing-all", "Every idle, oversized and undersized VM", columns, all, "Every VM is sized about right.", CsvOnly: true);
        var intro = F($"Idle VMs had near-zero CPU, disk and network most of the last 14 days; oversized VMs use far less than they are given at p95; undersized VMs run at their limit or wait for CPU. Recommended sizes keep the sizing margin (option sizingHeadroom, default 1.25 x p95), so what they return is reclaimable without eating into each VM's own margin; net = reclaimed from idle and oversized VMs minus what the undersized ones need. The table shows the largest {Math.Min(SizingTopN, all.Length)}; the CSV (table right-sizing-all) lists all {all.Length}.");
        return new ReportSection("right-sizing", "Idle, oversized and undersized VMs", intro, [], [totals, top, full]);
    }

    private static ReportSection HotspotSection(HotspotReport hotspots)
    {
        var rows = hotspots.Findings.OrderBy(f => f.Start).ThenBy(f => f.Host, StringComparer.Ordinal).ThenBy(f => f.Rule, StringComparer.Ordinal)
            .Select(f => (IReadOnlyList<string>)[f.Host, f.Rule, f.Severity, Time(f.Start), f.End is { } e ? Time(e) : "ongoing", Level(f.Peak, f.Threshold), Level(f.Threshold, f.Threshold), f.Message]).ToArray();
        var table = new ReportTable("hotspots", "Hotspots of the week", ["Host", "Rule", "Severity", "Start (UTC)", "End (UTC)", "Peak", "Threshold", "Finding"], rows, "No hotspot this week.");
        var noisy = new ReportTable("noisy-neighbours", "Noisy neighbours",
            ["Host", "VM", "Rank", "Load rise (cores)", "Others' steal rise (cores)", "Evidence"],
            [.. hotspots.NoisyNeighbours.OrderBy(n => n.Host, StringComparer.Ordinal).ThenBy(n => n.Rank).Select(n => (IReadOnlyList<string>)[n.Host, n.Vm, I(n.Rank), N(n.LoadRiseCores, 2), N(n.OthersStealRiseCores, 2), n.Evidence])],
            "No noisy neighbour (needs vCPU steal data).");
        const string intro = "Findings of the hotspot rules over the last 7 days on hourly means: sustained CPU above the watermark, memory use, memory headroom, vCPU contention and forecast (\"will be hot\"), each with hysteresis so it does not flap.";
        return new ReportSection("hotspots", "The week's hotspots", intro, [], [table, noisy]);
    }

    private static ReportSection MigrationSection(MigrationPlan plan)
    {
        var rows = plan.Moves.Select(m => (IReadOnlyList<string>)[
            I(m.Order), m.Vm, m.From, m.To, m.Kind.ToString().ToLowerInvariant(),
            Pct(m.Before[0].PeakP95Fraction) + " -> " + Pct(m.After[0].PeakP95Fraction),
            Pct(m.Before[1].PeakP95Fraction) + " -> " + Pct(m.After[1].PeakP95Fraction),
            N(m.Cost.TransferBytes / GiB, 1), N(m.Cost.EstimatedSeconds, 0), m.Why,
            m.Alternative is { } a ? F($"{a.Vm} -> {a.To}: {a.Reason}") : "-",
        ]).ToArray();
        var table = new ReportTable("migrations", "Recommended migrations",
            ["#", "VM", "From", "To", "Kind", "Source p95 peak", "Target p95 peak", "Transfer (GiB)", "Est. seconds", "Why", "Best rejected alternative"], rows,
            "No migration recommended: no host is forecast above the watermark, or no move pays for its cost.");
        var s = plan.Summary;
        var issues = new ReportTable("plan-issues", "Planner notes", ["Kind", "Subject", "Message"],
            [.. plan.Issues.Select(i => (IReadOnlyList<string>)[i.Kind, i.Subject, i.Message])], "None.");
        var intro = F($"Live migrations that remove forecast hotspots over the next {plan.HorizonHours} h ({plan.Forecaster} forecast of each VM), ordered, with the expected p95 peak of source and target before and after the move. Expected hot host-hours {N(s.ExpectedHotHoursBefore, 1)} -> {N(s.ExpectedHotHoursAfter, 1)}; hot hosts {s.HotHostsBefore} -> {s.HotHostsAfter}; {N(s.TransferBytes / GiB, 1)} GiB to copy.");
        return new ReportSection("migrations", "Recommended migrations", intro, [], [table, issues]);
    }

    private static ReportSection ChangesSection(ClusterSnapshot snapshot, ClusterHistory history, RegularSeries[] totals, long now, double watermark)
    {
        var rows = new List<IReadOnlyList<string>>();
        for (var i = 0; i < Resources.Length; i++)
        {
            var r = Resources[i];
            var v = totals[i].Values;
            if (v.Length < 2 * Week)
            {
                continue;
            }

            var prev = v[^(2 * Week)..^Week].Select(x => x / r.Scale).ToArray();
            var last = v[^Week..].Select(x => x / r.Scale).ToArray();
            rows.Add([r.Name + " mean (" + r.Unit + ")", N(ClusterSeries.MeanOf(prev), r.Decimals), N(ClusterSeries.MeanOf(last), r.Decimals), Change(ClusterSeries.MeanOf(prev), ClusterSeries.MeanOf(last))]);
            rows.Add([r.Name + " p95 (" + r.Unit + ")", N(ClusterSeries.P95(prev), r.Decimals), N(ClusterSeries.P95(last), r.Decimals), Change(ClusterSeries.P95(prev), ClusterSeries.P95(last))]);
        }

        long hotPrev = 0, hotLast = 0;
        foreach (var h in snapshot.Hosts)
        {
            var cpu = ClusterSeries.HostCpu(snapshot, history, h.Name, now - (14 * Day), 2 * Week).Values;
            hotPrev += cpu[..Week].Count(x => x / h.CpuCores > watermark);
            hotLast += cpu[Week..].Count(x => x / h.CpuCores > watermark);
        }

        rows.Add(["Hot host-hours (CPU > " + Pct(watermark) + ")", I(hotPrev), I(hotLast), Change(hotPrev, hotLast)]);
        var table = new ReportTable("week-over-week", "Week over week", ["Measure", "Previous week", "Last week", "Change"], rows);
        var intro = F($"The last 7 days ({Date(now - (7 * Day))} to {Date(now)}) against the 7 days before, on hourly cluster totals.");
        return new ReportSection("changes", "Week-over-week changes", intro, [], [table]);
    }

    private static ReportSection AccuracySection(
        RegularSeries[] totals, ForecastScore?[] lastWeek, Forecast? pastCpu, (HostSpec Host, ForecastScore? Score)[] hosts, TrackRecord track, long now)
    {
        var rows = new List<IReadOnlyList<string>>();
        for (var i = 0; i < Resources.Length; i++)
        {
            if (lastWeek[i] is { } s)
            {
                rows.Add(AccuracyRow("cluster " + Resources[i].Name, Resources[i].Unit, s, Resources[i].Decimals));
            }
        }

        foreach (var (host, score) in hosts.OrderBy(h => h.Host.Name, StringComparer.Ordinal))
        {
            if (score is not null)
            {
                rows.Add(AccuracyRow("host " + host.Name + " CPU", "cores", score, 2));
            }
        }

        var table = new ReportTable("forecast-accuracy", "Last week's forecast against actual",
            ["Series", "Unit", "Model", "MAE", "MAE % of mean", "Bias", "95% interval width", "80% interval coverage", "95% interval coverage", "Hours compared"], rows,
            "Not enough history for a forecast made a week ago.");
        var weeks = new ReportTable("track-record", F($"Track record: cluster CPU, last {track.Weeks.Count} weeks"),
            ["Forecast made (UTC)", "Model", "MAE (cores)", "MAE % of mean", "Bias (cores)", "95% interval width (cores)", "80% interval coverage", "95% interval coverage", "Hours compared"],
            [.. track.Weeks.Concat(track.Pooled is { } p ? [p] : []).Select((w, i) => (IReadOnlyList<string>)[
                i < track.Weeks.Count ? Time(w.Origin) : "all weeks", w.Model, N(w.Mae, 1), Pct(w.MaeShare), N(w.Bias, 1), N(w.Width95, 1), Pct(w.Coverage80), Pct(w.Coverage95), I(w.Hours)])],
            "No week had enough history before it for a forecast.");
        var charts = new List<ReportChart>();
        if (pastCpu is { } f)
        {
            var shown = totals[0].Slice(Math.Max(0, totals[0].Length - (21 * 24)), Math.Min(totals[0].Length, 21 * 24));
            charts.Add(new ReportChart("chart-accuracy-cpu", "CPU: last week's forecast against what happened", "cores", shown.Start, shown.Step,
                [.. shown.Values], f.Start, f.Mean, f.Lower80, f.Upper80, f.Lower95, f.Upper95, [],
                F($"Forecast made at {Time(f.Start)} UTC by {f.Model} for the 7 days that have since passed; the line after the marker is what actually happened."), "actual", now - (7 * Day), "forecast made"));
        }

        var intro = F($"In plain words: {track.Summary}. Each week's forecast was made by the same engine from only the data before it and compared hour by hour with what followed. Well-calibrated intervals hold about 80% and 95% of the hours; an interval much wider than the mean holds them cheaply and says little. Bias is forecast minus actual (positive = over-forecast).");
        return new ReportSection("accuracy", "Forecast track record", intro, charts, [weeks, table]);
    }

    private static IReadOnlyList<string> AccuracyRow(string name, string unit, ForecastScore s, int decimals) =>
        [name, unit, s.Model, N(s.Mae, decimals), Pct(s.MaeShare), N(s.Bias, decimals), N(s.Width95, decimals), Pct(s.Coverage80), Pct(s.Coverage95), I(s.Hours)];

    /// <summary>The key-figure version of a score: error and interval width first, coverage last.</summary>
    private static string ShortQuality(ForecastScore s, string unit, int decimals) =>
        F($"off by {N(s.Mae, decimals)} {unit}/h ({Pct(s.MaeShare)} of mean); 95% interval {N(s.Width95, decimals)} {unit} wide, held {Pct(s.Coverage95)}");

    private static ReportSection PlausibilitySection(IReadOnlyList<Implausible> items)
    {
        var table = new ReportTable("implausible-values", "Values above what the hardware delivers", ["Host or VM", "What was seen", "What it means"],
            [.. items.Select(i => (IReadOnlyList<string>)[i.Subject, i.What, i.Why])], "None: every host and VM stayed within its cores.");
        const string intro = "Numbers that look impossible are shown, not clipped, because they are what the workload asked for. This section says where they occur and why.";
        return new ReportSection("plausibility", "Values above what the hardware delivers", intro, [], [table]);
    }

    private static Forecast? TryForecast(ForecastEngine engine, RegularSeries series, int horizon, List<string> notes, string name) =>
        CanForecast(series, notes, name) ? engine.Forecast(series, horizon) : null;

    /// <summary>Whether the series has enough history for a forecast; if not, says so in the notes.</summary>
    private static bool CanForecast(RegularSeries series, List<string> notes, string name)
    {
        var observed = series.Length - series.MissingCount;
        if (series.Length < 14 * 24 || observed < 7 * 24)
        {
            notes.Add(F($"{name}: only {observed} hourly points, too few for a forecast (need 14 days)."));
            return false;
        }

        return true;
    }

    /// <summary>Rules compare fractions of capacity except forecast rules, which compare cores: show each in its own unit.</summary>
    private static string Level(double value, double threshold) => threshold > 1.5 ? N(value, 2) + " cores" : Pct(value);

    private static Forecast Scale(Forecast f, double scale) => f with
    {
        Mean = [.. f.Mean.Select(x => x / scale)],
        Lower80 = [.. f.Lower80.Select(x => x / scale)],
        Upper80 = [.. f.Upper80.Select(x => x / scale)],
        Lower95 = [.. f.Lower95.Select(x => x / scale)],
        Upper95 = [.. f.Upper95.Select(x => x / scale)],
        P95 = [.. f.P95.Select(x => x / scale)],
    };

    private sealed record ResourceDef(string Key, string Name, string Metric, string Unit, double Scale, int Decimals);
}
