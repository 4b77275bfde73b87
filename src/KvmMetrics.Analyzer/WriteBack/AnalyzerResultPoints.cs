using KvmMetrics.Analysis.Planning;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Influx.LineProtocol;

namespace KvmMetrics.Analyzer.WriteBack;

/// <summary>
/// The analyzer's results as InfluxDB points (docs/influxdb.md, "Analyzer write-back"): forecasts stamped with the
/// future time they predict, so they graph next to the actuals; hotspots, the plan summary and each recommended
/// migration stamped with the analysis time. Pure: the same results give the same points.
/// </summary>
public static class AnalyzerResultPoints
{
    /// <summary>One point per entity, metric and future step.</summary>
    public const string Forecast = "kvm_analyzer_forecast";

    /// <summary>One point per hotspot finding and analysis run.</summary>
    public const string Hotspot = "kvm_analyzer_hotspot";

    /// <summary>One point per plan: totals.</summary>
    public const string Plan = "kvm_analyzer_plan";

    /// <summary>One point per recommended migration.</summary>
    public const string Migration = "kvm_analyzer_migration";

    /// <summary>Forecast points: tags <c>entity</c>, <c>metric</c>, <c>model</c>; fields <c>mean</c> (the point forecast), the 80% and 95% bounds, <c>p95</c>, <c>issued_at</c>.</summary>
    public static IEnumerable<PointData> Forecasts(IEnumerable<EntityForecast> forecasts, long issuedAt)
    {
        ArgumentNullException.ThrowIfNull(forecasts);
        foreach (var f in forecasts)
        {
            for (var h = 0; h < f.Mean.Length; h++)
            {
                var p = new PointData(Forecast).Tag("entity", f.Entity).Tag("metric", f.Metric).Tag("model", f.Model)
                    .Field("mean", f.Mean[h]).Field("lower80", f.Lower80[h]).Field("upper80", f.Upper80[h])
                    .Field("lower95", f.Lower95[h]).Field("upper95", f.Upper95[h]).Field("p95", f.P95[h])
                    .Field("issued_at", issuedAt);
                if (double.IsFinite(f.BacktestScore))
                {
                    p.Field("backtest_score", f.BacktestScore);
                }

                yield return p.Timestamp(DateTimeOffset.FromUnixTimeSeconds(f.Start + (h * f.Step)));
            }
        }
    }

    /// <summary>Hotspot points at the analysis time: tags <c>host</c>, <c>rule</c>, <c>severity</c>; <c>active</c>, <c>start</c>, <c>end</c> (when ended), <c>threshold</c>, <c>peak</c>, <c>series</c>, <c>message</c>.</summary>
    public static IEnumerable<PointData> Hotspots(HotspotResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var f in result.Report.Findings)
        {
            var p = new PointData(Hotspot).Tag("host", f.Host).Tag("rule", f.Rule).Tag("severity", f.Severity)
                .Field("active", f.End is null).Field("start", f.Start).Field("threshold", f.Threshold).Field("peak", f.Peak)
                .Field("series", f.Series).Field("message", f.Message);
            if (f.End is { } end)
            {
                p.Field("end", end);
            }

            yield return p.Timestamp(DateTimeOffset.FromUnixTimeSeconds(result.Time));
        }
    }

    /// <summary>
    /// The plan's totals (<see cref="Plan"/>, also when it has no moves) and one <see cref="Migration"/> point per move:
    /// tags <c>vm</c>, <c>from</c>, <c>to</c>, <c>kind</c>; fields <c>order</c>, <c>mandatory</c>, <c>reason</c>,
    /// <c>trigger</c>, the source's and target's forecast p95 peak as a fraction of their cores before and after the
    /// move (<c>from_p95_before</c>, <c>from_p95_after</c>, <c>to_p95_before</c>, <c>to_p95_after</c>),
    /// <c>transfer_bytes</c>, <c>estimated_seconds</c>, <c>net_benefit</c>.
    /// </summary>
    public static IEnumerable<PointData> Migrations(MigrationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var at = DateTimeOffset.FromUnixTimeSeconds(plan.PlanTime);
        var s = plan.Summary;
        yield return new PointData(Plan).Tag("forecaster", plan.Forecaster)
            .Field("moves", (long)s.Moves).Field("mandatory_moves", (long)s.MandatoryMoves)
            .Field("hot_hours_before", s.ExpectedHotHoursBefore).Field("hot_hours_after", s.ExpectedHotHoursAfter)
            .Field("hot_hosts_before", (long)s.HotHostsBefore).Field("hot_hosts_after", (long)s.HotHostsAfter)
            .Field("transfer_bytes", s.TransferBytes).Field("horizon_hours", (long)plan.HorizonHours).Timestamp(at);
        foreach (var m in plan.Moves)
        {
            var p = new PointData(Migration).Tag("vm", m.Vm).Tag("from", m.From).Tag("to", m.To).Tag("kind", m.Kind.ToString().ToLowerInvariant())
                .Field("order", (long)m.Order).Field("mandatory", m.Mandatory).Field("reason", m.Reason).Field("trigger", m.Trigger)
                .Field("transfer_bytes", m.Cost.TransferBytes).Field("estimated_seconds", m.Cost.EstimatedSeconds).Field("net_benefit", m.NetBenefit);
            if (m.Before.Count == 2 && m.After.Count == 2)
            {
                p.Field("from_p95_before", m.Before[0].PeakP95Fraction).Field("from_p95_after", m.After[0].PeakP95Fraction)
                    .Field("to_p95_before", m.Before[1].PeakP95Fraction).Field("to_p95_after", m.After[1].PeakP95Fraction);
            }

            yield return p.Timestamp(at);
        }
    }
}
