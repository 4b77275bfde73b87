using KvmMetrics.Analysis.Data;
using KvmMetrics.Analysis.Planning;

namespace KvmMetrics.Bench.Planner;

/// <summary>
/// Benchmark-only reference: "forecasts" the real hourly demand after plan time (one scenario, filled like the
/// scorer). The planner run on it shows what its search achieves with a perfect forecast under the same move cap
/// and constraints; it is not a bound, and never used outside the benchmark.
/// </summary>
internal sealed class OracleForecaster(IReadOnlyDictionary<string, RawSeries> fullCpu) : IDemandForecaster
{
    /// <inheritdoc />
    public string Name => "oracle (real future)";

    /// <inheritdoc />
    public DemandForecast Forecast(string vm, RawSeries? cpuCores, long planTime, int horizonHours, double fallbackCores)
    {
        var real = PlanScorer.HourlyMeansFilled(fullCpu[vm], planTime, horizonHours);
        return new DemandForecast(vm, real, [.. real], [real], Name, HasHistory: true);
    }
}
