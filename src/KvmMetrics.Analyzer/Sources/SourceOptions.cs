using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Sources.Influx;
using S = KvmMetrics.Analyzer.Cli.AnalyzerFlags;

namespace KvmMetrics.Analyzer.Sources;

/// <summary>Chooses the data source from command-line options shared by <c>report</c> and <c>serve</c>.</summary>
public static class SourceOptions
{
    /// <summary>Reads the options and creates the source.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="time">Clock of the server sources.</param>
    /// <param name="http">Shared HTTP client of the server sources.</param>
    /// <param name="environment">Environment lookup for secrets (default: the process environment).</param>
    public static IAnalysisSource Create(CommandArgs args, TimeProvider? time = null, HttpClient? http = null, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var cluster = args.Get(S.Cluster.Snapshot);
        var history = args.Get(S.Cluster.History);
        var kind = args.IsSet(S.Source.Kind) ? args.Get(S.Source.Kind) : cluster is not null || history is not null ? "files" : S.Source.Kind.Default;
        var url = args.Get(S.Source.PrometheusUrl);
        var lookback = args.Get(S.Source.PrometheusLookback);
        var step = args.Get(S.Source.PrometheusStep);
        var timeout = args.Get(S.Source.PrometheusTimeout);
        var rateWindow = args.Get(S.Source.PrometheusRateWindow);
        var hostLabel = args.Get(S.Source.PrometheusHostLabel)!;
        var influxLookback = args.Get(S.Source.InfluxLookback);
        var influxStep = args.Get(S.Source.InfluxStep);
        var influx = InfluxCommandLine.Connection(args, environment ?? Environment.GetEnvironmentVariable);

        var policy = KvmMetrics.Analyzer.Planning.PolicyFields.Overrides(args);
        IAnalysisSource source = kind switch
        {
            "sample" => new SampleSource(),
            "files" => new FileSource(
                cluster ?? throw new UsageException("--source files needs --cluster C.json (hosts, VMs, constraints; the 'plan' format)"),
                history ?? throw new UsageException("--source files needs --history H.csv (timestamp,entity,metric,value)")),
            "prometheus" => new PrometheusSource(new PrometheusSourceOptions
            {
                Url = url ?? throw new UsageException("--source prometheus needs --prometheus.url http://host:9090"),
                Lookback = lookback,
                Step = step,
                RateWindow = rateWindow,
                Timeout = timeout,
                HostLabel = hostLabel,
                Time = time ?? TimeProvider.System,
            }, http),
            "influx" => CreateInflux(
                influx ?? throw new UsageException("--source influx needs --influx.url http://influxdb:8086 (and --influx.database, or --influx.api-version v2 with --influx.org/--influx.bucket)"),
                influxLookback, influxStep, time),
            _ => throw new UsageException($"--source: '{kind}' is not a source; accepted: {S.Source.Kind.Accepted}"),
        };
        return policy is null ? source : new PolicyOverrideSource(source, policy);
    }

    private static InfluxSource CreateInflux(KvmMetrics.Influx.InfluxConnectionOptions connection, TimeSpan lookback, TimeSpan step, TimeProvider? time)
    {
        var options = new InfluxSourceOptions { Connection = connection, Lookback = lookback, Step = step, Time = time ?? TimeProvider.System };
        var errors = options.Validate();
        return errors.Count == 0 ? new InfluxSource(options) : throw new UsageException(string.Join("; ", errors));
    }
}
