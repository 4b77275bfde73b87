using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Service;
using KvmMetrics.Analyzer.Sources;
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
                SourceOptions.Usage).ConfigureAwait(false);
            return 0;
        }

        var options = AnalyzerServiceOptions.Parse(args);
        var source = SourceOptions.Create(args, context.Time);
        args.EnsureAllUsed();
        AnalyzerApp app;
        try
        {
            app = AnalyzerApp.Create(options, source, context.Time);
        }
        catch (WebConfigException e)
        {
            throw new UsageException("--web.config.file: " + e.Message);
        }

        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await context.Error.WriteLineAsync($"serve: listening on {app.BaseAddress} with the {source.Name} source, data in {Path.GetFullPath(options.DataDirectory)}").ConfigureAwait(false);
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
