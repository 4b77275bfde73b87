using System.Globalization;
using KvmMetrics.Analysis.Forecasting.Models;
using KvmMetrics.Analysis.TimeSeries;

namespace KvmMetrics.Analysis.Forecasting;

/// <summary>
/// Per-series model selection: fills gaps, backtests every candidate from rolling origins over the
/// end of the history (one per day by default, each forecasting the full horizon), ranks them by MAE
/// relative to daily seasonal naive (MASE-style, so idle and busy series count alike), optionally
/// adds the median of the best few as an ensemble, keeps the baseline when nothing beats it, and
/// calibrates the winner's intervals on its own backtest errors. Pure and thread-safe: call it from
/// a <c>Parallel.For</c> over series.
/// </summary>
public sealed class ForecastEngine
{
    /// <summary>Name of the ensemble candidate.</summary>
    public const string EnsembleName = "ensemble-median";

    private readonly ForecastOptions _options;
    private readonly SeasonalNaiveForecaster _baseline = new();

    /// <summary>Creates an engine; <paramref name="options"/> default to <see cref="ForecastOptions"/>' defaults.</summary>
    public ForecastEngine(ForecastOptions? options = null)
    {
        _options = options ?? new ForecastOptions();
        _options.Validate();
    }

    /// <summary>The default candidate models (the daily seasonal naive baseline is added by the engine).</summary>
    public static IReadOnlyList<IForecaster> DefaultModels() =>
    [
        new SeasonalNaiveForecaster(weekly: true),
        new SeasonalMedianForecaster(7),
        new SeasonalMedianForecaster(14),
        new SeasonalMedianForecaster(3, weekly: true),
        new RecentMedianForecaster(1),
        new RecentMedianForecaster(3),
        new RecentMedianForecaster(6),
        new RecentMedianForecaster(24),
        new SeasonalMedianForecaster(3),
        new LevelSeasonalMedianForecaster(7, 3),
        new MedianEnsembleForecaster(
            "robust-ensemble",
            new SeasonalMedianForecaster(7),
            new RecentMedianForecaster(1),
            new RecentMedianForecaster(24),
            new LevelSeasonalMedianForecaster(7, 3)),
        new HoltWintersForecaster(damped: false, fitWindow: 336),
        new HoltWintersForecaster(damped: true, fitWindow: 336),
        new SsaForecaster(),
        new FourierRegressionForecaster(),
        new LinearTrendForecaster(window: 168),
    ];

    /// <summary>Forecasts <paramref name="horizon"/> steps after the end of <paramref name="history"/> with the selected model.</summary>
    public Forecast Forecast(RegularSeries history, int horizon) => Evaluate(history, horizon, includeCandidates: false).Selected;

    /// <summary>Backtests, ranks and forecasts; with <paramref name="includeCandidates"/> also returns every model's forecast.</summary>
    /// <exception cref="ArgumentException">The history has no observed value at all.</exception>
    public ForecastResult Evaluate(RegularSeries history, int horizon, bool includeCandidates = false)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        if (history.Length == 0 || history.MissingCount == history.Length)
        {
            throw new ArgumentException("the history has no observed values", nameof(history));
        }

        var seasons = Seasonality.ForStep(history.Step);
        var raw = _options.MaxHistory > 0 && history.Length > _options.MaxHistory
            ? history.Values.AsSpan(history.Length - _options.MaxHistory).ToArray()
            : history.Values;
        var filled = GapFiller.Fill(raw, seasons.Daily);
        var floor = filled.Min() >= 0 ? 0.0 : double.NegativeInfinity;
        var models = new List<IForecaster> { _baseline };
        models.AddRange(_options.Models.Where(m => m.Name != _baseline.Name));

        var spacing = seasons.Daily > 0 ? seasons.Daily : horizon;
        var minimum = _baseline.MinimumLength(seasons);
        var origins = new List<int>();
        for (var j = _options.BacktestOrigins; j >= 1; j--)
        {
            var origin = filled.Length - horizon - ((j - 1) * spacing);
            if (origin >= minimum)
            {
                origins.Add(origin);
            }
        }

        if (origins.Count == 0)
        {
            return ShortHistory(history, filled, raw, seasons, horizon, floor);
        }

        var eligible = models.Where(m => m == _baseline || m.MinimumLength(seasons) <= origins[0]).ToList();
        var runs = new List<Run>(eligible.Count + 1);
        foreach (var model in eligible)
        {
            runs.Add(Backtest(model, filled, raw, origins, horizon, seasons, floor));
        }

        var baseMae = runs[0].Mae;
        foreach (var run in runs)
        {
            run.Score = Relative(run.Mae, baseMae);
        }

        if (_options.Ensemble && runs.Count > _options.EnsembleSize)
        {
            var members = runs.Where(r => r.Model is not null).OrderBy(r => r.Score).ThenBy(r => r.Name, StringComparer.Ordinal).Take(_options.EnsembleSize).ToArray();
            var ensemble = new Run(EnsembleName, null, members) { Forecasts = new double[origins.Count][] };
            for (var o = 0; o < origins.Count; o++)
            {
                ensemble.Forecasts[o] = MedianOf(members.Select(m => m.Forecasts[o]).ToArray(), horizon);
            }

            ensemble.Errors = ErrorsOf(ensemble.Forecasts, raw, origins, horizon);
            ensemble.Mae = MaeOf(ensemble.Errors);
            ensemble.Score = Relative(ensemble.Mae, baseMae);
            runs.Add(ensemble);
        }

        var ranking = runs.OrderBy(r => r.Score).ThenBy(r => r.Name, StringComparer.Ordinal).ToArray();
        var baselineRun = runs[0];
        var ensembleRun = runs.FirstOrDefault(r => r.Members is not null);
        var bestSingle = ranking.First(r => r.Members is null);
        // Combining the best few is preferred over the single best: with a week of origins the
        // per-series ranking is noisy, and the median of the top models is steadier (docs/forecasting.md).
        var winner = ensembleRun is { Score: < 1.0 } ? ensembleRun : bestSingle.Score < 1.0 && bestSingle != baselineRun ? bestSingle : baselineRun;
        var usedBaseline = winner == baselineRun;
        var bestOther = ranking.FirstOrDefault(r => r != baselineRun);
        var reason = usedBaseline
            ? string.Create(CultureInfo.InvariantCulture, $"no model beat {_baseline.Name} in a {origins.Count}-origin backtest (best other: {bestOther?.Name ?? "none"} at {bestOther?.Score ?? double.NaN:0.###}); the baseline is used")
            : string.Create(CultureInfo.InvariantCulture, $"MAE relative to {_baseline.Name} {winner.Score:0.###} in a {origins.Count}-origin backtest{(winner.Members is null ? "" : " as the median of the best " + winner.Members.Length + ": " + string.Join(", ", winner.Members.Select(m => m.Name)))}");

        var selected = Finish(winner, filled, seasons, horizon, history.End, history.Step, floor, usedBaseline, reason);
        var candidates = includeCandidates
            ? ranking.Select(r => r == winner ? selected : Finish(r, filled, seasons, horizon, history.End, history.Step, floor, r == baselineRun, "candidate (not selected)")).ToArray()
            : [];
        return new ForecastResult(selected, candidates, ranking.Select(r => new ModelScore(r.Name, r.Score, r.Mae)).ToArray());
    }

    private static double Relative(double mae, double baseMae) =>
        baseMae > 0 ? mae / baseMae : mae > 0 ? double.PositiveInfinity : 1.0;

    private static Run Backtest(IForecaster model, double[] filled, double[] raw, List<int> origins, int horizon, Seasonality seasons, double floor)
    {
        var run = new Run(model.Name, model, null) { Forecasts = new double[origins.Count][] };
        IFittedForecaster? warm = null;
        for (var o = 0; o < origins.Count; o++)
        {
            warm = model.Fit(filled.AsSpan(0, origins[o]), seasons, warm);
            run.Forecasts[o] = Clamp(warm.Forecast(horizon), floor);
        }

        run.LastFit = warm;
        run.Errors = ErrorsOf(run.Forecasts, raw, origins, horizon);
        run.Mae = MaeOf(run.Errors);
        return run;
    }

    private static double[][] ErrorsOf(double[][] forecasts, double[] raw, List<int> origins, int horizon)
    {
        var errors = new double[origins.Count][];
        for (var o = 0; o < origins.Count; o++)
        {
            errors[o] = new double[horizon];
            for (var h = 0; h < horizon; h++)
            {
                errors[o][h] = raw[origins[o] + h] - forecasts[o][h];
            }
        }

        return errors;
    }

    private static double MaeOf(double[][] errors)
    {
        double sum = 0;
        var n = 0;
        foreach (var row in errors)
        {
            foreach (var e in row)
            {
                if (!double.IsNaN(e))
                {
                    sum += Math.Abs(e);
                    n++;
                }
            }
        }

        return n == 0 ? double.NaN : sum / n;
    }

    private static double[] MedianOf(double[][] forecasts, int horizon)
    {
        var result = new double[horizon];
        Span<double> column = stackalloc double[forecasts.Length];
        for (var h = 0; h < horizon; h++)
        {
            for (var m = 0; m < forecasts.Length; m++)
            {
                column[m] = forecasts[m][h];
            }

            result[h] = Stats.Median(column);
        }

        return result;
    }

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

    /// <summary>Final fit on the whole history (warm-started from the backtest), point forecast and calibrated intervals.</summary>
    private Forecast Finish(Run run, double[] filled, Seasonality seasons, int horizon, long start, long step, double floor, bool isBaseline, string reason)
    {
        double[] mean;
        if (run.Members is { } members)
        {
            mean = MedianOf(members.Select(m => m.Model!.Fit(filled, seasons, m.LastFit).Forecast(horizon)).ToArray(), horizon);
        }
        else
        {
            mean = run.Model!.Fit(filled, seasons, run.LastFit).Forecast(horizon);
        }

        mean = Clamp(mean, floor);
        var offsets = IntervalCalibrator.Offsets(run.Errors, horizon, _options.IntervalScale);
        return Build(start, step, mean, offsets, floor, run.Name, run.Score, isBaseline, reason);
    }

    private ForecastResult ShortHistory(RegularSeries history, double[] filled, double[] raw, Seasonality seasons, int horizon, double floor)
    {
        var seasonal = seasons.Daily > 0 && filled.Length >= seasons.Daily;
        var lag = seasonal ? seasons.Daily : 1;
        var mean = Clamp(_baseline.Fit(filled, seasons).Forecast(horizon), floor);
        // No backtest possible: calibrate on the in-sample errors of the same naive rule.
        var errors = new double[Math.Max(0, filled.Length - lag)];
        for (var t = lag; t < filled.Length; t++)
        {
            errors[t - lag] = raw[t] - filled[t - lag];
        }

        var offsets = IntervalCalibrator.Offsets([errors], horizon, _options.IntervalScale);
        var name = seasonal ? _baseline.Name : "naive-last-value";
        var reason = string.Create(CultureInfo.InvariantCulture, $"history of {history.Length} steps is too short for a backtest (needs {_baseline.MinimumLength(seasons) + horizon}); {name} is used");
        var selected = Build(history.End, history.Step, mean, offsets, floor, name, double.NaN, true, reason);
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

    private sealed class Run(string name, IForecaster? model, Run[]? members)
    {
        public string Name { get; } = name;

        public IForecaster? Model { get; } = model;

        public Run[]? Members { get; } = members;

        public double[][] Forecasts { get; init; } = [];

        public double[][] Errors { get; set; } = [];

        public double Mae { get; set; }

        public double Score { get; set; }

        public IFittedForecaster? LastFit { get; set; }
    }
}
