using KvmMetrics.Analyzer.Cli;

namespace KvmMetrics.Analyzer.Forecasting;

/// <summary>The options both forecasting commands share, validated.</summary>
/// <param name="History">Path of the history CSV.</param>
/// <param name="Step">Resampling step.</param>
/// <param name="HorizonSteps">Forecast horizon in steps.</param>
/// <param name="WindowSteps">Most recent steps of history used per forecast.</param>
public sealed record ForecastArgs(string History, TimeSpan Step, int HorizonSteps, int WindowSteps)
{
    /// <summary>Reads <c>--history</c>, <c>--step</c>, <c>--horizon</c> and <c>--window</c>.</summary>
    public static ForecastArgs Parse(CommandArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var history = args.Required("history", "a CSV with the header timestamp,entity,metric,value");
        var step = args.Duration("step", TimeSpan.FromHours(1), TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
        var horizon = args.Duration("horizon", TimeSpan.FromHours(24), step, TimeSpan.FromDays(366));
        var window = args.Duration("window", TimeSpan.FromDays(28), step * 2, TimeSpan.FromDays(3660));
        if (horizon.Ticks % step.Ticks != 0)
        {
            throw new UsageException($"--horizon {horizon} must be a whole number of --step {step}");
        }

        if (window.Ticks % step.Ticks != 0)
        {
            throw new UsageException($"--window {window} must be a whole number of --step {step}");
        }

        var windowSteps = window.Ticks / step.Ticks;
        if (windowSteps > 1_000_000)
        {
            throw new UsageException($"--window {window} is more than 1,000,000 steps of {step}; use a larger --step");
        }

        return new ForecastArgs(history, step, (int)(horizon.Ticks / step.Ticks), (int)windowSteps);
    }
}
