using KvmMetrics.Analysis.Forecasting.Models;
using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Forecasting;

/// <summary>Settings of an out-of-sample rolling-origin evaluation.</summary>
/// <param name="Horizon">Steps forecast from each origin.</param>
/// <param name="Origins">Number of rolling origins at the end of each series, one season (day) apart.</param>
/// <param name="Window">Steps of history given to the engine before each origin (older data is not used).</param>
public sealed record BacktestSettings(int Horizon, int Origins, int Window)
{
    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Horizon, 1, nameof(Horizon));
        ArgumentOutOfRangeException.ThrowIfLessThan(Origins, 1, nameof(Origins));
        ArgumentOutOfRangeException.ThrowIfLessThan(Window, 2, nameof(Window));
    }
}

/// <summary>One row of the evaluation table.</summary>
/// <param name="Model">Model name, or <c>selected</c> for the engine's per-series choice.</param>
/// <param name="AvgRelMae">Geometric mean over series of MAE / MAE of daily seasonal naive.</param>
/// <param name="Series">Series that entered the geometric mean.</param>
/// <param name="Coverage80">Share of actuals inside the 80% interval.</param>
/// <param name="Coverage95">Share of actuals inside the 95% interval.</param>
/// <param name="CoverageP95">Share of actuals at or below the p95 quantile forecast.</param>
/// <param name="TimesSelected">Forecasts (series × origins) for which the engine selected this model.</param>
public sealed record BacktestRow(string Model, double AvgRelMae, int Series, double Coverage80, double Coverage95, double CoverageP95, int TimesSelected);

/// <summary>A series left out of the evaluation, and why.</summary>
/// <param name="Index">Position in the input list.</param>
/// <param name="Reason">Why it could not be evaluated.</param>
public sealed record BacktestExclusion(int Index, string Reason);

/// <summary>The evaluation result: rows best first (the <c>selected</c> row included), and the exclusions.</summary>
/// <param name="Rows">Per-model rows and the <c>selected</c> row, by AvgRelMAE.</param>
/// <param name="Excluded">Series that could not be evaluated.</param>
/// <param name="Evaluated">Series evaluated.</param>
/// <param name="PerSeries">Per evaluated series: input index, baseline MAE and every model's MAE relative to it.</param>
public sealed record BacktestReport(IReadOnlyList<BacktestRow> Rows, IReadOnlyList<BacktestExclusion> Excluded, int Evaluated, IReadOnlyList<SeriesScores> PerSeries);

/// <summary>One evaluated series' scores.</summary>
/// <param name="Index">Position in the input list.</param>
/// <param name="BaselineMae">MAE of daily seasonal naive over the evaluation window.</param>
/// <param name="Relative">MAE relative to the baseline, per model (and <c>selected</c>).</param>
/// <param name="Coverage">Interval hits per model (and <c>selected</c>), to aggregate coverage over any subset of series.</param>
public sealed record SeriesScores(int Index, double BaselineMae, IReadOnlyDictionary<string, double> Relative, IReadOnlyDictionary<string, IntervalHits> Coverage);

/// <summary>Interval hits of one model on one series over the evaluation window.</summary>
/// <param name="Count">Observed actuals.</param>
/// <param name="Inside80">Actuals inside the 80% interval.</param>
/// <param name="Inside95">Actuals inside the 95% interval.</param>
public sealed record IntervalHits(long Count, long Inside80, long Inside95);

/// <summary>
/// The evaluation protocol of docs/forecasting.md: for each series, the last <c>Origins</c> days are
/// forecast from daily rolling origins, each from only the <c>Window</c> steps before it, by every
/// model and by the engine's per-series selection (which itself backtests inside that window only,
/// so nothing after an origin is ever seen). Errors are pooled per series over origins and steps;
/// the table reports the geometric mean over series of MAE relative to daily seasonal naive, and
/// pooled interval coverage.
/// </summary>
public static class BacktestEvaluator
{
    /// <summary>The row name of the engine's per-series selection.</summary>
    public const string SelectedRow = "selected";

    /// <summary>
    /// Runs the evaluation: per origin, every evaluable series is cut to the window before it and forecast in one
    /// <see cref="ForecastEngine.EvaluateMany"/> call (so the global model is trained on that window of all series,
    /// as in production); results are in input order.
    /// </summary>
    public static BacktestReport Evaluate(IReadOnlyList<RegularSeries> series, BacktestSettings settings, ForecastOptions? options = null, IProgress<int>? progress = null, int maxDegreeOfParallelism = -1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _ = maxDegreeOfParallelism;
        var engine = new ForecastEngine(options);
        var results = new SeriesResult?[series.Count];
        var reasons = new string?[series.Count];
        var eligible = new List<int>();
        for (var i = 0; i < series.Count; i++)
        {
            reasons[i] = Check(series[i], settings);
            if (reasons[i] is null)
            {
                eligible.Add(i);
                results[i] = new SeriesResult();
            }
        }

        var origins = settings.Origins;
        for (var j = 0; j < origins; j++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var histories = new RegularSeries[eligible.Count];
            var actualStart = new int[eligible.Count];
            for (var k = 0; k < eligible.Count; k++)
            {
                var s = series[eligible[k]];
                var origin = OriginOf(s, settings, j);
                histories[k] = s.Slice(origin - settings.Window, settings.Window);
                actualStart[k] = origin;
            }

            var forecasts = eligible.Count == 0 ? [] : engine.EvaluateMany(histories, settings.Horizon, includeCandidates: true, cancellationToken);
            for (var k = 0; k < eligible.Count; k++)
            {
                var s = series[eligible[k]];
                var result = results[eligible[k]]!;
                var actual = s.Values.AsSpan(actualStart[k], settings.Horizon);
                foreach (var candidate in forecasts[k].Candidates)
                {
                    result.Add(candidate.Model, candidate, actual);
                }

                result.Add(SelectedRow, forecasts[k].Selected, actual);
                result.Selections[forecasts[k].Selected.Model] = result.Selections.GetValueOrDefault(forecasts[k].Selected.Model) + 1;
                foreach (var v in actual)
                {
                    result.ActualCount += double.IsNaN(v) ? 0 : 1;
                    result.ActualAbs += double.IsNaN(v) ? 0 : Math.Abs(v);
                }
            }

            progress?.Report((int)((long)series.Count * (j + 1) / origins));
        }

        foreach (var i in eligible)
        {
            var result = results[i]!;
            if (result.ActualCount == 0)
            {
                (results[i], reasons[i]) = (null, "no observed value in the evaluation window");
                continue;
            }

            // A baseline error at rounding level (1e-9 of the series' level) makes every ratio noise:
            // the series is constant in the evaluation window and has no relative error to rank by.
            var level = result.ActualAbs / result.ActualCount;
            if (!result.Models.TryGetValue(SeasonalNaiveForecaster.DailyName, out var baseline) || !(baseline.Mae > 1e-9 * level) || !(baseline.Mae > 0))
            {
                (results[i], reasons[i]) = (null, FormattableString.Invariant($"constant in the evaluation window (daily seasonal naive MAE {baseline?.Mae ?? 0:G3}): relative error undefined"));
                continue;
            }

            result.BaselineMae = baseline.Mae;
        }

        var excluded = new List<BacktestExclusion>();
        for (var i = 0; i < series.Count; i++)
        {
            if (results[i] is null)
            {
                excluded.Add(new BacktestExclusion(i, reasons[i] ?? "not evaluated"));
            }
        }

        var ok = results.Where(r => r is not null).Select(r => r!).ToArray();
        var perSeries = new List<SeriesScores>();
        for (var i = 0; i < series.Count; i++)
        {
            if (results[i] is { } r)
            {
                perSeries.Add(new SeriesScores(
                    i,
                    r.BaselineMae,
                    r.Models.ToDictionary(kv => kv.Key, kv => kv.Value.Mae / r.BaselineMae, StringComparer.Ordinal),
                    r.Models.ToDictionary(kv => kv.Key, kv => new IntervalHits(kv.Value.Count, kv.Value.Inside80, kv.Value.Inside95), StringComparer.Ordinal)));
            }
        }

        var names = ok.SelectMany(r => r.Models.Keys).Distinct(StringComparer.Ordinal).ToArray();
        var rows = new List<BacktestRow>();
        foreach (var name in names)
        {
            double logSum = 0;
            var n = 0;
            long inside80 = 0, inside95 = 0, belowP95 = 0, total = 0;
            foreach (var r in ok)
            {
                if (!r.Models.TryGetValue(name, out var acc))
                {
                    continue;
                }

                logSum += Math.Log(acc.Mae / r.BaselineMae);
                n++;
                inside80 += acc.Inside80;
                inside95 += acc.Inside95;
                belowP95 += acc.BelowP95;
                total += acc.Count;
            }

            var selected = ok.Sum(r => r.Selections.TryGetValue(name, out var c) ? c : 0);
            rows.Add(new BacktestRow(name, n == 0 ? double.NaN : Math.Exp(logSum / n), n, Share(inside80, total), Share(inside95, total), Share(belowP95, total), selected));
        }

        var ordered = rows.OrderBy(r => r.AvgRelMae).ThenBy(r => r.Model, StringComparer.Ordinal).ToArray();
        return new BacktestReport(ordered, excluded, ok.Length, perSeries);
    }

    private static double Share(long part, long total) => total == 0 ? double.NaN : (double)part / total;

    private static int Spacing(RegularSeries s, BacktestSettings settings)
    {
        var steps = Seasonality.ForStep(s.Step).Daily;
        return steps > 0 ? steps : settings.Horizon;
    }

    private static int OriginOf(RegularSeries s, BacktestSettings settings, int j) =>
        s.Length - settings.Horizon - ((settings.Origins - 1 - j) * Spacing(s, settings));

    /// <summary>Why the series cannot be evaluated, or null.</summary>
    private static string? Check(RegularSeries s, BacktestSettings settings)
    {
        var needed = settings.Window + settings.Horizon + ((settings.Origins - 1) * Spacing(s, settings));
        if (s.Length < needed)
        {
            return FormattableString.Invariant($"{s.Length} steps of data, needs {needed} ({settings.Window} of history before the first of {settings.Origins} origins plus the evaluated steps)");
        }

        for (var j = 0; j < settings.Origins; j++)
        {
            var origin = OriginOf(s, settings, j);
            var observed = false;
            for (var t = origin - settings.Window; t < origin && !observed; t++)
            {
                observed = !double.IsNaN(s.Values[t]);
            }

            if (!observed)
            {
                return FormattableString.Invariant($"no observed value in the {settings.Window} steps before origin {j + 1}");
            }
        }

        return null;
    }

    private sealed class Accumulator
    {
        public double AbsSum { get; set; }

        public long Count { get; set; }

        public long Inside80 { get; set; }

        public long Inside95 { get; set; }

        public long BelowP95 { get; set; }

        public double Mae => Count == 0 ? double.NaN : AbsSum / Count;
    }

    private sealed class SeriesResult
    {
        public Dictionary<string, Accumulator> Models { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> Selections { get; } = new(StringComparer.Ordinal);

        public double BaselineMae { get; set; }

        public long ActualCount { get; set; }

        public double ActualAbs { get; set; }

        public void Add(string name, Forecast f, ReadOnlySpan<double> actual)
        {
            if (!Models.TryGetValue(name, out var acc))
            {
                acc = new Accumulator();
                Models[name] = acc;
            }

            for (var h = 0; h < actual.Length; h++)
            {
                var y = actual[h];
                if (double.IsNaN(y))
                {
                    continue;
                }

                acc.AbsSum += Math.Abs(y - f.Mean[h]);
                acc.Count++;
                acc.Inside80 += y >= f.Lower80[h] && y <= f.Upper80[h] ? 1 : 0;
                acc.Inside95 += y >= f.Lower95[h] && y <= f.Upper95[h] ? 1 : 0;
                acc.BelowP95 += y <= f.P95[h] ? 1 : 0;
            }
        }
    }
}
