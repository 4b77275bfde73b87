using System.Globalization;

namespace KvmMetrics.Analysis.Forecasting;

/// <summary>The per-series choice and its reason.</summary>
/// <param name="Model">The model used.</param>
/// <param name="Best">The model with the lowest backtest MAE (differs from <paramref name="Model"/> when the guard fell back).</param>
/// <param name="GuardFellBack">True when <paramref name="Best"/> did not beat the fallback by the margin and the fallback is used.</param>
/// <param name="Reason">One sentence with the figures.</param>
public sealed record ModelChoice(string Model, string Best, bool GuardFellBack, string Reason);

/// <summary>
/// Chooses a series' model from its own backtest: the lowest MAE wins, but a model other than the
/// fallback (the median of the last 7 same hours) is only used when it beat the fallback by at least
/// the margin; otherwise the fallback stays. Per-series rankings over a few origins are noisy, and the
/// fallback is the strongest simple forecaster on VM CPU, so a tie goes to it.
/// </summary>
public static class ModelGuard
{
    /// <summary>Chooses among <paramref name="mae"/> (model → backtest MAE; NaN = not available).</summary>
    /// <param name="mae">Backtest MAE per candidate, in the order candidates are preferred on equal MAE.</param>
    /// <param name="fallback">The guard's model; must be among the candidates.</param>
    /// <param name="margin">Relative improvement over the fallback required (0 = any strict improvement).</param>
    /// <param name="origins">Backtest origins behind the MAEs (for the reason).</param>
    public static ModelChoice Choose(IReadOnlyList<KeyValuePair<string, double>> mae, string fallback, double margin, int origins)
    {
        ArgumentNullException.ThrowIfNull(mae);
        ArgumentOutOfRangeException.ThrowIfNegative(margin);
        var fallbackMae = double.NaN;
        string? best = null;
        var bestMae = double.PositiveInfinity;
        foreach (var (name, value) in mae)
        {
            if (name == fallback)
            {
                fallbackMae = value;
            }

            if (!double.IsNaN(value) && value < bestMae)
            {
                best = name;
                bestMae = value;
            }
        }

        if (best is null || double.IsNaN(fallbackMae))
        {
            var only = best ?? fallback;
            return new ModelChoice(only, only, false, string.Create(CultureInfo.InvariantCulture, $"{only}: the only model with a backtest over {origins} origin(s)"));
        }

        if (best == fallback || bestMae == fallbackMae)
        {
            return new ModelChoice(fallback, fallback, false, string.Create(CultureInfo.InvariantCulture, $"{fallback} had the lowest MAE ({fallbackMae:G4}) in a {origins}-origin backtest"));
        }

        if (bestMae < fallbackMae * (1 - margin))
        {
            return new ModelChoice(best, best, false, string.Create(CultureInfo.InvariantCulture, $"{best} MAE {bestMae:G4} beat {fallback} ({fallbackMae:G4}) by {1 - (bestMae / fallbackMae):P0} in a {origins}-origin backtest"));
        }

        return new ModelChoice(fallback, best, true, string.Create(CultureInfo.InvariantCulture, $"guard: {best} (MAE {bestMae:G4}) did not beat {fallback} ({fallbackMae:G4}) by the required {margin:P0} in a {origins}-origin backtest; {fallback} is used"));
    }
}
