using KvmMetrics.Analyzer.Cli;
using F = KvmMetrics.Analyzer.Cli.AnalyzerFlags.Forecast;

namespace KvmMetrics.Analyzer.Forecasting;

/// <summary>The options both forecasting commands share, validated.</summary>
/// <param name="History">Absolute path of the history CSV.</param>
/// <param name="Step">Resampling step.</param>
/// <param name="HorizonSteps">Forecast horizon in steps.</param>
/// <param name="WindowSteps">Most recent steps of history used per forecast.</param>
public sealed record ForecastArgs(string History, TimeSpan Step, int HorizonSteps, int WindowSteps)
{
    /// <summary>Reads <c>--history</c>, <c>--step</c>, <c>--horizon</c> and <c>--window</c> (definitions in <see cref="AnalyzerFlags.Forecast"/>).</summary>
    public static ForecastArgs Parse(CommandArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var history = args.Required(F.History)!;
        var step = args.Get(F.Step);
        var horizon = args.Get(F.Horizon);
        var window = args.Get(F.Window);
        var s = KvmMetrics.Options.Duration.Format(step);
        if (horizon < step || horizon.Ticks % step.Ticks != 0)
        {
            throw new UsageException($"--horizon {KvmMetrics.Options.Duration.Format(horizon)} must be a whole number of --step {s}; change one of them");
        }

        if (window < step * 2 || window.Ticks % step.Ticks != 0)
        {
            throw new UsageException($"--window {KvmMetrics.Options.Duration.Format(window)} must be a whole number of --step {s}, at least two; change one of them");
        }

        var windowSteps = window.Ticks / step.Ticks;
        if (windowSteps > 1_000_000)
        {
            throw new UsageException($"--window {KvmMetrics.Options.Duration.Format(window)} is more than 1,000,000 steps of {s}; use a larger --step");
        }

        return new ForecastArgs(history, step, (int)(horizon.Ticks / step.Ticks), (int)windowSteps);
    }
}
