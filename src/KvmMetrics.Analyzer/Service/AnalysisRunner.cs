using System.Diagnostics;
using System.Globalization;
using KvmMetrics.Analysis.Capacity;
using KvmMetrics.Analysis.Cluster;
using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analysis.Hotspots;
using KvmMetrics.Analysis.Planning;
using KvmMetrics.Analysis.TimeSeries;
using KvmMetrics.Analyzer.Planning;
using KvmMetrics.Analyzer.Report;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.Analyzer.State;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Analyzer.Service;

/// <summary>
/// Runs the analysis on a schedule: every tick loads the data and finds hotspots; every plan interval it
/// also forecasts, plans and sizes; every report interval it writes the weekly report into the data
/// directory. A failed load keeps the last good results and marks the data stale; nothing here throws
/// out of <see cref="RunOnceAsync"/> except cancellation.
/// </summary>
public sealed partial class AnalysisRunner
{
    /// <summary>Results file in the data directory.</summary>
    public const string ResultsFile = "results.json";

    /// <summary>Placement/migration history file in the data directory.</summary>
    public const string PlacementFile = "placement.json";

    /// <summary>Share of missing hourly CPU points (last 24 h) above which a host is left out of balancing.</summary>
    public const double MaxMissingShare = 0.2;

    private readonly IAnalysisSource _source;
    private readonly AnalyzerServiceOptions _options;
    private readonly StateStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IAnalysisResultSink? _results;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AnalyzerStatus _status = AnalyzerStatus.Initial;
    private PlacementState _placement;
    private long _lastReportTime;

    /// <summary>Creates the runner and restores the last good results from the data directory.</summary>
    /// <param name="source">Where the data comes from.</param>
    /// <param name="options">Schedule and state options.</param>
    /// <param name="store">The state directory.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The log.</param>
    /// <param name="results">Receives each new hotspot and plan result (the InfluxDB write-back), or null.</param>
    public AnalysisRunner(IAnalysisSource source, AnalyzerServiceOptions options, StateStore store, TimeProvider time, ILogger logger, IAnalysisResultSink? results = null)
    {
        _results = results;
        _source = source;
        _options = options;
        _store = store;
        _time = time;
        _logger = logger;
        _store.Problem += (_, message) => LogStateProblem(_logger, message);
        var saved = _store.Load<SavedResults>(ResultsFile);
        _placement = _store.Load<PlacementState>(PlacementFile) ?? PlacementState.Empty;
        if (saved is not null)
        {
            // A plan saved before the capacity model had its two views deserialises with nulls: recompute it instead.
            var plan = saved.Plan?.Capacity is { Purchase: not null, StandardVms: not null } c && c.Resources.All(r => r.AllocationView is not null && r.DemandView is not null) ? saved.Plan : null;
            _status = _status with { Hotspots = saved.Hotspots, Plan = plan, LastReport = saved.LastReport };
            _lastReportTime = saved.LastReportTime;
        }
    }

    /// <summary>The current results and task status (an immutable snapshot).</summary>
    public AnalyzerStatus Status => Volatile.Read(ref _status);

    /// <summary>The state store (self-metrics read its rebuild counts).</summary>
    public StateStore Store => _store;

    /// <summary>The options.</summary>
    public AnalyzerServiceOptions Options => _options;

    /// <summary>Loops until cancelled: one <see cref="RunOnceAsync"/> per hotspot interval.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await RunOnceAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(_options.HotspotInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One tick: load, hotspots, and the plan/report when they are due.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var wall = _time.GetUtcNow().ToUnixTimeSeconds();
            var data = await Run("load", wall, () => _source.LoadAsync(null, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (data is null)
            {
                Update(s => s with { SourceUp = false });
                return;
            }

            var now = data.DefaultNow;
            var (fullSnapshot, history) = data.At(now);
            var (snapshot, insufficient, reasons) = LeaveOutHostsWithGaps(fullSnapshot, history, now, (long)_options.StaleAfter.TotalSeconds, data.HostsWithoutData, data.HostLastSeen);
            var newest = AnalysisData.Newest(data.Series) ?? 0;
            Update(s => s with { SourceUp = true, NewestSample = newest, InsufficientHosts = insufficient, Warnings = [.. data.Warnings, .. reasons] });
            ObservePlacement(fullSnapshot, now);

            var hot = await Run("hotspots", wall, () => Task.FromResult(new HotspotResult(now,
                new HotspotDetector(new HotspotOptions { StepSeconds = SampleStep(data.Series, (long)_options.HotspotMinStep.TotalSeconds) }).Detect(snapshot, history))), cancellationToken).ConfigureAwait(false);
            if (hot is not null)
            {
                Update(s => s with { Hotspots = hot });
                Publish(r => r.Hotspots(hot));
            }

            var planTask = Status.Tasks.GetValueOrDefault("plan");
            if (planTask is null || Status.Plan is null || wall - planTask.LastRun >= (long)_options.PlanInterval.TotalSeconds)
            {
                var plan = await Run("plan", wall, () => Task.FromResult(Plan(snapshot with { }, history, data.Cluster.Capacity, now)), cancellationToken).ConfigureAwait(false);
                if (plan is not null)
                {
                    Update(s => s with { Plan = plan });
                    Publish(r => r.Plan(plan));
                }
            }

            if (wall - _lastReportTime >= (long)_options.ReportInterval.TotalSeconds)
            {
                var path = await Run("report", wall, () => Task.FromResult(WriteReport(data, now)), cancellationToken).ConfigureAwait(false);
                if (path is not null)
                {
                    _lastReportTime = wall;
                    Update(s => s with { LastReport = path });
                }
            }

            var current = Status;
            var error = _store.Save(ResultsFile, new SavedResults(current.Hotspots, current.Plan, current.LastReport, _lastReportTime));
            if (error is not null)
            {
                LogStateProblem(_logger, error);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private PlanResult Plan(ClusterSnapshot snapshot, ClusterHistory history, CapacityOptions capacityOptions, long now)
    {
        var state = new PlannerState(_placement.Migrations);
        var plan = new MigrationPlanner().Plan(snapshot, history, state);
        var capacity = CapacityPlanner.Analyse(snapshot, history, capacityOptions);
        var engine = new ForecastEngine();
        var inputs = new List<(string Entity, string Metric, RegularSeries Series)>();
        const int days = 28;
        var start = Resampler.FloorTo(now, HourlyGrid.Hour) - (days * HourlyGrid.Day);
        foreach (var host in snapshot.Hosts)
        {
            var sums = Sum(snapshot.Vms.Where(v => v.Host == host.Name).Select(v => HourlyGrid.Means(history.Get(v.Name, ClusterMetrics.CpuCores), start, days * 24)), days * 24);
            Add(inputs, host.Name, ClusterMetrics.CpuCores, new RegularSeries(start, HourlyGrid.Hour, sums));
        }

        foreach (var metric in new[] { ClusterMetrics.CpuCores, ClusterMetrics.MemoryBytes })
        {
            var sums = Sum(snapshot.Vms.Select(v => HourlyGrid.Means(history.Get(v.Name, metric), start, days * 24)), days * 24);
            Add(inputs, "cluster", metric, new RegularSeries(start, HourlyGrid.Hour, sums));
        }

        // One engine call for all series, so the global model learns across hosts and the cluster (docs/forecasting.md).
        var results = engine.ForecastMany(inputs.Select(i => i.Series).ToArray(), 24);
        var forecasts = inputs.Zip(results, (i, f) => new EntityForecast(i.Entity, i.Metric, f.Start, f.Step, f.Mean, f.Lower80, f.Upper80, f.Lower95, f.Upper95, f.P95, f.Model, f.BacktestScore, f.Reason)).ToList();
        return new PlanResult(now, plan, capacity, forecasts);
    }

    private static void Add(List<(string Entity, string Metric, RegularSeries Series)> inputs, string entity, string metric, RegularSeries series)
    {
        if (series.Length - series.MissingCount >= 7 * 24)
        {
            inputs.Add((entity, metric, series));
        }
    }

    private string WriteReport(AnalysisData data, long now)
    {
        var (doc, _) = ReportBuilder.Build(data, now, line => LogProgress(_logger, line));
        var dir = Path.Combine(_store.Directory, "reports", Fmt.Date(now));
        AnalysisJson.WriteAtomically(Path.Combine(dir, "capacity-report.html"), HtmlReportWriter.Render(doc));
        AnalysisJson.WriteAtomically(Path.Combine(dir, "capacity-report.md"), MarkdownReportWriter.Render(doc));
        AnalysisJson.WriteAtomically(Path.Combine(dir, "capacity-report.csv"), CsvReportWriter.Render(doc));
        return Path.Combine(dir, "capacity-report.html");
    }

    /// <summary>
    /// Leaves out of balancing, with their VMs, the hosts whose data cannot be trusted now: <paramref name="withoutData"/>
    /// (the source knows VMs there but has no CPU series for them), hosts whose newest CPU sample lags the cluster's newest
    /// by more than <paramref name="staleAfterSeconds"/> or two sample steps, whichever is longer (their exporter stopped
    /// while the others went on: the planner must not treat them as idle), and hosts whose CPU misses more than <see cref="MaxMissingShare"/> of the hourly points of the
    /// last 24 hours (or since the cluster's first sample). A host without VMs has no usage series to judge, so
    /// <paramref name="hostLastSeen"/> (its newest capacity sample) must not lag the newest data by more than the same
    /// bound: an empty host whose exporter stopped would otherwise look idle, the best migration target there is.
    /// Each left-out host comes with the reason, for the status warnings.
    /// </summary>
    public static (ClusterSnapshot Snapshot, IReadOnlyList<string> LeftOut, IReadOnlyList<string> Reasons) LeaveOutHostsWithGaps(
        ClusterSnapshot snapshot, ClusterHistory history, long now, long staleAfterSeconds, IReadOnlyCollection<string>? withoutData = null,
        IReadOnlyDictionary<string, long>? hostLastSeen = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(history);
        // Judge only hours since the cluster's first sample, so a young cluster is not "missing" its past.
        var first = snapshot.Vms.Select(v => history.Get(v.Name, ClusterMetrics.CpuCores)).Where(s => s is { Count: > 0 }).Select(s => s!.Timestamps[0]).DefaultIfEmpty(now).Min();
        var start = Math.Max(Resampler.FloorTo(now, HourlyGrid.Hour) - HourlyGrid.Day, Resampler.FloorTo(first, HourlyGrid.Hour));
        var hours = (int)Math.Max(1, (now - start + HourlyGrid.Hour - 1) / HourlyGrid.Hour);
        var cpu = snapshot.Vms.Select(v => history.Get(v.Name, ClusterMetrics.CpuCores)).OfType<KvmMetrics.Analysis.Data.RawSeries>().Where(s => s.Count > 0).ToArray();
        var clusterNewest = cpu.Select(s => s.Timestamps[^1]).DefaultIfEmpty(now).Max();
        var maxLag = Math.Max(staleAfterSeconds, 2 * SampleStep(cpu, 1));
        // What an empty host's last capacity sample is compared with: the newest data of any kind.
        var newestSeen = hostLastSeen is { Count: > 0 } ? Math.Max(cpu.Length > 0 ? clusterNewest : long.MinValue, hostLastSeen.Values.Max()) : long.MinValue;
        var leftOut = new List<string>();
        var reasons = new List<string>();
        foreach (var host in snapshot.Hosts)
        {
            if (withoutData?.Contains(host.Name) == true)
            {
                leftOut.Add(host.Name);
                reasons.Add($"host {host.Name}: the source reports VMs on it but returned no {ClusterMetrics.CpuCores} series for them; left out of balancing");
                continue;
            }

            var vms = snapshot.Vms.Where(v => v.Host == host.Name).ToArray();
            if (vms.Length == 0)
            {
                if (hostLastSeen?.TryGetValue(host.Name, out var seen) == true && newestSeen - seen > maxLag)
                {
                    leftOut.Add(host.Name);
                    reasons.Add(string.Create(CultureInfo.InvariantCulture, $"host {host.Name}: no VMs, and its newest capacity sample is {newestSeen - seen} s older than the newest data (more than {maxLag} s: its exporter stopped); left out of balancing"));
                }

                continue;
            }

            var series = vms.Select(v => history.Get(v.Name, ClusterMetrics.CpuCores)).ToArray();
            var newest = series.Where(s => s is { Count: > 0 }).Select(s => s!.Timestamps[^1]).DefaultIfEmpty(long.MinValue).Max();
            if (newest == long.MinValue || clusterNewest - newest > maxLag)
            {
                leftOut.Add(host.Name);
                reasons.Add(newest == long.MinValue
                    ? $"host {host.Name}: no {ClusterMetrics.CpuCores} samples for its VMs; left out of balancing"
                    : string.Create(CultureInfo.InvariantCulture, $"host {host.Name}: its newest {ClusterMetrics.CpuCores} sample is {clusterNewest - newest} s older than the cluster's newest (more than {maxLag} s: its data stopped); left out of balancing"));
                continue;
            }

            var perVm = series.Select(s => HourlyGrid.Means(s, start, hours)).ToArray();
            var missing = Enumerable.Range(0, hours).Count(h => perVm.All(s => double.IsNaN(s[h])));
            if (missing > hours * MaxMissingShare)
            {
                leftOut.Add(host.Name);
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"host {host.Name}: {ClusterMetrics.CpuCores} misses {missing} of the last {hours} hours (more than {MaxMissingShare:0%}); left out of balancing"));
            }
        }

        if (leftOut.Count == 0)
        {
            return (snapshot, leftOut, reasons);
        }

        var set = leftOut.ToHashSet(StringComparer.Ordinal);
        return (snapshot with { Hosts = [.. snapshot.Hosts.Where(h => !set.Contains(h.Name))], Vms = [.. snapshot.Vms.Where(v => !set.Contains(v.Host))] }, leftOut, reasons);
    }

    private void ObservePlacement(ClusterSnapshot snapshot, long now)
    {
        var placement = snapshot.Vms.ToDictionary(v => v.Name, v => v.Host, StringComparer.Ordinal);
        var moves = snapshot.Vms
            .Where(v => _placement.Placement.TryGetValue(v.Name, out var old) && old != v.Host)
            .Select(v => new MigrationRecord(v.Name, _placement.Placement[v.Name], v.Host, now)).ToArray();
        var changed = moves.Length > 0 || placement.Count != _placement.Placement.Count || placement.Any(p => !_placement.Placement.TryGetValue(p.Key, out var h) || h != p.Value);
        if (!changed)
        {
            return;
        }

        // Keep 30 days of observed migrations: enough for cooldown and reverse-move windows.
        var history = _placement.Migrations.Concat(moves).Where(m => now - m.Time <= 30 * HourlyGrid.Day).ToArray();
        _placement = new PlacementState(placement, history);
        var error = _store.Save(PlacementFile, _placement);
        if (error is not null)
        {
            LogStateProblem(_logger, error);
        }
    }

    private async Task<T?> Run<T>(string task, long wall, Func<Task<T>> work, CancellationToken cancellationToken)
        where T : class
    {
        var started = Stopwatch.GetTimestamp();
        string? error = null;
        T? result = null;
        try
        {
            result = await work().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failed analysis task must never stop the service: it is reported and the last good result kept.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = e.Message;
            LogTaskFailed(_logger, task, e.Message);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Update(s =>
        {
            var old = s.Tasks.GetValueOrDefault(task) ?? new TaskStatus(task, 0, 0, 0, 0, 0, null);
            var updated = error is null
                ? old with { LastRun = wall, LastSuccess = wall, DurationSeconds = seconds, Successes = old.Successes + 1, LastError = null }
                : old with { LastRun = wall, DurationSeconds = seconds, Failures = old.Failures + 1, LastError = error };
            var tasks = new Dictionary<string, TaskStatus>(s.Tasks, StringComparer.Ordinal) { [task] = updated };
            return s with { Tasks = tasks };
        });
        return result;
    }

    private void Publish(Action<IAnalysisResultSink> publish)
    {
        if (_results is null)
        {
            return;
        }

        try
        {
            publish(_results);
        }
#pragma warning disable CA1031 // The write-back is optional: its failure is logged and never stops the schedule.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogTaskFailed(_logger, "write-back", e.Message);
        }
    }

    private void Update(Func<AnalyzerStatus, AnalyzerStatus> change) => Volatile.Write(ref _status, change(Volatile.Read(ref _status)));

    private static double[] Sum(IEnumerable<double[]> perVm, int count)
    {
        var result = new double[count];
        Array.Fill(result, double.NaN);
        foreach (var s in perVm)
        {
            for (var i = 0; i < count; i++)
            {
                if (!double.IsNaN(s[i]))
                {
                    result[i] = (double.IsNaN(result[i]) ? 0 : result[i]) + s[i];
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The hotspot rules' step: the data's own sampling interval (median spacing of the CPU series), at least
    /// <paramref name="minStep"/> seconds (<c>--hotspots.min-step</c>, default 5 minutes), so "sustained for 3 steps" means
    /// 3 real samples whether the source has 5-minute or hourly data.
    /// </summary>
    public static long SampleStep(IReadOnlyList<KvmMetrics.Analysis.Data.RawSeries> series, long minStep = 300)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minStep);
        var gaps = series.Where(s => s.Metric == ClusterMetrics.CpuCores && s.Count > 2).Take(20)
            .SelectMany(s => s.Timestamps.Zip(s.Timestamps.Skip(1), (a, b) => b - a)).Order().ToArray();
        return gaps.Length == 0 ? minStep : Math.Clamp(gaps[gaps.Length / 2], minStep, Math.Max(minStep, HourlyGrid.Hour));
    }

    /// <summary>Formats a Unix time for logs.</summary>
    internal static string When(long t) => DateTimeOffset.FromUnixTimeSeconds(t).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "analysis task {Task} failed, keeping the last good result: {Error}")]
    private static partial void LogTaskFailed(ILogger logger, string task, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogStateProblem(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "report: {Line}")]
    private static partial void LogProgress(ILogger logger, string line);
}
