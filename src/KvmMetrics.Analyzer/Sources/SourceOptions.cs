using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Analyzer.Sources.Influx;

namespace KvmMetrics.Analyzer.Sources;

/// <summary>Chooses the data source from command-line options shared by <c>report</c> and <c>serve</c>.</summary>
public static class SourceOptions
{
    /// <summary>Usage lines for the source options.</summary>
    public static string Usage { get; } =
        "  --source sample|files|prometheus|influx   where the data comes from (default: sample, or files when --cluster is given)\n" +
        "  --cluster C.json --history H.csv[.gz]   files source (formats of the 'plan' command)\n" +
        "  --prometheus.url URL               Prometheus/Thanos/Mimir/VictoriaMetrics base URL (prometheus source)\n" +
        "  --prometheus.lookback 35d --prometheus.step 5m --prometheus.timeout 30s\n" +
        "  --prometheus.rate-window 1m        window of rate() (default twice the step, at least 1m; must hold 2+ scrapes)\n" +
        "  --prometheus.host-label instance   label that names the host of a domain series\n" +
        "  --influx.lookback 35d --influx.step 5m   influx source: history and window (connection options below)\n" +
        InfluxCommandLine.Usage + "\n" + KvmMetrics.Analyzer.Planning.PolicyFields.Usage;

    /// <summary>Reads the options and creates the source.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="time">Clock of the server sources.</param>
    /// <param name="http">Shared HTTP client of the server sources.</param>
    /// <param name="environment">Environment lookup for secrets (default: the process environment).</param>
    public static IAnalysisSource Create(CommandArgs args, TimeProvider? time = null, HttpClient? http = null, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var cluster = args.String("cluster");
        var history = args.String("history");
        var kind = args.String("source") ?? (cluster is not null || history is not null ? "files" : "sample");
        var url = args.String("prometheus.url");
        var lookback = args.Duration("prometheus.lookback", TimeSpan.FromDays(35), TimeSpan.FromHours(1), TimeSpan.FromDays(400));
        var step = args.Duration("prometheus.step", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(15), TimeSpan.FromHours(1));
        var timeout = args.Duration("prometheus.timeout", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        TimeSpan? rateWindow = args.String("prometheus.rate-window") is null ? null : args.Duration("prometheus.rate-window", TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(2), TimeSpan.FromDays(1));
        var hostLabel = args.String("prometheus.host-label", "instance")!;
        var influxLookback = args.Duration("influx.lookback", TimeSpan.FromDays(35), TimeSpan.FromHours(1), TimeSpan.FromDays(400));
        var influxStep = args.Duration("influx.step", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
        var influx = InfluxCommandLine.Connection(args, environment ?? Environment.GetEnvironmentVariable);
        if (!KvmMetrics.Exposition.MetricNames.IsValidLabelName(hostLabel))
        {
            throw new UsageException($"--prometheus.host-label must be a Prometheus label name, got '{hostLabel}'");
        }

        var policy = KvmMetrics.Analyzer.Planning.PolicyFields.Overrides(args);
        IAnalysisSource source = kind switch
        {
            "sample" => new SampleSource(),
            "files" => new FileSource(
                cluster ?? throw new UsageException("--source files needs --cluster C.json (hosts, VMs, constraints; the 'plan' format)"),
                history ?? throw new UsageException("--source files needs --history H.csv (timestamp,entity,metric,value)")),
            "prometheus" => new PrometheusSource(new PrometheusSourceOptions
            {
                Url = ParseUrl(url ?? throw new UsageException("--source prometheus needs --prometheus.url http://host:9090")),
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
            _ => throw new UsageException($"--source must be sample, files, prometheus or influx, got '{kind}'"),
        };
        return policy is null ? source : new KvmMetrics.Analyzer.Planning.PolicyOverrideSource(source, policy);
    }

    private static InfluxSource CreateInflux(KvmMetrics.Influx.InfluxConnectionOptions connection, TimeSpan lookback, TimeSpan step, TimeProvider? time)
    {
        var options = new InfluxSourceOptions { Connection = connection, Lookback = lookback, Step = step, Time = time ?? TimeProvider.System };
        var errors = options.Validate();
        return errors.Count == 0 ? new InfluxSource(options) : throw new UsageException(string.Join("; ", errors));
    }

    private static Uri ParseUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)
            ? u
            : throw new UsageException($"--prometheus.url must be an absolute http(s) URL, got '{text}'");
}
