using System.Globalization;
using System.Text.Json;
using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Forecasting;

namespace KvmMetrics.Analyzer.Commands;

/// <summary>
/// <c>backtest --history H.csv --step 1h --horizon 24h --origins 14 [--window 28d] [--json]</c>: out-of-sample
/// rolling-origin evaluation of every model and of the per-series selection (docs/forecasting.md).
/// </summary>
public sealed class BacktestCommand : ICommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <inheritdoc />
    public string Name => "backtest";

    /// <inheritdoc />
    public string Summary => "Rolling-origin evaluation of every forecasting model and of the per-series selection";

    /// <inheritdoc />
    public IReadOnlyList<KvmMetrics.Options.OptionDefinition> Options { get; } =
        [.. AnalyzerFlags.Common, AnalyzerFlags.Forecast.History, AnalyzerFlags.Forecast.Step, AnalyzerFlags.Forecast.Horizon, AnalyzerFlags.Forecast.Window,
         AnalyzerFlags.Forecast.Origins, AnalyzerFlags.Forecast.SelectionOrigins, AnalyzerFlags.Forecast.Json];

    /// <inheritdoc />
    public async Task<int> RunAsync(CommandArgs args, CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var windowGiven = args.IsSet(AnalyzerFlags.Forecast.Window);
        var common = ForecastArgs.Parse(args);
        var origins = args.Get(AnalyzerFlags.Forecast.Origins);
        var selectionOrigins = args.Get(AnalyzerFlags.Forecast.SelectionOrigins);
        var json = args.Get(AnalyzerFlags.Forecast.Json);
        args.EnsureAllUsed();

        var loaded = HistoryLoader.Load(common.History, common.Step, context.Error);
        var window = common.WindowSteps;
        if (!windowGiven)
        {
            // Without --window, the history before the first origin is whatever the longest series has left after
            // the evaluated days, at most the 28-day default: `--origins N` then works on short inputs such as the
            // bundled 40-day sample, and says so.
            var daily = Analysis.Forecasting.Seasonality.ForStep((long)common.Step.TotalSeconds).Daily;
            var spacing = daily > 0 ? daily : common.HorizonSteps;
            var longest = loaded.Max(s => s.Series.Length);
            var fits = longest - common.HorizonSteps - ((origins - 1) * spacing);
            if (fits < window && fits >= 2 * Math.Max(1, daily))
            {
                await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"backtest: the longest series has {longest} steps; {origins} origins leave {fits} steps of history before the first one (--window default 28d shortened)")).ConfigureAwait(false);
                window = fits;
            }
        }

        var settings = new BacktestSettings(common.HorizonSteps, origins, window);
        var options = new ForecastOptions { BacktestOrigins = selectionOrigins };
        var total = loaded.Count;
        var every = Math.Max(1, total / 10);
        var progress = new HistoryLoader.SyncProgress<int>(done =>
        {
            if (total >= 20 && (done % every == 0 || done == total))
            {
                lock (context.Error)
                {
                    context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"backtest: {done}/{total} series"));
                }
            }
        });
        var started = context.Time.GetTimestamp();
        var report = BacktestEvaluator.Evaluate(loaded.Select(s => s.Series).ToArray(), settings, options, progress, cancellationToken: cancellationToken);
        var elapsed = context.Time.GetElapsedTime(started);
        if (report.Evaluated == 0)
        {
            var first = report.Excluded.FirstOrDefault();
            throw new UsageException($"no series in '{common.History}' can be evaluated: {(first is null ? "no series" : $"{loaded[first.Index].Entity}/{loaded[first.Index].Metric}: {first.Reason}")}; use fewer --origins or a shorter --window");
        }

        if (json)
        {
            var document = new
            {
                settings = new { step = common.Step.TotalSeconds, horizon = settings.Horizon, origins = settings.Origins, window = settings.Window, selectionOrigins },
                evaluated = report.Evaluated,
                rows = report.Rows,
                excluded = report.Excluded.Select(e => new { entity = loaded[e.Index].Entity, metric = loaded[e.Index].Metric, reason = e.Reason }),
                seconds = elapsed.TotalSeconds,
            };
            await context.Out.WriteLineAsync(JsonSerializer.Serialize(document, Json)).ConfigureAwait(false);
            return 0;
        }

        var o = context.Out;
        await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{report.Evaluated} series evaluated, {report.Excluded.Count} excluded; horizon {settings.Horizon} steps, {settings.Origins} origins, {settings.Window} steps of history per origin, {elapsed.TotalSeconds:0.0} s")).ConfigureAwait(false);
        await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{"model",-24} {"AvgRelMAE",9} {"series",6} {"cov80",6} {"cov95",6} {"p95",6} {"chosen",6}")).ConfigureAwait(false);
        foreach (var row in report.Rows)
        {
            await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{row.Model,-24} {row.AvgRelMae,9:0.000} {row.Series,6} {row.Coverage80,6:0.000} {row.Coverage95,6:0.000} {row.CoverageP95,6:0.000} {row.TimesSelected,6}")).ConfigureAwait(false);
        }

        foreach (var e in report.Excluded)
        {
            await o.WriteLineAsync($"excluded {loaded[e.Index].Entity}/{loaded[e.Index].Metric}: {e.Reason}").ConfigureAwait(false);
        }

        return 0;
    }
}
