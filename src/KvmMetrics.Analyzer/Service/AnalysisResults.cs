using KvmMetrics.Analysis.Capacity;
using KvmMetrics.Analysis.Hotspots;
using KvmMetrics.Analysis.Planning;

namespace KvmMetrics.Analyzer.Service;

/// <summary>A forecast of one entity as the API returns it (values in the metric's unit).</summary>
/// <param name="Entity">Host name, or <c>cluster</c>.</param>
/// <param name="Metric">Metric name, e.g. <c>cpu_cores</c>.</param>
/// <param name="Start">Unix seconds of the first step.</param>
/// <param name="Step">Seconds per step.</param>
/// <param name="Mean">Point forecast.</param>
/// <param name="Lower80">80% interval, lower.</param>
/// <param name="Upper80">80% interval, upper.</param>
/// <param name="Lower95">95% interval, lower.</param>
/// <param name="Upper95">95% interval, upper.</param>
/// <param name="P95">p95 quantile forecast.</param>
/// <param name="Model">Winning model.</param>
/// <param name="BacktestScore">MAE relative to seasonal naive in the backtest.</param>
/// <param name="Reason">Why the model was chosen.</param>
public sealed record EntityForecast(
    string Entity, string Metric, long Start, long Step, double[] Mean, double[] Lower80, double[] Upper80, double[] Lower95, double[] Upper95,
    double[] P95, string Model, double BacktestScore, string Reason);

/// <summary>The hotspot result of one run.</summary>
/// <param name="Time">Analysis time (Unix seconds).</param>
/// <param name="Report">Findings and noisy neighbours.</param>
public sealed record HotspotResult(long Time, HotspotReport Report);

/// <summary>The hourly result: plan, capacity and forecasts.</summary>
/// <param name="Time">Analysis time (Unix seconds).</param>
/// <param name="Plan">The recommended migrations.</param>
/// <param name="Capacity">Capacity and right-sizing.</param>
/// <param name="Forecasts">Per-host CPU and cluster forecasts for the next 24 h.</param>
public sealed record PlanResult(long Time, MigrationPlan Plan, CapacityReport Capacity, IReadOnlyList<EntityForecast> Forecasts);

/// <summary>Outcome of one scheduled task.</summary>
/// <param name="Task">Task name (load, hotspots, plan, report).</param>
/// <param name="LastRun">Unix seconds of the last attempt, 0 before the first.</param>
/// <param name="LastSuccess">Unix seconds of the last success, 0 before the first.</param>
/// <param name="DurationSeconds">Duration of the last attempt.</param>
/// <param name="Successes">Successful runs since start.</param>
/// <param name="Failures">Failed runs since start.</param>
/// <param name="LastError">Message of the last failure, null when the last run succeeded.</param>
public sealed record TaskStatus(string Task, long LastRun, long LastSuccess, double DurationSeconds, long Successes, long Failures, string? LastError);

/// <summary>Everything the HTTP side shows; replaced as a whole after each run, so readers never see a half-updated state.</summary>
/// <param name="Hotspots">Last good hotspot result, or null before the first.</param>
/// <param name="Plan">Last good plan result, or null before the first.</param>
/// <param name="Tasks">Status per task.</param>
/// <param name="SourceUp">Whether the last load succeeded.</param>
/// <param name="NewestSample">Newest sample time of the last good load (Unix seconds), 0 before the first.</param>
/// <param name="InsufficientHosts">Hosts left out for lack of data.</param>
/// <param name="Warnings">Source warnings of the last load.</param>
/// <param name="LastReport">Path of the last weekly report, or null.</param>
public sealed record AnalyzerStatus(
    HotspotResult? Hotspots, PlanResult? Plan, IReadOnlyDictionary<string, TaskStatus> Tasks, bool SourceUp, long NewestSample,
    IReadOnlyList<string> InsufficientHosts, IReadOnlyList<string> Warnings, string? LastReport)
{
    /// <summary>Before the first run.</summary>
    public static AnalyzerStatus Initial { get; } = new(null, null, new Dictionary<string, TaskStatus>(StringComparer.Ordinal), false, 0, [], [], null);
}

/// <summary>What the service persists between restarts: the last good results and observed placement for migration history.</summary>
/// <param name="Hotspots">Last good hotspots.</param>
/// <param name="Plan">Last good plan.</param>
/// <param name="LastReport">Last weekly report path.</param>
/// <param name="LastReportTime">When it was written (Unix seconds), 0 when never.</param>
public sealed record SavedResults(HotspotResult? Hotspots, PlanResult? Plan, string? LastReport, long LastReportTime);

/// <summary>Observed placement and the migrations seen between runs (cooldown and reverse-move memory of the planner).</summary>
/// <param name="Placement">VM to host at the last run.</param>
/// <param name="Migrations">Migrations observed (placement changes), newest last.</param>
public sealed record PlacementState(IReadOnlyDictionary<string, string> Placement, IReadOnlyList<MigrationRecord> Migrations)
{
    /// <summary>No history.</summary>
    public static PlacementState Empty { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal), []);
}
