using System.Globalization;
using System.Text;
using KvmMetrics.Analysis.Forecasting;
using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Forecasting;
using KvmMetrics.Analyzer.Planning;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.WriteBack;

namespace KvmMetrics.Analyzer.Commands;

/// <summary>
/// <c>forecast --history H.csv --step 1h --horizon 24h --output F.csv [--window 28d]</c>: per-series model
/// selection and forecast; one output row per series and future step with the calibrated intervals and the model.
/// </summary>
public sealed class ForecastCommand : ICommand
{
    /// <summary>The output header.</summary>
    public const string Header = "entity,metric,timestamp,mean,lower80,upper80,lower95,upper95,model";

    /// <inheritdoc />
    public string Name => "forecast";

    /// <inheritdoc />
    public string Summary => "Forecast every series of a history CSV with per-series model selection";

    /// <inheritdoc />
    public IReadOnlyList<KvmMetrics.Options.OptionDefinition> Options { get; } =
        [.. AnalyzerFlags.Common, AnalyzerFlags.Forecast.History, AnalyzerFlags.Forecast.Step, AnalyzerFlags.Forecast.Horizon, AnalyzerFlags.Forecast.Window,
         AnalyzerFlags.Forecast.Output, AnalyzerFlags.Forecast.Engine, .. AnalyzerFlags.WriteBack.All];

    /// <inheritdoc />
    public async Task<int> RunAsync(CommandArgs args, CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var common = ForecastArgs.Parse(args);
        var output = args.Get(AnalyzerFlags.Forecast.Output);
        var engineName = args.Get(AnalyzerFlags.Forecast.Engine);
        var writeBack = InfluxWriteBackOptions.Parse(args, Environment.GetEnvironmentVariable, null);
        args.EnsureAllUsed();
        if (output is not null && Directory.Exists(output))
        {
            throw new UsageException($"--output '{output}' is a directory; give a file path");
        }

        var loaded = HistoryLoader.Load(common.History, common.Step, context.Error);
        var engine = new ForecastEngine(new ForecastOptions { MaxHistory = common.WindowSteps, MedianOnly = engineName == "median-of-7" });
        var forecasts = new Forecast?[loaded.Count];
        var problems = new string?[loaded.Count];
        var usable = new List<int>();
        for (var i = 0; i < loaded.Count; i++)
        {
            var s = loaded[i].Series;
            if (s.Length - s.MissingCount < 2)
            {
                problems[i] = $"{loaded[i].Entity}/{loaded[i].Metric}: only {s.Length - s.MissingCount} observed step(s) of {common.Step}; at least 2 are needed, skipped";
            }
            else
            {
                usable.Add(i);
            }
        }

        // One call for all series: the global model is trained across them (docs/forecasting.md).
        var results = engine.ForecastMany(usable.Select(i => loaded[i].Series).ToArray(), common.HorizonSteps, cancellationToken);
        for (var k = 0; k < usable.Count; k++)
        {
            var i = usable[k];
            forecasts[i] = results[k];
            if (double.IsNaN(results[k].BacktestScore) && !engine.Options.MedianOnly)
            {
                problems[i] = $"{loaded[i].Entity}/{loaded[i].Metric}: {results[k].Reason}";
            }
        }

        foreach (var problem in problems.Where(p => p is not null))
        {
            await context.Error.WriteLineAsync("warning: " + problem).ConfigureAwait(false);
        }

        if (forecasts.All(f => f is null))
        {
            throw new UsageException($"no series in '{common.History}' has enough data to forecast (at least 2 observed steps of {common.Step})");
        }

        var text = new StringBuilder(capacity: 64 + (forecasts.Length * common.HorizonSteps * 120));
        text.Append(Header).Append('\n');
        for (var i = 0; i < loaded.Count; i++)
        {
            if (forecasts[i] is not { } f)
            {
                continue;
            }

            for (var h = 0; h < f.Horizon; h++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{loaded[i].Entity},{loaded[i].Metric},{f.TimeAt(h)},{f.Mean[h]:R},{f.Lower80[h]:R},{f.Upper80[h]:R},{f.Lower95[h]:R},{f.Upper95[h]:R},{f.Model}\n");
            }
        }

        if (output is null)
        {
            await context.Out.WriteAsync(text.ToString()).ConfigureAwait(false);
        }
        else
        {
            AnalysisJson.WriteAtomically(output, text.ToString());
        }

        var baseline = forecasts.Count(f => f is { IsBaseline: true });
        var byModel = forecasts.Where(f => f is not null).GroupBy(f => f!.Model).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {g.Count()}");
        await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"forecast: {forecasts.Count(f => f is not null)} series, baseline kept for {baseline}; models: {string.Join(", ", byModel)}")).ConfigureAwait(false);
        var entities = loaded.Zip(forecasts).Where(p => p.Second is not null).Select(p => ToEntity(p.First, p.Second!)).ToArray();
        return await CommandWriteBack.WriteAsync(writeBack, w => w.Forecasts(entities, entities.Length == 0 ? 0 : entities.Max(e => e.Start)), context.Error, cancellationToken).ConfigureAwait(false);
    }

    private static EntityForecast ToEntity(LoadedSeries series, Forecast f) =>
        new(series.Entity, series.Metric, f.Start, f.Step, f.Mean, f.Lower80, f.Upper80, f.Lower95, f.Upper95, f.P95, f.Model, f.BacktestScore, f.Reason);
}
