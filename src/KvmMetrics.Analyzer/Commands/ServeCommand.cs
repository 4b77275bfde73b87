using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Planning;
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
    public IReadOnlyList<KvmMetrics.Options.OptionDefinition> Options { get; } =
        [.. AnalyzerFlags.Common, AnalyzerFlags.Serve.ListenAddress, AnalyzerFlags.Serve.WebConfigFile, AnalyzerFlags.Serve.DataDirectory, AnalyzerFlags.Serve.ApiTokenFile,
         AnalyzerFlags.Serve.HotspotInterval, AnalyzerFlags.Serve.PlanInterval, AnalyzerFlags.Serve.ReportInterval, AnalyzerFlags.Serve.StaleAfter, AnalyzerFlags.Serve.HotspotMinStep,
         .. AnalyzerFlags.Source.All, .. AnalyzerFlags.WriteBack.All, .. PolicyFields.Definitions];

    /// <inheritdoc />
    public async Task<int> RunAsync(CommandArgs args, CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
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
