using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
using KvmMetrics.Analyzer.WriteBack;
using KvmMetrics.Web.Configuration;

namespace KvmMetrics.Analyzer.Commands;

/// <summary><c>serve</c>: the analyzer service (schedule, JSON API, overview page, <c>/metrics</c>); see docs/analyzer.md.</summary>
public sealed class ServeCommand : ICommand
{
    /// <inheritdoc />
    public string Name => "serve";

    /// <inheritdoc />
    public string Summary => "run the analyzer service: scheduled analysis, JSON API, /metrics (docs/analyzer.md)";

    /// <inheritdoc />
    public async Task<int> RunAsync(CommandArgs args, CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        if (args.Flag("help"))
        {
            await context.Out.WriteLineAsync(
                "usage: serve [--web.listen-address :9178] [--web.config.file FILE] [--data.dir DIR] [--api.token-file FILE]\n" +
                "             [--interval.hotspots 5m] [--interval.plan 1h] [--interval.report 7d] [--stale-after 15m] [--hotspots.min-step 5m]\n" +
                "             [source options]\n" +
                SourceOptions.Usage + "\n" + InfluxWriteBackOptions.Usage + " (default: DATA_DIR/influx-buffer)").ConfigureAwait(false);
            return 0;
        }

        var options = AnalyzerServiceOptions.Parse(args);
        var source = SourceOptions.Create(args, context.Time);
        var writeBack = InfluxWriteBackOptions.Parse(args, Environment.GetEnvironmentVariable, Path.Combine(options.DataDirectory, "influx-buffer"));
        args.EnsureAllUsed();
        await using var results = writeBack is null ? null : CommandWriteBack.Create(writeBack);
        AnalyzerApp app;
        try
        {
            app = AnalyzerApp.Create(options, source, context.Time, results: results);
        }
        catch (WebConfigException e)
        {
            throw new UsageException("--web.config.file: " + e.Message);
        }

        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await context.Error.WriteLineAsync($"serve: listening on {app.BaseAddress} with the {source.Name} source, data in {Path.GetFullPath(options.DataDirectory)}" +
                (writeBack is null ? "" : $", results written to InfluxDB {writeBack.Connection}")).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return 0;
    }
}
