using System.Globalization;
using KvmMetrics.Options;

namespace KvmMetrics.Analyzer.Cli;

/// <summary>
/// The definition of every analyzer option: name, default (written here only; the options records read it), accepted
/// range and description. Parsing, <c>COMMAND --help</c> and the tables in docs/analyzer.md come from these, and each
/// command lists the ones it reads in <see cref="ICommand.Options"/>.
/// </summary>
public static class AnalyzerFlags
{
    /// <summary><c>--config.file</c>: YAML keys are option names.</summary>
    public static readonly Option<string?> ConfigFile = Opt.InputFile("config.file", "YAML",
        "YAML file whose keys are option names (nested maps are joined with '.'); flags and KVM_ANALYZER_* variables override it.");

    /// <summary>Options every command reads.</summary>
    public static IReadOnlyList<OptionDefinition> Common { get; } = [ConfigFile];

    /// <summary>Forecasting input and shape (<c>forecast</c>, <c>backtest</c>).</summary>
    public static class Forecast
    {
        /// <summary><c>--history</c> for the forecasting commands (required there).</summary>
        public static readonly Option<string?> History = Opt.InputFile("history", "CSV or CSV.gz with header timestamp,entity,metric,value",
            "Per-series history to forecast; one row per sample.");

        /// <summary><c>--step</c>.</summary>
        public static readonly Option<TimeSpan> Step = Opt.Duration("step", TimeSpan.FromHours(1), TimeSpan.FromSeconds(1), TimeSpan.FromDays(7),
            "Resampling step of the history and of the forecast.");

        /// <summary><c>--horizon</c>.</summary>
        public static readonly Option<TimeSpan> Horizon = Opt.Duration("horizon", TimeSpan.FromHours(24), TimeSpan.FromSeconds(1), TimeSpan.FromDays(366),
            "How far ahead to forecast; a whole number of --step.");

        /// <summary><c>--window</c>.</summary>
        public static readonly Option<TimeSpan> Window = Opt.Duration("window", TimeSpan.FromDays(28), TimeSpan.FromSeconds(2), TimeSpan.FromDays(3660),
            "Most recent history used per series; a whole number of --step, at least two steps.");

        /// <summary><c>--output</c> of <c>forecast</c>.</summary>
        public static readonly Option<string?> Output = Opt.OutputFile("output", "forecast CSV",
            "Where the forecast CSV is written (entity,metric,timestamp,mean,lower80,upper80,lower95,upper95,model).", "(stdout)");

        /// <summary><c>--origins</c> of <c>backtest</c>.</summary>
        public static readonly Option<int> Origins = Opt.Int("origins", 14, 1, 10_000, "Rolling forecast origins evaluated per series, one horizon apart.");

        /// <summary><c>--selection-origins</c> of <c>backtest</c>.</summary>
        public static readonly Option<int> SelectionOrigins = Opt.Int("selection-origins", new KvmMetrics.Analysis.Forecasting.ForecastOptions().BacktestOrigins, 1, 1_000, "Backtest origins the per-series model selection uses on each series' own past.");

        /// <summary><c>--json</c> of <c>backtest</c>.</summary>
        public static readonly Option<bool> Json = Opt.Switch("json", "Print the evaluation as JSON instead of a table.");

        /// <summary><c>--engine</c>: the full engine, or the median-of-7-days baseline alone (the anchor of bench/forecast).</summary>
        public static readonly Option<string> Engine = Opt.Choice("engine", "auto", ["auto", "median-of-7"],
            "auto: global model with per-series choice and the median-of-7 guard; median-of-7: the baseline alone.");
    }

    /// <summary>Cluster snapshot commands (<c>plan</c>, <c>capacity</c>).</summary>
    public static class Cluster
    {
        /// <summary><c>--cluster</c>.</summary>
        public static readonly Option<string?> Snapshot = Opt.InputFile("cluster", "cluster snapshot JSON",
            "Hosts, VMs, constraints, policy and planTime of the cluster (docs/planning.md).");

        /// <summary><c>--history</c> of the cluster commands and the files source.</summary>
        public static readonly Option<string?> History = Opt.InputFile("history", "CSV or CSV.gz with header timestamp,entity,metric,value",
            "Per-VM history with cpu_cores and memory_bytes rows.");

        /// <summary><c>--output</c> of <c>plan</c>.</summary>
        public static readonly Option<string?> PlanOutput = Opt.OutputFile("output", "plan JSON", "Where the plan JSON is written.");

        /// <summary><c>--state</c> of <c>plan</c>.</summary>
        public static readonly Option<string?> State = Opt.OutputFile("state", "planner state JSON",
            "Cooldown and reverse-move memory across runs; read when it exists, then rewritten.", "(OUTPUT.state.json)");

        /// <summary><c>--output</c> of <c>capacity</c>.</summary>
        public static readonly Option<string?> CapacityOutput = Opt.OutputFile("output", "capacity JSON", "Where the capacity JSON is written.");
    }

    /// <summary>The weekly report (<c>report</c>).</summary>
    public static class Report
    {
        /// <summary><c>--output</c> of <c>report</c>.</summary>
        public static readonly Option<string?> Output = Opt.OutputDirectory("output", null, "created when missing",
            "Directory for capacity-report.{html,md,csv,pdf}.");

        /// <summary><c>--now</c>.</summary>
        public static readonly Option<long?> Now = new("now", null, "Unix seconds, e.g. 1788825600",
            "Analysis time.", TryUnixSeconds, v => v?.ToString(CultureInfo.InvariantCulture) ?? "(none)", "(the data's planTime or newest sample)");

        /// <summary><c>--pdf</c>.</summary>
        public static readonly Option<string> Pdf = Opt.Choice("pdf", "auto", ["auto", "off"], "auto: print a PDF when Chromium is installed; off: never.");

        /// <summary><c>--chromium</c>.</summary>
        public static readonly Option<string?> Chromium = Opt.InputFile("chromium", "Chromium executable",
            "Chromium used to print the PDF.", null);

        private static bool TryUnixSeconds(string text, out long? value, out string? problem)
        {
            value = long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is > 0 and < 32_503_680_000 ? n : null;
            problem = value is null ? "is not Unix seconds between 1970 and 3000" : null;
            return value is not null;
        }
    }

    /// <summary>The service (<c>serve</c>).</summary>
    public static class Serve
    {
        /// <summary><c>--web.listen-address</c>.</summary>
        public static readonly Option<string?> ListenAddress = Opt.Text("web.listen-address", ":9178", "[host]:port with port 0..65535",
            "Address of the JSON API, overview page and /metrics (exporter convention; port 0 picks a free one).", CheckListenAddress);

        /// <summary><c>--web.config.file</c>.</summary>
        public static readonly Option<string?> WebConfigFile = Opt.InputFile("web.config.file", "exporter-toolkit web config",
            "TLS and basic auth in the exporter-toolkit format (shared with the exporter); /healthz never needs auth. Unset: plain HTTP, no auth.");

        /// <summary><c>--data.dir</c>.</summary>
        public static readonly Option<string?> DataDirectory = Opt.OutputDirectory("data.dir", "analyzer-data", "created when missing",
            "State, latest results and weekly reports.");

        /// <summary><c>--api.token-file</c>.</summary>
        public static readonly Option<string?> ApiTokenFile = Opt.InputFile("api.token-file", "the token on one line",
            "When set, /api/* needs Authorization: Bearer TOKEN, or X-Api-Token: TOKEN when basic auth already takes Authorization; /metrics, / and /healthz do not.");

        /// <summary><c>--interval.hotspots</c>.</summary>
        public static readonly Option<TimeSpan> HotspotInterval = Opt.Duration("interval.hotspots", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10), TimeSpan.FromHours(1),
            "How often the data is loaded and the hotspot rules run.");

        /// <summary><c>--interval.plan</c>.</summary>
        public static readonly Option<TimeSpan> PlanInterval = Opt.Duration("interval.plan", TimeSpan.FromHours(1), TimeSpan.FromSeconds(10), TimeSpan.FromDays(1),
            "How often forecasts (per-host and cluster, next 24 h), the migration plan and capacity are recomputed; at least --interval.hotspots.");

        /// <summary><c>--interval.report</c>.</summary>
        public static readonly Option<TimeSpan> ReportInterval = Opt.Duration("interval.report", TimeSpan.FromDays(7), TimeSpan.FromMinutes(1), TimeSpan.FromDays(31),
            "How often the report is written to DATA_DIR/reports/DATE/capacity-report.{html,md,csv}; at least --interval.plan.");

        /// <summary><c>--stale-after</c>.</summary>
        public static readonly Option<TimeSpan> StaleAfter = Opt.Duration("stale-after", TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1), TimeSpan.FromDays(7),
            "Data older than this is reported stale; a host whose data lags the others by more is left out.");

        /// <summary><c>--hotspots.min-step</c>.</summary>
        public static readonly Option<TimeSpan> HotspotMinStep = Opt.Duration("hotspots.min-step", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(15), TimeSpan.FromHours(1),
            "Shortest step the hotspot rules evaluate on (\"sustained for 3 steps\" is 15 minutes by default); lower it only for finer data.");

        private static string? CheckListenAddress(string text)
        {
            try
            {
                KvmMetrics.Web.Hosting.ListenAddress.Parse(text);
                return null;
            }
            catch (FormatException e)
            {
                return "is not a listen address (" + e.Message + ")";
            }
        }
    }

    /// <summary>Where <c>report</c> and <c>serve</c> get their data.</summary>
    public static class Source
    {
        /// <summary><c>--source</c>.</summary>
        public static readonly Option<string> Kind = Opt.Choice("source", "sample", ["sample", "files", "prometheus", "influx"],
            "Where the data comes from: the bundled sample, --cluster/--history files, Prometheus or InfluxDB.", "sample (files when --cluster or --history is given)");

        /// <summary><c>--prometheus.url</c>.</summary>
        public static readonly Option<Uri?> PrometheusUrl = Opt.HttpUrl("prometheus.url", "http://prometheus:9090",
            "Prometheus, Thanos Query, Mimir or VictoriaMetrics base URL (prometheus source).");

        /// <summary><c>--prometheus.lookback</c>.</summary>
        public static readonly Option<TimeSpan> PrometheusLookback = Opt.Duration("prometheus.lookback", TimeSpan.FromDays(35), TimeSpan.FromHours(1), TimeSpan.FromDays(400),
            "History fetched before the analysis time.");

        /// <summary><c>--prometheus.step</c>.</summary>
        public static readonly Option<TimeSpan> PrometheusStep = Opt.Duration("prometheus.step", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(15), TimeSpan.FromHours(1),
            "Resolution of the range queries.");

        /// <summary><c>--prometheus.timeout</c>.</summary>
        public static readonly Option<TimeSpan> PrometheusTimeout = Opt.Duration("prometheus.timeout", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10),
            "Timeout of one HTTP request.");

        /// <summary><c>--prometheus.rate-window</c>.</summary>
        public static readonly Option<TimeSpan?> PrometheusRateWindow = Opt.OptionalDuration("prometheus.rate-window", TimeSpan.FromSeconds(2), TimeSpan.FromDays(1),
            "Window of rate(); must hold two or more scrapes.", "(twice the step, at least 1m)");

        /// <summary><c>--prometheus.host-label</c>.</summary>
        public static readonly Option<string?> PrometheusHostLabel = Opt.Text("prometheus.host-label", "instance", "a Prometheus label name",
            "Label that names the host of a domain series.", t => KvmMetrics.Exposition.MetricNames.IsValidLabelName(t) ? null : "is not a label name");

        /// <summary><c>--influx.lookback</c>.</summary>
        public static readonly Option<TimeSpan> InfluxLookback = Opt.Duration("influx.lookback", TimeSpan.FromDays(35), TimeSpan.FromHours(1), TimeSpan.FromDays(400),
            "History fetched before the analysis time (influx source).");

        /// <summary><c>--influx.step</c>.</summary>
        public static readonly Option<TimeSpan> InfluxStep = Opt.Duration("influx.step", TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10), TimeSpan.FromHours(1),
            "Aggregation window of the InfluxDB queries (influx source).");

        /// <summary>Every source option, in help order.</summary>
        public static IReadOnlyList<OptionDefinition> All { get; } =
            [Kind, Cluster.Snapshot, Cluster.History, PrometheusUrl, PrometheusLookback, PrometheusStep, PrometheusTimeout, PrometheusRateWindow, PrometheusHostLabel, InfluxLookback, InfluxStep];
    }

    /// <summary>The <c>--influx.*</c> connection shared by the influx source and the write-back.</summary>
    public static class Influx
    {
        /// <summary><c>--influx.url</c>.</summary>
        public static readonly Option<Uri?> Url = Opt.HttpUrl("influx.url", "http://influxdb:8086", "InfluxDB base URL (influx source, write-back).");

        /// <summary><c>--influx.api-version</c>.</summary>
        public static readonly Option<string> ApiVersion = Opt.Choice("influx.api-version", "v1", ["v1", "v2"],
            "v1: InfluxQL over /query; v2: Flux over /api/v2/query and /api/v2/write.");

        /// <summary><c>--influx.database</c>.</summary>
        public static readonly Option<string?> Database = Opt.Text("influx.database", "kvm", "a database name", "v1 database (the exporter's default too).");

        /// <summary><c>--influx.retention-policy</c>.</summary>
        public static readonly Option<string?> RetentionPolicy = Opt.Text("influx.retention-policy", null, "a retention policy name", "v1 retention policy; unset: the database's default.");

        /// <summary><c>--influx.org</c>.</summary>
        public static readonly Option<string?> Org = Opt.Text("influx.org", null, "an organization name or ID", "v2 organization (required for v2).");

        /// <summary><c>--influx.bucket</c>.</summary>
        public static readonly Option<string?> Bucket = Opt.Text("influx.bucket", null, "a bucket name", "v2 bucket.");

        /// <summary><c>--influx.username</c>.</summary>
        public static readonly Option<string?> Username = Opt.Text("influx.username", null, "a user name", "v1 user name; the password comes from --influx.password-file or KVM_ANALYZER_INFLUX_PASSWORD.");

        /// <summary><c>--influx.password-file</c>.</summary>
        public static readonly Option<string?> PasswordFile = Opt.InputFile("influx.password-file", "the password on one line", "v1 password file (or KVM_ANALYZER_INFLUX_PASSWORD).");

        /// <summary><c>--influx.token-file</c>.</summary>
        public static readonly Option<string?> TokenFile = Opt.InputFile("influx.token-file", "the token on one line", "v2 token file (or KVM_ANALYZER_INFLUX_TOKEN).");

        /// <summary><c>--influx.timeout</c>.</summary>
        public static readonly Option<TimeSpan> Timeout = Opt.Duration("influx.timeout", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10),
            "Timeout of one HTTP request.");

        /// <summary>Secrets read only from the environment (never flags: ps shows those), declared so they are not reported as typos.</summary>
        public static readonly Option<string?> Password = Opt.Text("influx.password", null, "a password (environment only)", "v1 password, only as KVM_ANALYZER_INFLUX_PASSWORD.");

        /// <summary>See <see cref="Password"/>.</summary>
        public static readonly Option<string?> Token = Opt.Text("influx.token", null, "a token (environment only)", "v2 token, only as KVM_ANALYZER_INFLUX_TOKEN.");

        /// <summary>Every connection option, in help order.</summary>
        public static IReadOnlyList<OptionDefinition> All { get; } = [Url, ApiVersion, Database, RetentionPolicy, Org, Bucket, Username, PasswordFile, TokenFile, Timeout];
    }

    /// <summary>The <c>--influx.write*</c> result write-back.</summary>
    public static class WriteBack
    {
        /// <summary><c>--influx.write</c>.</summary>
        public static readonly Option<bool> Enabled = Opt.Switch("influx.write", "Write forecasts, hotspots and migrations to InfluxDB (the --influx.* connection).");

        /// <summary><c>--influx.write.database</c>.</summary>
        public static readonly Option<string?> Database = Opt.Text("influx.write.database", null, "a database name", "v1 target database; unset: --influx.database.");

        /// <summary><c>--influx.write.retention-policy</c>.</summary>
        public static readonly Option<string?> RetentionPolicy = Opt.Text("influx.write.retention-policy", null, "a retention policy name", "v1 target retention policy; unset: --influx.retention-policy.");

        /// <summary><c>--influx.write.bucket</c>.</summary>
        public static readonly Option<string?> Bucket = Opt.Text("influx.write.bucket", null, "a bucket name", "v2 target bucket; unset: --influx.bucket.");

        /// <summary><c>--influx.write.buffer-dir</c>.</summary>
        public static readonly Option<string?> BufferDirectory = Opt.OutputDirectory("influx.write.buffer-dir", null, "created when missing",
            "On-disk buffer for results not yet written; unset: in memory (serve: DATA_DIR/influx-buffer).");

        /// <summary>Every write-back option plus the connection, in help order.</summary>
        public static IReadOnlyList<OptionDefinition> All { get; } = [Enabled, Database, RetentionPolicy, Bucket, BufferDirectory, .. Influx.All];
    }
}
