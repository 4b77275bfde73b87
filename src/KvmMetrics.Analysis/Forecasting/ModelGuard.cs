using System.Globalization;

namespace KvmMetrics.Analysis.Forecasting;

/// <summary>The per-series choice and its reason.</summary>
/// <param name="Model">The model used.</param>
/// <param name="Best">The model the backtest ranking picked (differs from <paramref name="Model"/> when the guard fell back).</param>
/// <param name="GuardFellBack">True when <paramref name="Best"/> did not beat the fallback and the fallback is used.</param>
/// <param name="Reason">One sentence with the figures.</param>
public sealed record ModelChoice(string Model, string Best, bool GuardFellBack, string Reason);

/// <summary>
/// Chooses a series' model from its own backtest. The preferred model (the combination) wins unless another
/// candidate's MAE is lower by more than the margin: a ranking over a few origins is noisy, and switching on
/// noise lost accuracy on the tuning VMs (docs/forecasting.md). Then the guard: whatever was picked is only
/// used when its MAE is strictly lower than the fallback's (the median of the last 7 same hours); otherwise
/// the fallback is used.
/// </summary>
public static class ModelGuard
{
    /// <summary>Chooses among <paramref name="mae"/> (model → backtest MAE; NaN = not available).</summary>
    /// <param name="mae">Backtest MAE per candidate, in the order candidates are preferred on equal scores.</param>
    /// <param name="preferred">The model other candidates must beat by <paramref name="margin"/>; may be absent.</param>
    /// <param name="fallback">The guard's model.</param>
    /// <param name="margin">Relative improvement over the preferred model a challenger needs (0 = any).</param>
    /// <param name="origins">Backtest origins behind the MAEs (for the reason).</param>
    public static ModelChoice Choose(IReadOnlyList<KeyValuePair<string, double>> mae, string preferred, string fallback, double margin, int origins)
    {
        ArgumentNullException.ThrowIfNull(mae);
        ArgumentOutOfRangeException.ThrowIfNegative(margin);
        var fallbackMae = double.NaN;
        string? best = null;
        var bestMae = double.NaN;
        var bestScore = double.PositiveInfinity;
        foreach (var (name, value) in mae)
        {
            if (name == fallback)
            {
                fallbackMae = value;
            }

            var score = name == preferred ? value : value * (1 + margin);
            if (!double.IsNaN(value) && score < bestScore)
            {
                (best, bestMae, bestScore) = (name, value, score);
            }
        }

        if (best is null || double.IsNaN(fallbackMae))
        {
            var only = best ?? fallback;
            return new ModelChoice(only, only, false, string.Create(CultureInfo.InvariantCulture, $"{only}: no backtest of {fallback} to compare with over {origins} origin(s)"));
        }

        if (best == fallback)
        {
            return new ModelChoice(fallback, fallback, false, string.Create(CultureInfo.InvariantCulture, $"{fallback} ranked first (MAE {fallbackMae:G4}) in a {origins}-origin backtest"));
        }

        if (bestMae < fallbackMae)
        {
            return new ModelChoice(best, best, false, string.Create(CultureInfo.InvariantCulture, $"{best} MAE {bestMae:G4} vs {fallback} {fallbackMae:G4} ({1 - (bestMae / fallbackMae):P0} better) in a {origins}-origin backtest"));
        }

        return new ModelChoice(fallback, best, true, string.Create(CultureInfo.InvariantCulture, $"guard: {best} (MAE {bestMae:G4}) did not beat {fallback} ({fallbackMae:G4}) in a {origins}-origin backtest; {fallback} is used"));
    }
}
