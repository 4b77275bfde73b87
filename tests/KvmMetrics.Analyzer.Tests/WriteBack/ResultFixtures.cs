using KvmMetrics.Analysis.Hotspots;
using KvmMetrics.Analysis.Planning;
using KvmMetrics.Analyzer.Service;

namespace KvmMetrics.Analyzer.Tests.WriteBack;

/// <summary>Small, fully known analyzer results for the write-back tests.</summary>
public static class ResultFixtures
{
    public const long PlanTime = 1_767_225_600; // 2026-01-01T00:00:00Z

    public static EntityForecast Forecast() => new(
        "compute-1", "cpu_cores", PlanTime, 3600, [4.5, 5.25, 6], [4, 4.75, 5.5], [5, 5.75, 6.5], [3.5, 4.25, 5], [5.5, 6.25, 7], [5.2, 6, 6.8],
        "holt-winters", 0.75, "beat seasonal naive");

    public static HotspotResult Hotspots() => new(PlanTime, new HotspotReport(
    [
        new HotspotFinding("compute-1", "cpu-sustained", "warning", PlanTime - 1800, null, "host cpu_cores / cores", 0.85, 0.93, "compute-1 CPU above 85% for 30 min"),
        new HotspotFinding("compute-2", "contention", "info", PlanTime - 7200, PlanTime - 3600, "steal", 0.1, 0.2, "steal \"high\", now ok"),
    ], []));

    public static MigrationPlan Plan()
    {
        HostLoad L(string host, double fraction) => new(host, 8, fraction * 8, fraction, fraction > 0.8 ? 3 : 0, 16L << 30, 64L << 30, 4);
        var move = new PlannedMove(1, "web, \"1\"", "compute-1", "compute-2", MoveKind.Hotspot, false, "compute-1 forecast p95 93% > 80%", "compute-1 cpu_cores p95",
            [L("compute-1", 0.93), L("compute-2", 0.40)], [L("compute-1", 0.70), L("compute-2", 0.63)], new MigrationCost(4L << 30, 0.1, 5L << 30, 42.5, 0.2), 2.75, null,
            new MoveExplanation(MoveKind.Hotspot, "web, \"1\"", "compute-1", "compute-2", 24, 0.8, 0.93, 0.70, 0.40, 0.63, 1.9, 2, 4L << 30, 42.5, 1.25e9));
        return new MigrationPlan(PlanTime, 24, "same-hour-p95", [move], [L("compute-1", 0.93), L("compute-2", 0.40)], [L("compute-1", 0.70), L("compute-2", 0.63)], [],
            new PlanSummary(1, 0, 3, 0, 5L << 30, 1, 0), PlannerState.Empty);
    }
}
