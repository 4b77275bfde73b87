namespace KvmMetrics.Analyzer.Service;

/// <summary>Receives each new result of the schedule (the InfluxDB write-back); must not block or throw for a slow or absent server.</summary>
public interface IAnalysisResultSink
{
    /// <summary>A new hotspot result (every tick).</summary>
    void Hotspots(HotspotResult result);

    /// <summary>A new plan result with its forecasts (every plan interval).</summary>
    void Plan(PlanResult result);

    /// <summary>The delivery state for <c>/metrics</c> and <c>/api/v1/status</c>, or null for a sink that keeps none.</summary>
    WriteBackState? State => null;
}
