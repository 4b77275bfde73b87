using KvmMetrics.Analyzer.WriteBack;
using KvmMetrics.Influx.LineProtocol;

namespace KvmMetrics.Analyzer.Tests.WriteBack;

public sealed class AnalyzerResultPointsTests
{
    private static string[] Lines(IEnumerable<PointData> points) => [.. points.Select(p => LineProtocolSerializer.ToLine(p, WritePrecision.Seconds)!)];

    [Fact]
    public void Forecasts_OnePointPerFutureStep_StampedWithTheStep()
    {
        var lines = Lines(AnalyzerResultPoints.Forecasts([ResultFixtures.Forecast()], 1_767_222_000));
        Assert.Equal(3, lines.Length);
        Assert.Equal(
            "kvm_analyzer_forecast,entity=compute-1,metric=cpu_cores,model=holt-winters mean=5.25,lower80=4.75,upper80=5.75,lower95=4.25,upper95=6.25,p95=6,issued_at=1767222000i,backtest_score=0.75 1767229200",
            lines[1]);
    }

    [Fact]
    public void Hotspots_ActiveAndEnded_WithEscapedStrings()
    {
        var lines = Lines(AnalyzerResultPoints.Hotspots(ResultFixtures.Hotspots()));
        Assert.Equal(
        [
            "kvm_analyzer_hotspot,host=compute-1,rule=cpu-sustained,severity=warning active=true,start=1767223800i,threshold=0.85,peak=0.93,series=\"host cpu_cores / cores\",message=\"compute-1 CPU above 85% for 30 min\" 1767225600",
            "kvm_analyzer_hotspot,host=compute-2,rule=contention,severity=info active=false,start=1767218400i,threshold=0.1,peak=0.2,series=\"steal\",message=\"steal \\\"high\\\", now ok\",end=1767222000i 1767225600",
        ], lines);
    }

    [Fact]
    public void Migrations_PlanTotalsAndOneLinePerMove_WithBeforeAndAfter()
    {
        var lines = Lines(AnalyzerResultPoints.Migrations(ResultFixtures.Plan()));
        Assert.Equal(
        [
            "kvm_analyzer_plan,forecaster=same-hour-p95 moves=1i,mandatory_moves=0i,hot_hours_before=3,hot_hours_after=0,hot_hosts_before=1i,hot_hosts_after=0i,transfer_bytes=5368709120i,horizon_hours=24i 1767225600",
            "kvm_analyzer_migration,from=compute-1,kind=hotspot,to=compute-2,vm=web\\,\\ \"1\" order=1i,mandatory=false,reason=\"compute-1 forecast p95 93% > 80%\",trigger=\"compute-1 cpu_cores p95\",transfer_bytes=5368709120i,estimated_seconds=42.5,net_benefit=2.75,from_p95_before=0.93,from_p95_after=0.7,to_p95_before=0.4,to_p95_after=0.63 1767225600",
        ], lines);
    }
}
