using System.Globalization;
using KvmMetrics.Analysis.Forecasting.Global;
using KvmMetrics.Analysis.Forecasting.Models;
using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Forecasting;

/// <summary>
/// Forecasting v2 (docs/forecasting.md): one global gradient-boosted model (LightGBM through ML.NET) is
/// trained across every series of a call on lag, same-hour, rolling-quantile and calendar features and
/// predicts each horizon step directly; the robust baselines (median of the last 7 same hours, daily
/// seasonal naive, damped Holt-Winters) stay as candidates. Each series chooses its model by a
/// rolling-origin backtest on its own past only (the global model used there was trained on data before
/// the backtest window), with a guard that keeps the median of the last 7 same hours unless the choice
/// beat it. Intervals are split-conformal from the same backtest residuals, pooled per horizon step over
/// the series of the call. Pure; parallel over series inside.
/// </summary>
public sealed class ForecastEngine
{
    /// <summary>Name of the global model.</summary>
    public const string GlobalName = "global-lightgbm";

    /// <summary>Name of the guard's fallback: the median of the last 7 values at the same hour.</summary>
    public const string MedianName = "seasonal-median-7d";

    /// <summary>Name of the combination: per step, the median of the global model, the 7-day same-hour median and seasonal naive.</summary>
    public const string ComboName = "combo-median3";

    /// <summary>Name of damped Holt-Winters (the ETS candidate).</summary>
    public const string EtsName = "holt-winters-damped";

    private readonly ForecastOptions _options;
    private readonly SeasonalNaiveForecaster _naive = new();
    private readonly SeasonalMedianForecaster _median = new(7);
    private readonly HoltWintersForecaster _ets = new(damped: true, fitWindow: 336);

    /// <summary>Creates an engine; <paramref name="options"/> default to <see cref="ForecastOptions"/>' defaults.</summary>
    public ForecastEngine(ForecastOptions? options = null)
    {
        _options = options ?? new ForecastOptions();
        _options.Validate();
    }

    /// <summary>The options in use.</summary>
    public ForecastOptions Options => _options;

    /// <summary>Forecasts <paramref name="horizon"/> steps after the end of one series (the global model then learns from this series alone; prefer <see cref="ForecastMany"/>).</summary>
    public Forecast Forecast(RegularSeries history, int horizon) => Evaluate(history, horizon).Selected;

    /// <summary>Backtests, chooses and forecasts one series; with <paramref name="includeCandidates"/> also every candidate's forecast.</summary>
    /// <exception cref="ArgumentException">The history has no observed value at all.</exception>
    public ForecastResult Evaluate(RegularSeries history, int horizon, bool includeCandidates = false)
    {
        ArgumentNullException.ThrowIfNull(history);
        return EvaluateMany([history], horizon, includeCandidates)[0];
    }

    /// <summary>Forecasts every series with one global model trained across all of them.</summary>
    public IReadOnlyList<Forecast> ForecastMany(IReadOnlyList<RegularSeries> histories, int horizon, CancellationToken cancellationToken = default) =>
        EvaluateMany(histories, horizon, includeCandidates: false, cancellationToken).Select(r => r.Selected).ToArray();

    /// <summary>Trains, backtests, chooses and forecasts every series; results are in input order.</summary>
    /// <exception cref="ArgumentException">A history has no observed value at all.</exception>
    public IReadOnlyList<ForecastResult> EvaluateMany(IReadOnlyList<RegularSeries> histories, int horizon, bool includeCandidates = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        for (var i = 0; i < histories.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(histories[i]);
            if (histories[i].Length == 0 || histories[i].MissingCount == histories[i].Length)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"history {i} has no observed values"), nameof(histories));
            }
        }

        var parallel = new ParallelOptions { CancellationToken = cancellationToken };
        var work = new SeriesWork[histories.Count];
        Parallel.For(0, histories.Count, parallel, i => work[i] = Prepare(histories[i], horizon));

        foreach (var group in work.Where(w => w.UsesGlobal).GroupBy(w => (w.Step, w.Period)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var members = group.ToArray();
            var model = Train(members, horizon, useAll: false);
            var final = _options.RefitOnAll ? Train(members, horizon, useAll: true) ?? model : model;
            foreach (var w in members)
            {
                (w.BacktestModel, w.FinalModel) = (model, final);
            }
        }

        Parallel.For(0, work.Length, parallel, i => RunCandidates(work[i], horizon));

        var calibrators = new Dictionary<(long, int, string), ConformalCalibrator>();
        foreach (var w in work.Where(w => !w.Short))
        {
            foreach (var run in w.Runs)
            {
                var key = (w.Step, w.Period, run.Name);
                if (!calibrators.TryGetValue(key, out var calibrator))
                {
                    calibrator = new ConformalCalibrator(horizon);
                    calibrators[key] = calibrator;
                }

                for (var o = 0; o < w.Origins.Length; o++)
                {
                    for (var h = 0; h < horizon; h++)
                    {
                        calibrator.Add(h, run.Errors[o][h], w.OriginScales[o]);
                    }
                }
            }
        }

        var offsets = calibrators.ToDictionary(kv => kv.Key, kv => kv.Value.Offsets(horizon, _options.IntervalScale));
        var results = new ForecastResult[work.Length];
        Parallel.For(0, work.Length, parallel, i => results[i] = Finish(work[i], horizon, offsets, includeCandidates));
        return results;
    }

    private SeriesWork Prepare(RegularSeries history, int horizon)
    {
        var raw = _options.MaxHistory > 0 && history.Length > _options.MaxHistory
            ? history.Values.AsSpan(history.Length - _options.MaxHistory).ToArray()
            : history.Values;
        var seasons = Seasonality.ForStep(history.Step);
        var filled = GapFiller.Fill(raw, seasons.Daily);
        var period = seasons.Daily;
        var week = seasons.Weekly > 0 ? seasons.Weekly : 7 * Math.Max(1, period);
        var w = new SeriesWork
        {
            History = history,
            Raw = raw,
            Filled = filled,
            Start = history.End - (raw.Length * history.Step),
            Step = history.Step,
            Seasons = seasons,
            Period = period,
            Week = week,
            Floor = filled.Min() >= 0 ? 0.0 : double.NegativeInfinity,
        };

        var spacing = period > 0 ? period : horizon;
        var minimum = _naive.MinimumLength(seasons);
        var origins = new List<int>();
        for (var j = _options.BacktestOrigins - 1; j >= 0; j--)
        {
            var origin = filled.Length - horizon - (j * spacing);
            if (origin >= minimum)
            {
                origins.Add(origin);
            }
        }

        w.Origins = [.. origins];
        w.Short = origins.Count == 0;
        w.UsesGlobal = _options.GlobalModel && !_options.MedianOnly && !w.Short && period > 0 && w.Floor == 0 && origins[0] >= FeatureBuilder.MinimumHistory(period);
        return w;
    }

    /// <summary>Training rows: every origin (stride apart) whose targets lie before the series' cutoff, subsampled to the row budget.</summary>
    private TreeEnsemble? Train(SeriesWork[] members, int horizon, bool useAll)
    {
        var g = _options.Global;
        var minimum = FeatureBuilder.MinimumHistory(members[0].Period);
        long total = 0;
        foreach (var w in members)
        {
            var cutoff = useAll ? w.Filled.Length : w.Origins[0];
            for (var t0 = minimum; t0 < cutoff; t0 += g.OriginStride)
            {
                total += Math.Min(horizon, cutoff - t0);
            }
        }

        if (total == 0)
        {
            return null;
        }

        var rate = Math.Min(1.0, g.MaxRows / (double)total);
        // Sample origins first (cheap: the origin's features are only built when kept), then rows within them.
        var originRate = Math.Min(1.0, 4 * rate);
        var rowRate = rate / originRate;
        var features = new List<float>[members.Length];
        var labels = new List<float>[members.Length];
        Parallel.For(0, members.Length, i =>
        {
            var w = members[i];
            var random = new Random(g.Seed + (31 * i));
            var cutoff = useAll ? w.Filled.Length : w.Origins[0];
            var f = new List<float>();
            var l = new List<float>();
            var row = new float[FeatureBuilder.Count];
            for (var t0 = minimum; t0 < cutoff; t0 += g.OriginStride)
            {
                if (originRate < 1 && random.NextDouble() >= originRate)
                {
                    continue;
                }

                var block = FeatureBuilder.Origin(w.Filled, t0, w.Period, w.Week);
                for (var h = 0; h < horizon && t0 + h < cutoff; h++)
                {
                    var actual = w.Raw[t0 + h];
                    if (double.IsNaN(actual) || (rowRate < 1 && random.NextDouble() >= rowRate))
                    {
                        continue;
                    }

                    var baseline = FeatureBuilder.Fill(w.Filled, t0, h, w.Start + ((t0 + h) * w.Step), w.Period, w.Week, block, row);
                    f.AddRange(row);
                    l.Add(FeatureBuilder.Target(actual, baseline, block.Scale));
                }
            }

            features[i] = f;
            labels[i] = l;
        });

        var all = new float[features.Sum(f => f.Count)];
        var allLabels = new float[labels.Sum(l => l.Count)];
        var offset = 0;
        var labelOffset = 0;
        for (var i = 0; i < members.Length; i++)
        {
            features[i].CopyTo(all, offset);
            labels[i].CopyTo(allLabels, labelOffset);
            offset += features[i].Count;
            labelOffset += labels[i].Count;
        }

        return GlobalModelTrainer.Train(all, allLabels, g);
    }

    private void RunCandidates(SeriesWork w, int horizon)
    {
        if (w.Short)
        {
            return;
        }

        var runs = new List<Run> { Baseline(w, _median, horizon) };
        if (_options.MedianOnly)
        {
            Score(w, runs, horizon);
            return;
        }

        if (w.UsesGlobal && w.BacktestModel is not null)
        {
            runs.Add(GlobalRun(w, horizon));
        }

        if (_options.Ets && w.Period > 0 && w.Origins[0] >= _ets.MinimumLength(w.Seasons))
        {
            runs.Add(Baseline(w, _ets, horizon));
        }

        var naive = Baseline(w, _naive, horizon);
        runs.Add(naive);
        if (runs.FirstOrDefault(r => r.Name == GlobalName) is { } global)
        {
            // The median of three forecasts that err differently (learned correction, robust level, last day's
            // shape) beat each of them on the tuning VMs (docs/forecasting.md).
            var median = runs[0];
            var combo = new Run(ComboName) { Backtest = new double[w.Origins.Length][] };
            for (var o = 0; o < w.Origins.Length; o++)
            {
                combo.Backtest[o] = Median3(global.Backtest[o], median.Backtest[o], naive.Backtest[o]);
            }

            combo.Final = Median3(global.Final, median.Final, naive.Final);
            runs.Insert(1, combo);
        }

        Score(w, runs, horizon);
    }

    private static void Score(SeriesWork w, List<Run> runs, int horizon)
    {
        foreach (var run in runs)
        {
            run.Errors = new double[w.Origins.Length][];
            double sum = 0;
            var n = 0;
            for (var o = 0; o < w.Origins.Length; o++)
            {
                run.Errors[o] = new double[horizon];
                for (var h = 0; h < horizon; h++)
                {
                    var e = w.Raw[w.Origins[o] + h] - run.Backtest[o][h];
                    run.Errors[o][h] = e;
                    if (!double.IsNaN(e))
                    {
                        sum += Math.Abs(e);
                        n++;
                    }
                }
            }

            run.Mae = n == 0 ? double.NaN : sum / n;
        }

        w.Runs = runs;
        w.OriginScales = w.Origins.Select(o => ConformalCalibrator.Scale(w.Filled, o, w.Period, w.Week)).ToArray();
    }

    private static double[] Median3(double[] a, double[] b, double[] c)
    {
        var result = new double[a.Length];
        for (var h = 0; h < a.Length; h++)
        {
            result[h] = Math.Max(Math.Min(a[h], b[h]), Math.Min(Math.Max(a[h], b[h]), c[h]));
        }

        return result;
    }

    private static Run Baseline(SeriesWork w, IForecaster model, int horizon)
    {
        var run = new Run(model.Name) { Backtest = new double[w.Origins.Length][] };
        IFittedForecaster? warm = null;
        for (var o = 0; o < w.Origins.Length; o++)
        {
            warm = model.Fit(w.Filled.AsSpan(0, w.Origins[o]), w.Seasons, warm);
            run.Backtest[o] = Clamp(warm.Forecast(horizon), w.Floor);
        }

        run.Final = Clamp(model.Fit(w.Filled, w.Seasons, warm).Forecast(horizon), w.Floor);
        return run;
    }

    private static Run GlobalRun(SeriesWork w, int horizon)
    {
        var run = new Run(GlobalName) { Backtest = new double[w.Origins.Length][] };
        for (var o = 0; o < w.Origins.Length; o++)
        {
            run.Backtest[o] = PredictGlobal(w, w.BacktestModel!, w.Origins[o], horizon);
        }

        run.Final = PredictGlobal(w, w.FinalModel ?? w.BacktestModel!, w.Filled.Length, horizon);
        return run;
    }

    private static double[] PredictGlobal(SeriesWork w, TreeEnsemble model, int origin, int horizon)
    {
        var block = FeatureBuilder.Origin(w.Filled, origin, w.Period, w.Week);
        Span<float> row = stackalloc float[FeatureBuilder.Count];
        var result = new double[horizon];
        for (var h = 0; h < horizon; h++)
        {
            var baseline = FeatureBuilder.Fill(w.Filled, origin, h, w.Start + ((origin + h) * w.Step), w.Period, w.Week, block, row);
            result[h] = FeatureBuilder.FromTarget(model.Predict(row), baseline, block.Scale);
        }

        return result;
    }

    private ForecastResult Finish(SeriesWork w, int horizon, Dictionary<(long, int, string), double[][]?> offsets, bool includeCandidates)
    {
        if (w.Short)
        {
            return ShortHistory(w, horizon);
        }

        var naiveMae = w.Runs.FirstOrDefault(r => r.Name == _naive.Name)?.Mae ?? double.NaN;
        var choice = ModelGuard.Choose(w.Runs.Select(r => new KeyValuePair<string, double>(r.Name, r.Mae)).ToArray(), ComboName, MedianName, _options.ChallengerMargin, w.Origins.Length);
        var finalScale = ConformalCalibrator.Scale(w.Filled, w.Filled.Length, w.Period, w.Week);
        Forecast Make(Run run, string reason, bool isBaseline)
        {
            var table = offsets.GetValueOrDefault((w.Step, w.Period, run.Name));
            double[][]? scaled = null;
            if (table is not null)
            {
                scaled = table.Select(level => level.Select(v => v * finalScale).ToArray()).ToArray();
            }
            else
            {
                scaled = IntervalCalibrator.Offsets(run.Errors, horizon, 1.35);
            }

            return Build(w.History.End, w.Step, (double[])run.Final.Clone(), scaled, w.Floor, run.Name, Relative(run.Mae, naiveMae), isBaseline, reason);
        }

        var chosen = w.Runs.First(r => r.Name == choice.Model);
        var selected = Make(chosen, choice.Reason, chosen.Name == MedianName);
        var ranking = w.Runs.OrderBy(r => double.IsNaN(r.Mae) ? double.PositiveInfinity : r.Mae).ThenBy(r => r.Name, StringComparer.Ordinal).ToArray();
        var candidates = includeCandidates
            ? ranking.Select(r => r == chosen ? selected : Make(r, "candidate (not selected)", r.Name == MedianName)).ToArray()
            : [];
        return new ForecastResult(selected, candidates, ranking.Select(r => new ModelScore(r.Name, Relative(r.Mae, naiveMae), r.Mae)).ToArray());
    }

    private static double Relative(double mae, double baseMae) =>
        baseMae > 0 ? mae / baseMae : mae > 0 ? double.PositiveInfinity : 1.0;

    private static double[] Clamp(double[] values, double floor)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] < floor || double.IsNaN(values[i]))
            {
                values[i] = double.IsNaN(values[i]) ? 0 : floor;
            }
        }

        return values;
    }

    private ForecastResult ShortHistory(SeriesWork w, int horizon)
    {
        var filled = w.Filled;
        var raw = w.Raw;
        var seasonal = w.Period > 0 && filled.Length >= w.Period;
        var lag = seasonal ? w.Period : 1;
        var mean = Clamp(_naive.Fit(filled, w.Seasons).Forecast(horizon), w.Floor);
        // No backtest possible: calibrate on the in-sample errors of the same naive rule.
        var errors = new double[Math.Max(0, filled.Length - lag)];
        for (var t = lag; t < filled.Length; t++)
        {
            errors[t - lag] = raw[t] - filled[t - lag];
        }

        var offsets = IntervalCalibrator.Offsets([errors], horizon, 1.35);
        var name = seasonal ? _naive.Name : "naive-last-value";
        var reason = string.Create(CultureInfo.InvariantCulture, $"history of {w.History.Length} steps is too short for a backtest (needs {_naive.MinimumLength(w.Seasons) + horizon}); {name} is used");
        var selected = Build(w.History.End, w.Step, mean, offsets, w.Floor, name, double.NaN, true, reason);
        return new ForecastResult(selected, [selected], [new ModelScore(name, double.NaN, double.NaN)]);
    }

    private static Forecast Build(long start, long step, double[] mean, double[][]? offsets, double floor, string model, double score, bool isBaseline, string reason)
    {
        var horizon = mean.Length;
        var bands = new double[IntervalCalibrator.Levels.Length][];
        for (var l = 0; l < bands.Length; l++)
        {
            bands[l] = new double[horizon];
            for (var h = 0; h < horizon; h++)
            {
                // Without any error sample the interval is honest about knowing nothing beyond the point.
                var value = offsets is null ? (l < 2 ? double.NegativeInfinity : double.PositiveInfinity) : mean[h] + offsets[l][h];
                bands[l][h] = Math.Max(value, floor);
            }
        }

        return new Forecast(start, step, mean, bands[1], bands[2], bands[0], bands[4], bands[3], model, score, isBaseline, reason);
    }

    private sealed class SeriesWork
    {
        public required RegularSeries History { get; init; }

        public required double[] Raw { get; init; }

        public required double[] Filled { get; init; }

        public long Start { get; init; }

        public long Step { get; init; }

        public required Seasonality Seasons { get; init; }

        public int Period { get; init; }

        public int Week { get; init; }

        public double Floor { get; init; }

        public int[] Origins { get; set; } = [];

        public bool Short { get; set; }

        public bool UsesGlobal { get; set; }

        public TreeEnsemble? BacktestModel { get; set; }

        public TreeEnsemble? FinalModel { get; set; }

        public List<Run> Runs { get; set; } = [];

        public double[] OriginScales { get; set; } = [];
    }

    private sealed class Run(string name)
    {
        public string Name { get; } = name;

        public double[][] Backtest { get; init; } = [];

        public double[] Final { get; set; } = [];

        public double[][] Errors { get; set; } = [];

        public double Mae { get; set; }
    }
}
