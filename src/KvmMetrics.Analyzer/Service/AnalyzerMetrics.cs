using KvmMetrics.Exposition;

namespace KvmMetrics.Analyzer.Service;

/// <summary>The <c>kvm_analyzer_*</c> series of <c>/metrics</c> (names and meanings in docs/analyzer.md).</summary>
public static class AnalyzerMetrics
{
    /// <summary>Version reported in <c>kvm_analyzer_build_info</c>.</summary>
    public static string Version { get; } = typeof(AnalyzerMetrics).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private static readonly string[] Rules = ["contention", "cpu-sustained", "memory-headroom", "memory-used", "will-be-hot"];
    private static readonly string[] Classes = ["idle", "no-data", "ok", "oversized", "undersized"];
    private static readonly string[] Tasks = ["hotspots", "load", "plan", "report"];

    private static readonly MetricDescriptor BuildInfo = new("kvm_analyzer_build_info", MetricType.Info, "Version of the analyzer.", "version");
    private static readonly MetricDescriptor Hotspot = new("kvm_analyzer_host_hotspot", MetricType.Gauge, "1 while a hotspot finding of the rule is active on the host, else 0.", "host", "rule");
    private static readonly MetricDescriptor Severity = new("kvm_analyzer_host_hotspot_severity", MetricType.Gauge, "Highest active hotspot severity of the host: 0 none, 1 info, 2 warning, 3 critical.", "host");
    private static readonly MetricDescriptor P95Ratio = new("kvm_analyzer_host_cpu_forecast_p95_ratio", MetricType.Gauge, "Peak of the host's p95 CPU forecast over the planner horizon divided by its cores.", "host");
    private static readonly MetricDescriptor P95Cores = new("kvm_analyzer_host_cpu_forecast_p95_cores", MetricType.Gauge, "Peak of the host's p95 CPU forecast over the planner horizon, in cores.", "host");
    private static readonly MetricDescriptor HotHours = new("kvm_analyzer_host_expected_hot_hours", MetricType.Gauge, "Forecast hours above the CPU watermark in the planner horizon.", "host");
    private static readonly MetricDescriptor Insufficient = new("kvm_analyzer_host_data_insufficient", MetricType.Gauge, "1 when the host was left out of balancing because its CPU data misses too many of the last 24 hours.", "host");
    private static readonly MetricDescriptor CpuCapacity = new("kvm_analyzer_cluster_cpu_capacity_cores", MetricType.Gauge, "Cluster CPU cores: total, and usable without the N+1 reserve at the target utilisation.", "kind");
    private static readonly MetricDescriptor MemCapacity = new("kvm_analyzer_cluster_memory_capacity_bytes", MetricType.Gauge, "Cluster memory: total, and usable without the N+1 reserve at the target utilisation.", "kind");
    private static readonly MetricDescriptor CpuDemand = new("kvm_analyzer_cluster_cpu_demand_cores", MetricType.Gauge, "p95 of hourly cluster CPU demand over the last 7 days.");
    private static readonly MetricDescriptor MemDemand = new("kvm_analyzer_cluster_memory_demand_bytes", MetricType.Gauge, "p95 of hourly cluster memory use over the last 7 days.");
    private static readonly MetricDescriptor UntilFull = new("kvm_analyzer_cluster_time_until_full_seconds", MetricType.Gauge, "Time until demand reaches usable capacity at the current trend; +Inf when not within the horizon.", "resource", "estimate");
    private static readonly MetricDescriptor Pending = new("kvm_analyzer_migrations_pending", MetricType.Gauge, "Moves in the current recommended migration plan.");
    private static readonly MetricDescriptor Move = new("kvm_analyzer_migration_recommended", MetricType.Gauge, "One series per recommended move of the current plan.", "vm", "from", "to", "kind");
    private static readonly MetricDescriptor Vms = new("kvm_analyzer_vms", MetricType.Gauge, "VMs by right-sizing class.", "class");
    private static readonly MetricDescriptor ReclaimVcpus = new("kvm_analyzer_reclaimable_vcpus", MetricType.Gauge, "vCPUs the right-sizing recommendations would free.");
    private static readonly MetricDescriptor ReclaimMemory = new("kvm_analyzer_reclaimable_memory_bytes", MetricType.Gauge, "Memory the right-sizing recommendations would free.");
    private static readonly MetricDescriptor Duration = new("kvm_analyzer_analysis_duration_seconds", MetricType.Gauge, "Duration of the task's last run.", "task");
    private static readonly MetricDescriptor LastSuccess = new("kvm_analyzer_analysis_last_success_timestamp_seconds", MetricType.Gauge, "When the task last succeeded, Unix time; 0 before the first success.", "task");
    private static readonly MetricDescriptor Runs = new("kvm_analyzer_analysis_runs_total", MetricType.Counter, "Analysis task runs by result.", "task", "result");
    private static readonly MetricDescriptor Newest = new("kvm_analyzer_data_newest_sample_timestamp_seconds", MetricType.Gauge, "Time of the newest sample of the last successful load, Unix time.");
    private static readonly MetricDescriptor Age = new("kvm_analyzer_data_age_seconds", MetricType.Gauge, "Now minus the newest sample time of the last successful load.");
    private static readonly MetricDescriptor Stale = new("kvm_analyzer_data_stale", MetricType.Gauge, "1 when the last load failed or the newest sample is older than --stale-after; results shown are the last good ones.");
    private static readonly MetricDescriptor SourceUp = new("kvm_analyzer_source_up", MetricType.Gauge, "1 when the last load from the data source succeeded.");
    private static readonly MetricDescriptor Rebuilt = new("kvm_analyzer_state_rebuilt_total", MetricType.Counter, "State files found corrupt or unreadable and rebuilt empty.", "file");
    private static readonly MetricDescriptor WriteErrors = new("kvm_analyzer_state_write_errors_total", MetricType.Counter, "Saves of a state file in --data.dir that failed (disk full, read-only); the previous file is kept and the next save retries.", "file");

    // The write-back families have the shape of the exporter's kvm_exporter_influx_* (InfluxPushMetrics): same suffixes, types and labels.
    private static readonly MetricDescriptor InfluxWritten = new("kvm_analyzer_influx_points_written_total", MetricType.Counter, "Result points InfluxDB acknowledged (--influx.write; HTTP 204, or the accepted part of a partial write).");
    private static readonly MetricDescriptor InfluxDropped = new("kvm_analyzer_influx_points_dropped_total", MetricType.Counter, "Result points that will never reach InfluxDB, by reason: no_fields (all fields NaN or infinite), invalid (empty name), rejected (InfluxDB refused the line), buffer_full (oldest data dropped at the buffer limit), buffer_error (disk full or I/O error).", "reason");
    private static readonly MetricDescriptor InfluxBufferPoints = new("kvm_analyzer_influx_buffer_points", MetricType.Gauge, "Result points waiting in the write-back buffer (on disk with --influx.write.buffer-dir) while InfluxDB is unreachable or slow.");
    private static readonly MetricDescriptor InfluxBufferBytes = new("kvm_analyzer_influx_buffer_bytes", MetricType.Gauge, "Bytes of line protocol waiting in the write-back buffer.");
    private static readonly MetricDescriptor InfluxRequests = new("kvm_analyzer_influx_requests_total", MetricType.Counter, "HTTP write requests sent to InfluxDB.");
    private static readonly MetricDescriptor InfluxRetries = new("kvm_analyzer_influx_retries_total", MetricType.Counter, "Write requests that failed transiently (connection error, timeout, 5xx, 429, auth) and are retried with backoff.");
    private static readonly MetricDescriptor InfluxUp = new("kvm_analyzer_influx_up", MetricType.Gauge, "1 when the last write request to InfluxDB succeeded, 0 before the first and while writes fail and results accumulate in the buffer.");
    private static readonly MetricDescriptor InfluxLastSuccess = new("kvm_analyzer_influx_last_success_timestamp_seconds", MetricType.Gauge, "Unix time of the last write InfluxDB acknowledged (0 before the first).");

    /// <summary>The <c>kvm_analyzer_influx_*</c> families, present only with <c>--influx.write</c>.</summary>
    public static IReadOnlyList<MetricDescriptor> WriteBackDescriptors { get; } =
        [InfluxWritten, InfluxDropped, InfluxBufferPoints, InfluxBufferBytes, InfluxRequests, InfluxRetries, InfluxUp, InfluxLastSuccess];

    /// <summary>
    /// Builds the metric set from the runner's current status at wall time <paramref name="now"/>, with the write-back
    /// families when <paramref name="writeBack"/> is given; <paramref name="extra"/> adds samples read at scrape time
    /// (the service passes the process's own resource use), keeping this method free of I/O; <paramref name="writeErrors"/>
    /// counts failed state saves by file.
    /// </summary>
    public static MetricSet Build(AnalyzerStatus status, IReadOnlyDictionary<string, long> rebuilt, TimeSpan staleAfter, long now, WriteBackState? writeBack = null, Action<IMetricSink>? extra = null, IReadOnlyDictionary<string, long>? writeErrors = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(rebuilt);
        writeErrors ??= new Dictionary<string, long>();
        var b = new MetricSetBuilder();
        b.Add(BuildInfo, 1, Version);
        var hosts = new SortedSet<string>(StringComparer.Ordinal);
        if (status.Plan is { } plan)
        {
            foreach (var h in plan.Plan.HostsBefore)
            {
                hosts.Add(h.Host);
                b.Add(P95Ratio, h.PeakP95Fraction, h.Host);
                b.Add(P95Cores, h.PeakP95Cores, h.Host);
                b.Add(HotHours, h.ExpectedHotHours, h.Host);
            }

            foreach (var r in plan.Capacity.Resources.Where(r => r.Scope == "cluster"))
            {
                if (r.Resource == "cpu")
                {
                    b.Add(CpuCapacity, r.Capacity, "total");
                    b.Add(CpuCapacity, r.UsableCapacity, "usable");
                    if (!double.IsNaN(r.Demand))
                    {
                        b.Add(CpuDemand, r.Demand);
                    }
                }
                else if (r.Resource == "memory")
                {
                    b.Add(MemCapacity, r.Capacity, "total");
                    b.Add(MemCapacity, r.UsableCapacity, "usable");
                    if (!double.IsNaN(r.Demand))
                    {
                        b.Add(MemDemand, r.Demand);
                    }
                }

                if (!double.IsNaN(r.Demand))
                {
                    b.Add(UntilFull, Seconds(r.DaysUntilFullExpected), r.Resource, "expected");
                    b.Add(UntilFull, Seconds(r.DaysUntilFullConservative), r.Resource, "conservative");
                }
            }

            b.Add(Pending, plan.Plan.Moves.Count);
            foreach (var m in plan.Plan.Moves)
            {
                b.Add(Move, 1, m.Vm, m.From, m.To, m.Kind.ToString().ToLowerInvariant());
            }

            foreach (var c in Classes)
            {
                b.Add(Vms, plan.Capacity.Vms.Count(v => v.Class == c), c);
            }

            b.Add(ReclaimVcpus, plan.Capacity.Sizing.ReclaimableVcpus);
            b.Add(ReclaimMemory, plan.Capacity.Sizing.ReclaimableMemoryBytes);
        }

        if (status.Hotspots is { } hot)
        {
            foreach (var f in hot.Report.Findings)
            {
                hosts.Add(f.Host);
            }

            foreach (var host in hosts)
            {
                var active = hot.Report.Findings.Where(f => f.Host == host && f.End is null).ToArray();
                foreach (var rule in Rules)
                {
                    b.Add(Hotspot, active.Any(f => f.Rule == rule) ? 1 : 0, host, rule);
                }

                b.Add(Severity, active.Length == 0 ? 0 : active.Max(f => f.Severity switch { "critical" => 3, "warning" => 2, _ => 1 }), host);
            }
        }

        foreach (var host in hosts.Concat(status.InsufficientHosts).Distinct(StringComparer.Ordinal))
        {
            b.Add(Insufficient, status.InsufficientHosts.Contains(host) ? 1 : 0, host);
        }

        foreach (var task in Tasks)
        {
            var t = status.Tasks.GetValueOrDefault(task);
            b.Add(Duration, t?.DurationSeconds ?? 0, task);
            b.Add(LastSuccess, t?.LastSuccess ?? 0, task);
            b.Add(Runs, t?.Successes ?? 0, task, "success");
            b.Add(Runs, t?.Failures ?? 0, task, "failure");
        }

        var age = status.NewestSample > 0 ? Math.Max(0, now - status.NewestSample) : double.NaN;
        if (status.NewestSample > 0)
        {
            b.Add(Newest, status.NewestSample);
            b.Add(Age, age);
        }

        b.Add(Stale, !status.SourceUp || double.IsNaN(age) || age > staleAfter.TotalSeconds ? 1 : 0);
        b.Add(SourceUp, status.SourceUp ? 1 : 0);
        foreach (var file in new[] { AnalysisRunner.PlacementFile, AnalysisRunner.ResultsFile })
        {
            b.Add(Rebuilt, rebuilt.GetValueOrDefault(file), file);
        }

        foreach (var file in new[] { AnalysisRunner.PlacementFile, AnalysisRunner.ResultsFile })
        {
            b.Add(WriteErrors, writeErrors.GetValueOrDefault(file), file);
        }

        if (writeBack is not null)
        {
            b.Add(InfluxWritten, writeBack.PointsWritten);
            foreach (var (reason, count) in writeBack.PointsDropped)
            {
                b.Add(InfluxDropped, count, reason);
            }

            b.Add(InfluxBufferPoints, writeBack.PointsBuffered);
            b.Add(InfluxBufferBytes, writeBack.BufferedBytes);
            b.Add(InfluxRequests, writeBack.Requests);
            b.Add(InfluxRetries, writeBack.Retries);
            b.Add(InfluxUp, writeBack.Up ? 1 : 0);
            b.Add(InfluxLastSuccess, writeBack.LastSuccess);
        }

        extra?.Invoke(b);
        return b.Build();
    }

    private static double Seconds(double? days) => days is { } d ? d * 86_400 : double.PositiveInfinity;
}
