using KvmMetrics.Analysis.Capacity;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.Hotspots;
using KvmMetrics.Analysis.Planning;
using KvmMetrics.Analysis.TimeSeries;
using KvmMetrics.Analyzer.Sources;
using static KvmMetrics.Analyzer.Report.Fmt;

namespace KvmMetrics.Analyzer.Report;

/// <summary>The headline numbers printed to the terminal after a report run.</summary>
/// <param name="Hosts">Hosts in the cluster.</param>
/// <param name="Vms">VMs in the cluster.</param>
/// <param name="CpuHeadroomCores">Usable CPU (N+1, target utilisation) minus p95 demand.</param>
/// <param name="MemoryHeadroomBytes">Usable memory minus p95 demand.</param>
/// <param name="CpuDaysUntilFull">Expected days until CPU demand reaches usable capacity, null when not within the horizon.</param>
/// <param name="MemoryDaysUntilFull">Same for memory.</param>
/// <param name="HorizonDays">Horizon of the time-until-full projection.</param>
/// <param name="HotHosts">Hosts with a CPU hotspot this week.</param>
/// <param name="Moves">Recommended migrations.</param>
public sealed record ReportSummary(int Hosts, int Vms, double CpuHeadroomCores, double MemoryHeadroomBytes, double? CpuDaysUntilFull, double? MemoryDaysUntilFull, int HorizonDays, int HotHosts, int Moves);

/// <summary>
/// Runs the analysis library (capacity, hotspots, planner, forecasting engine) on one data set at one
/// time and turns the results into a <see cref="ReportDocument"/>. Pure: same input and time, same document.
/// </summary>
public static class ReportBuilder
{
    /// <summary>Days of history drawn before the forecast origin.</summary>
    public const int ChartHistoryDays = 21;

    /// <summary>Days forecast ahead in the charts.</summary>
    public const int ForecastDays = 14;

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
        var totals = Resources.Select(r => ClusterTotal(snapshot, history, r, now)).ToArray();
        var forecasts = new Forecast?[Resources.Length];
        var pastForecasts = new Forecast?[Resources.Length];
        for (var i = 0; i < Resources.Length; i++)
        {
            progress(F($"forecasting cluster {Resources[i].Name} ({i + 1}/{Resources.Length})"));
            forecasts[i] = TryForecast(engine, totals[i], ForecastDays * 24, notes, Resources[i].Name);
            pastForecasts[i] = TryForecast(engine, totals[i] with { Values = totals[i].Values[..^Week] }, Week, notes, Resources[i].Name + " (last week)");
        }

        progress("forecast accuracy per host");
        var hostAccuracy = snapshot.Hosts.Select(h =>
        {
            var series = HostCpu(snapshot, history, h.Name, totals[0].Start, totals[0].Length);
            var f = series.Values.All(double.IsNaN) ? null : TryForecast(engine, series with { Values = series.Values[..^Week] }, Week, notes, h.Name + " CPU (last week)");
            return (Host: h, Series: series, Forecast: f);
        }).ToArray();

        progress("writing the report");
        var clusterRows = capacity.Resources.Where(r => r.Scope == "cluster").ToDictionary(r => r.Resource, StringComparer.Ordinal);
        var cpu = clusterRows["cpu"];
        var mem = clusterRows["memory"];
        var weekFindings = hotspots.Findings;
        var hotHosts = weekFindings.Where(f => f.Rule == HotspotRules.CpuSustained).Select(f => f.Host).Distinct().Count();

        var sections = new List<ReportSection>
        {
            Summary(capacity, options, notes),
            ForecastSection(totals, forecasts, clusterRows, now),
            HostsSection(snapshot, history, plan, weekFindings, now, watermark),
            GrowthSection(snapshot, history, now),
            SizingSection(capacity),
            HotspotSection(hotspots),
            MigrationSection(plan),
            ChangesSection(snapshot, history, totals, now, watermark),
            AccuracySection(totals, pastForecasts, hostAccuracy, now),
        };

        var coverage = Coverage(totals, pastForecasts, hostAccuracy);
        var key = new ReportTable("key-figures", "Key figures", ["Figure", "Value"],
        [
            ["Hosts", I(snapshot.Hosts.Count)],
            ["VMs", I(snapshot.Vms.Count)],
            ["CPU headroom (N+" + I(capacity.ReserveHosts) + ")", N(cpu.UsableCapacity - cpu.Demand, 1) + " cores"],
            ["Memory headroom (N+" + I(capacity.ReserveHosts) + ")", N((mem.UsableCapacity - mem.Demand) / GiB, 1) + " GiB"],
            ["CPU full in", Days(cpu.DaysUntilFullExpected, options.HorizonDays)],
            ["Memory full in", Days(mem.DaysUntilFullExpected, options.HorizonDays)],
            ["Hot hosts this week", I(hotHosts)],
            ["Recommended migrations", I(plan.Moves.Count)],
            ["Reclaimable", I(capacity.Sizing.ReclaimableVcpus) + " vCPUs, " + N(capacity.Sizing.ReclaimableMemoryBytes / GiB, 0) + " GiB"],
            ["Last week's 95% interval coverage", Pct(coverage)],
        ]);

        var doc = new ReportDocument(
            "Weekly capacity report",
            now,
            data.Description,
            key,
            sections,
            notes);
        var summary = new ReportSummary(snapshot.Hosts.Count, snapshot.Vms.Count, cpu.UsableCapacity - cpu.Demand, mem.UsableCapacity - mem.Demand,
            cpu.DaysUntilFullExpected, mem.DaysUntilFullExpected, options.HorizonDays, hotHosts, plan.Moves.Count);
        return (doc, summary);
    }

    private static ReportSection Summary(CapacityReport capacity, CapacityOptions options, List<string> notes)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var r in capacity.Resources.Where(r => r.Scope == "cluster"))
        {
            var (scale, unit) = r.Resource switch { "cpu" => (1.0, "cores"), _ => (GiB, "GiB") };
            if (double.IsNaN(r.Demand))
            {
                // Keep the table to resources the source measures; say what is missing instead of a row of n/a.
                notes.Add(F($"{r.Resource}: {r.Note}; left out of the cluster summary."));
                continue;
            }

            rows.Add([
                r.Resource, unit, N(r.Capacity / scale), N(r.UsableCapacity / scale), N(r.Allocated / scale), N(r.AllocationRatio, 2),
                N(r.Demand / scale), N((r.UsableCapacity - r.Demand) / scale), Pct(r.UsableCapacity > 0 ? 1 - (r.Demand / r.UsableCapacity) : double.NaN),
                N(r.GrowthPerDay / scale, 3), Days(r.DaysUntilFullExpected, options.HorizonDays), Days(r.DaysUntilFullConservative, options.HorizonDays),
            ]);
        }

        var table = new ReportTable("cluster-summary", "Cluster capacity",
            ["Resource", "Unit", "Capacity", "Usable (N+" + I(options.ReserveHosts) + ")", "Allocated", "Allocation ratio", "Demand p95 (7 d)", "Headroom", "Headroom %", "Growth per day", "Full in (expected)", "Full in (conservative)"],
            rows);
        var intro = F($"Usable capacity holds back the {options.ReserveHosts} largest host(s) (N+{options.ReserveHosts}) and targets {options.TargetUtilisation:0%} utilisation. Demand is the p95 of hourly cluster usage over the last 7 days; time until full projects the trend of daily p95 demand (expected) and its upper 95% bound (conservative).");
        return new ReportSection("summary", "Cluster summary", intro, [], [table]);
    }

    private static ReportSection ForecastSection(RegularSeries[] totals, Forecast?[] forecasts, Dictionary<string, ResourceCapacity> capacity, long now)
    {
        var charts = new List<ReportChart>();
        var rows = new List<IReadOnlyList<string>>();
        for (var i = 0; i < Resources.Length; i++)
        {
            var r = Resources[i];
            var f = forecasts[i];
            var lines = new List<ChartLine>();
            double? limit = null;
            if (capacity.TryGetValue(r.Key, out var cap) && cap.Capacity > 0 && !double.IsNaN(cap.Demand))
            {
                lines.Add(new ChartLine("capacity", cap.Capacity / r.Scale, "capacity"));
                lines.Add(new ChartLine("usable (N+1, target)", cap.UsableCapacity / r.Scale, "limit"));
                limit = cap.UsableCapacity / r.Scale;
            }

            var shown = totals[i].Slice(Math.Max(0, totals[i].Length - (ChartHistoryDays * 24)), Math.Min(totals[i].Length, ChartHistoryDays * 24));
            var actual = shown.Values.Select(v => v / r.Scale).ToArray();
            if (f is null)
            {
                rows.Add([r.Name, r.Unit, "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"]);
                continue;
            }

            var scaled = Scale(f, r.Scale);
            string expected = "n/a", conservative = "n/a";
            if (limit is { } l)
            {
                var crossing = ThresholdAnalysis.TimeUntilThreshold(scaled, l);
                expected = Until(crossing.Expected);
                conservative = Until(crossing.Conservative);
            }

            var caption = F($"{r.Name}: hourly cluster total; forecast by {f.Model} (backtest score {N(f.BacktestScore, 2)} vs seasonal naive = 1.00). Usable capacity reached: {expected} expected, {conservative} conservative (upper 95%).");
            charts.Add(new ReportChart("chart-" + r.Key, r.Name + " demand and " + I(ForecastDays) + "-day forecast", r.Unit, shown.Start, shown.Step, actual, f.Start,
                scaled.Mean, scaled.Lower80, scaled.Upper80, scaled.Lower95, scaled.Upper95, lines, caption, "observed", now));
            rows.Add([
                r.Name, r.Unit, f.Model, N(f.BacktestScore, 2), N(MeanOf(actual[^Math.Min(actual.Length, Week)..]), r.Decimals),
                N(MeanOf(scaled.Mean[..Week]), r.Decimals), N(scaled.P95.Max(), r.Decimals), expected, conservative,
            ]);
        }

        var table = new ReportTable("forecast", "Forecast by resource",
            ["Resource", "Unit", "Model", "Backtest score", "Mean last 7 d", "Mean next 7 d", "Peak p95 next 14 d", "Usable reached (expected)", "Usable reached (conservative)"], rows);
        const string intro = "Each chart shows the last 21 days of hourly cluster demand and the forecast for the next 14 days with its 80% (dark) and 95% (light) prediction intervals. The model is chosen per series by a rolling-origin backtest; a score below 1.00 beats the daily seasonal-naive baseline. Time until full uses the usable capacity line: expected from the point forecast, conservative from the upper 95% bound.";
        return new ReportSection("forecasts", "Demand forecasts", intro, charts, [table]);
    }

    private static ReportSection HostsSection(ClusterSnapshot snapshot, ClusterHistory history, MigrationPlan plan, IReadOnlyList<HotspotFinding> findings, long now, double watermark)
    {
        var before = plan.HostsBefore.ToDictionary(h => h.Host, StringComparer.Ordinal);
        var rows = new List<(double Sort, string Name, IReadOnlyList<string> Cells)>();
        foreach (var h in snapshot.Hosts)
        {
            var vms = snapshot.Vms.Where(v => v.Host == h.Name).ToArray();
            var cpu = HostCpu(snapshot, history, h.Name, now - (7 * Day), Week).Values;
            var memUsed = SumOf(vms.Select(v => HourlyGrid.Means(history.Get(v.Name, ClusterMetrics.MemoryBytes), now - (7 * Day), Week)), Week);
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
            rows.Add((double.IsNaN(peak) ? -1 : Math.Max(peak, p95), h.Name, [
                h.Name, status, I(vms.Length), N(h.CpuCores, 0), N(vms.Sum(v => v.Vcpus) / h.CpuCores, 2),
                Pct(vms.Sum(v => (double)v.MemoryBytes) / h.MemoryBytes), Pct(observed.Length == 0 ? double.NaN : observed.Average() / h.CpuCores), Pct(p95),
                I(hotHours), Pct(peak), Pct(memPeak), active.Length == 0 ? "-" : string.Join(" ", active),
            ]));
        }

        var table = new ReportTable("hosts", "Hosts by risk",
            ["Host", "Status", "VMs", "Cores", "vCPU:pCPU", "Memory allocated", "CPU mean (7 d)", "CPU p95 (7 d)", "Hot hours (7 d)", "Forecast p95 peak (next " + I(plan.HorizonHours) + " h)", "Memory used peak (7 d)", "Active findings"],
            [.. rows.OrderByDescending(r => r.Sort).ThenBy(r => r.Name, StringComparer.Ordinal).Select(r => r.Cells)]);
        var intro = F($"Hosts ordered by risk: the higher of last week's p95 CPU and the planner's forecast p95 peak for the coming hours. A host is hot when a sustained CPU or memory hotspot occurred this week, at risk when its forecast or last week's p95 is above the {watermark:0%} watermark, memory use peaked above 90% or another finding is active. Hot hours count hours with mean CPU above the watermark.");
        return new ReportSection("hosts", "Hosts at risk", intro, [], [table]);
    }

    private static ReportSection GrowthSection(ClusterSnapshot snapshot, ClusterHistory history, long now)
    {
        const int days = 28;
        var rows = new List<(double Slope, string Vm, IReadOnlyList<string> Cells)>();
        foreach (var vm in snapshot.Vms)
        {
            var hourly = HourlyGrid.Means(history.Get(vm.Name, ClusterMetrics.CpuCores), now - (days * Day), days * 24);
            var daily = Enumerable.Range(0, days).Select(d => MeanOf(hourly.AsSpan(d * 24, 24).ToArray())).ToArray();
            if (daily.Count(double.IsFinite) < 14)
            {
                continue;
            }

            var fit = TrendProjection.Fit([.. daily.Select(d => double.IsFinite(d) ? d : 0)]);
            var last = MeanOf(hourly[^Week..]);
            var previous = MeanOf(hourly[^(2 * Week)..^Week]);
            var memHourly = HourlyGrid.Means(history.Get(vm.Name, ClusterMetrics.MemoryBytes), now - (days * Day), days * 24);
            var memLast = MeanOf(memHourly[^Week..]);
            var memPrev = MeanOf(memHourly[^(2 * Week)..^Week]);
            rows.Add((fit.Slope, vm.Name, [
                vm.Name, vm.Host, I(vm.Vcpus), N(fit.Slope * 7, 3), N(previous, 2), N(last, 2), Change(previous, last),
                N(memPrev / GiB, 1), N(memLast / GiB, 1), Change(memPrev, memLast),
            ]));
        }

        var table = new ReportTable("growing-vms", "Top growing VMs",
            ["VM", "Host", "vCPUs", "CPU trend (cores/week)", "CPU mean previous week", "CPU mean last week", "CPU change", "Memory previous week (GiB)", "Memory last week (GiB)", "Memory change"],
            [.. rows.Where(r => r.Slope > 0).OrderByDescending(r => r.Slope).ThenBy(r => r.Vm, StringComparer.Ordinal).Take(10).Select(r => r.Cells)],
            "No VM shows a rising CPU trend.");
        const string intro = "The ten VMs whose daily mean CPU rose fastest over the last 28 days (least-squares trend), with last week against the week before.";
        return new ReportSection("growth", "Top growing VMs", intro, [], [table]);
    }

    private static ReportSection SizingSection(CapacityReport capacity)
    {
        static int Rank(string c) => c switch { "idle" => 0, "oversized" => 1, "undersized" => 2, _ => 3 };
        var rows = capacity.Vms.Where(v => v.Class is "idle" or "oversized" or "undersized")
            .OrderBy(v => Rank(v.Class)).ThenByDescending(v => v.ReclaimableVcpus).ThenByDescending(v => v.ReclaimableMemoryBytes).ThenBy(v => v.Vm, StringComparer.Ordinal)
            .Select(v => (IReadOnlyList<string>)[
                v.Vm, v.Class, I(v.Vcpus), I(v.RecommendedVcpus), I(v.ReclaimableVcpus), N(v.MemoryBytes / GiB, 1), N(v.RecommendedMemoryBytes / GiB, 1),
                N(v.ReclaimableMemoryBytes / GiB, 1), N(v.CpuP95Cores, 2), Pct(v.IdleShare), v.Evidence,
            ]).ToArray();
        var s = capacity.Sizing;
        var totals = new ReportTable("sizing-totals", "Right-sizing totals", ["Idle VMs", "Oversized VMs", "Undersized VMs", "Reclaimable vCPUs", "Reclaimable memory (GiB)"],
            [[I(s.Idle), I(s.Oversized), I(s.Undersized), I(s.ReclaimableVcpus), N(s.ReclaimableMemoryBytes / GiB, 1)]]);
        var table = new ReportTable("right-sizing", "Idle, oversized and undersized VMs",
            ["VM", "Class", "vCPUs", "Recommended vCPUs", "Reclaimable vCPUs", "Memory (GiB)", "Recommended memory (GiB)", "Reclaimable memory (GiB)", "CPU p95 (cores)", "Idle share", "Evidence"],
            rows, "Every VM is sized about right.");
        const string intro = "Idle VMs had near-zero CPU, disk and network most of the last 14 days; oversized VMs use far less than they are given at p95; undersized VMs run at their limit or wait for CPU. Reclaimable resources are what the recommended sizes would return to the cluster.";
        return new ReportSection("right-sizing", "Idle, oversized and undersized VMs", intro, [], [totals, table]);
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
            rows.Add([r.Name + " mean (" + r.Unit + ")", N(MeanOf(prev), r.Decimals), N(MeanOf(last), r.Decimals), Change(MeanOf(prev), MeanOf(last))]);
            rows.Add([r.Name + " p95 (" + r.Unit + ")", N(P95(prev), r.Decimals), N(P95(last), r.Decimals), Change(P95(prev), P95(last))]);
        }

        long hotPrev = 0, hotLast = 0;
        foreach (var h in snapshot.Hosts)
        {
            var cpu = HostCpu(snapshot, history, h.Name, now - (14 * Day), 2 * Week).Values;
            hotPrev += cpu[..Week].Count(x => x / h.CpuCores > watermark);
            hotLast += cpu[Week..].Count(x => x / h.CpuCores > watermark);
        }

        rows.Add(["Hot host-hours (CPU > " + Pct(watermark) + ")", I(hotPrev), I(hotLast), Change(hotPrev, hotLast)]);
        var table = new ReportTable("week-over-week", "Week over week", ["Measure", "Previous week", "Last week", "Change"], rows);
        var intro = F($"The last 7 days ({Date(now - (7 * Day))} to {Date(now)}) against the 7 days before, on hourly cluster totals.");
        return new ReportSection("changes", "Week-over-week changes", intro, [], [table]);
    }

    private static ReportSection AccuracySection(RegularSeries[] totals, Forecast?[] past, (HostSpec Host, RegularSeries Series, Forecast? Forecast)[] hosts, long now)
    {
        var rows = new List<IReadOnlyList<string>>();
        var charts = new List<ReportChart>();
        for (var i = 0; i < Resources.Length; i++)
        {
            var r = Resources[i];
            if (past[i] is not { } f)
            {
                continue;
            }

            rows.Add(AccuracyRow("cluster " + r.Name, r.Unit, Scale(f, r.Scale), [.. totals[i].Values[^Week..].Select(x => x / r.Scale)], r.Decimals));
            if (i == 0)
            {
                var shown = totals[i].Slice(Math.Max(0, totals[i].Length - (21 * 24)), Math.Min(totals[i].Length, 21 * 24));
                var s = Scale(f, r.Scale);
                charts.Add(new ReportChart("chart-accuracy-cpu", "CPU: last week's forecast against what happened", r.Unit, shown.Start, shown.Step,
                    [.. shown.Values.Select(x => x / r.Scale)], f.Start, s.Mean, s.Lower80, s.Upper80, s.Lower95, s.Upper95, [],
                    F($"Forecast made at {Time(f.Start)} UTC by {f.Model} for the 7 days that have since passed; the line after the marker is what actually happened."), "actual", now - (7 * Day), "forecast made"));
            }
        }

        foreach (var (host, series, forecast) in hosts.OrderBy(h => h.Host.Name, StringComparer.Ordinal))
        {
            if (forecast is not null)
            {
                rows.Add(AccuracyRow("host " + host.Name + " CPU", "cores", forecast, series.Values[^Week..], 2));
            }
        }

        var table = new ReportTable("forecast-accuracy", "Last period's forecast against actual",
            ["Series", "Unit", "Model", "MAE", "MAE % of mean", "Bias", "80% interval coverage", "95% interval coverage", "Hours compared"], rows,
            "Not enough history for a forecast made a week ago.");
        var intro = F($"Forecasts made a week ago ({Time(now - (7 * Day))} UTC) by the same engine, compared hour by hour with the actual last 7 days. Well-calibrated intervals cover about 80% and 95% of the hours; bias is forecast minus actual (positive = over-forecast).");
        return new ReportSection("accuracy", "Forecast accuracy of the last period", intro, charts, [table]);
    }

    private static IReadOnlyList<string> AccuracyRow(string name, string unit, Forecast f, double[] actual, int decimals)
    {
        double abs = 0, bias = 0, sum = 0;
        int n = 0, in80 = 0, in95 = 0;
        for (var h = 0; h < Math.Min(actual.Length, f.Horizon); h++)
        {
            var y = actual[h];
            if (!double.IsFinite(y))
            {
                continue;
            }

            n++;
            sum += y;
            abs += Math.Abs(f.Mean[h] - y);
            bias += f.Mean[h] - y;
            in80 += y >= f.Lower80[h] && y <= f.Upper80[h] ? 1 : 0;
            in95 += y >= f.Lower95[h] && y <= f.Upper95[h] ? 1 : 0;
        }

        return n == 0
            ? [name, unit, f.Model, "n/a", "n/a", "n/a", "n/a", "n/a", "0"]
            : [name, unit, f.Model, N(abs / n, decimals), Pct(sum > 0 ? abs / sum : double.NaN), N(bias / n, decimals), Pct((double)in80 / n), Pct((double)in95 / n), I(n)];
    }

    private static double Coverage(RegularSeries[] totals, Forecast?[] past, (HostSpec Host, RegularSeries Series, Forecast? Forecast)[] hosts)
    {
        int n = 0, inside = 0;
        void Add(Forecast? f, double[] actual)
        {
            if (f is null)
            {
                return;
            }

            for (var h = 0; h < Math.Min(actual.Length, f.Horizon); h++)
            {
                if (double.IsFinite(actual[h]))
                {
                    n++;
                    inside += actual[h] >= f.Lower95[h] && actual[h] <= f.Upper95[h] ? 1 : 0;
                }
            }
        }

        for (var i = 0; i < totals.Length; i++)
        {
            Add(past[i], totals[i].Values[^Week..]);
        }

        foreach (var h in hosts)
        {
            Add(h.Forecast, h.Series.Values[^Week..]);
        }

        return n == 0 ? double.NaN : (double)inside / n;
    }

    private static Forecast? TryForecast(ForecastEngine engine, RegularSeries series, int horizon, List<string> notes, string name)
    {
        var observed = series.Length - series.MissingCount;
        if (series.Length < 14 * 24 || observed < 7 * 24)
        {
            notes.Add(F($"{name}: only {observed} hourly points, too few for a forecast (need 14 days)."));
            return null;
        }

        return engine.Forecast(series, horizon);
    }

    private static RegularSeries ClusterTotal(ClusterSnapshot snapshot, ClusterHistory history, ResourceDef r, long now)
    {
        const int days = 35;
        var start = now - (days * Day);
        return new RegularSeries(start, Hour, SumOf(snapshot.Vms.Select(v => HourlyGrid.Means(history.Get(v.Name, r.Metric), start, days * 24)), days * 24));
    }

    private static RegularSeries HostCpu(ClusterSnapshot snapshot, ClusterHistory history, string host, long start, int count) =>
        new(start, Hour, SumOf(snapshot.Vms.Where(v => v.Host == host).Select(v => HourlyGrid.Means(history.Get(v.Name, ClusterMetrics.CpuCores), start, count)), count));

    /// <summary>
    /// Sums per-VM hourly means. An hour where more than a quarter of the VMs that have data are missing is a gap
    /// (NaN), so a collection outage does not look like a demand drop; smaller gaps count the missing VMs as absent.
    /// </summary>
    private static double[] SumOf(IEnumerable<double[]> perVm, int count)
    {
        var all = perVm.Where(s => s.Any(double.IsFinite)).ToArray();
        var result = new double[count];
        if (all.Length == 0)
        {
            Array.Fill(result, double.NaN);
            return result;
        }

        for (var t = 0; t < result.Length; t++)
        {
            double sum = 0;
            var missing = 0;
            foreach (var s in all)
            {
                if (double.IsFinite(s[t]))
                {
                    sum += s[t];
                }
                else
                {
                    missing++;
                }
            }

            result[t] = missing * 4 > all.Length ? double.NaN : sum;
        }

        return result;
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

    private static string Until(TimeSpan? span) => span is { } s ? (s.TotalDays < 1 ? N(s.TotalHours, 0) + " h" : N(s.TotalDays, 1) + " d") : "> " + I(ForecastDays) + " d";

    private static double MeanOf(double[] values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? double.NaN : finite.Average();
    }

    private static double P95(double[] values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? double.NaN : Quantiles.Of(finite, 0.95);
    }

    private sealed record ResourceDef(string Key, string Name, string Metric, string Unit, double Scale, int Decimals);
}
