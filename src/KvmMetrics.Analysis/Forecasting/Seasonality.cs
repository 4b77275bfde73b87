namespace KvmMetrics.Analysis.Forecasting;

/// <summary>Season lengths in steps of the series; 0 means "no such season at this step".</summary>
/// <param name="Daily">Steps per day (24 for hourly data).</param>
/// <param name="Weekly">Steps per week (168 for hourly data).</param>
public sealed record Seasonality(int Daily, int Weekly)
{
    /// <summary>Daily and weekly seasons for a step in seconds (0 when a day is not a whole number of steps or is a single step).</summary>
    public static Seasonality ForStep(long stepSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSeconds);
        static int Steps(long period, long step) => period % step == 0 && period / step >= 2 ? (int)(period / step) : 0;
        return new Seasonality(Steps(86_400, stepSeconds), Steps(604_800, stepSeconds));
    }
}
