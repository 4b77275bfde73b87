using System.Collections;
using System.Text.RegularExpressions;
using KvmMetrics.Libvirt;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Exporter.Options;

/// <summary>
/// Every setting of the exporter, validated. Built by <see cref="Parse"/> from command-line flags
/// (Prometheus-exporter convention), <c>KVM_EXPORTER_*</c> environment variables and a YAML config file,
/// in that precedence: flag &gt; environment &gt; file &gt; default. The defaults and accepted ranges are
/// are written once, in <see cref="ExporterFlags"/> (docs/exporter.md and <c>--help</c> are generated from them).
/// </summary>
public sealed record ExporterOptions
{
    /// <summary>Collectors this binary knows, enabled by default unless listed in <see cref="DisabledByDefault"/>.</summary>
    public static readonly IReadOnlyList<string> KnownCollectors = ["cgroup", "domain", "domain_info", "host", "process"];

    /// <summary>Collectors that are off unless enabled with <c>--collector.NAME</c>.</summary>
    public static readonly IReadOnlySet<string> DisabledByDefault = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Address to listen on, <c>[host]:port</c>.</summary>
    public string ListenAddress { get; init; } = ExporterFlags.ListenAddress.Default!;

    /// <summary>Path of the metrics endpoint.</summary>
    public string TelemetryPath { get; init; } = ExporterFlags.TelemetryPath.Default!;

    /// <summary>Exporter-toolkit web config file (TLS, basic auth), or null.</summary>
    public string? WebConfigFile { get; init; }

    /// <summary>libvirt connection URI, opened read-only.</summary>
    public string LibvirtUri { get; init; } = ExporterFlags.LibvirtUri.Default!;

    /// <summary>Statistics groups fetched from libvirt.</summary>
    public StatsGroups StatsGroups { get; init; } = ExporterFlags.StatsGroups.Default;

    /// <summary>Domain chunks fetched concurrently from libvirt (1 = one bulk call).</summary>
    public int ParallelChunks { get; init; } = ExporterFlags.ParallelChunks.Default;

    /// <summary>libvirt client keepalive probe interval; zero (the default) is off. On, native calls run one at a time
    /// (<see cref="LibvirtOptions.SerializeCalls"/>).</summary>
    public TimeSpan LibvirtKeepAliveInterval { get; init; } = ExporterFlags.KeepAliveInterval.Default;

    /// <summary>Unanswered keepalive probes before the connection is closed.</summary>
    public int LibvirtKeepAliveCount { get; init; } = ExporterFlags.KeepAliveCount.Default;

    /// <summary>Groups that change slowly and are fetched only every <see cref="SlowRefresh"/>.</summary>
    public StatsGroups SlowGroups { get; init; } = ExporterFlags.SlowGroups.Default;

    /// <summary>How often the <see cref="SlowGroups"/> are refreshed.</summary>
    public TimeSpan SlowRefresh { get; init; } = ExporterFlags.SlowRefresh.Default;

    /// <summary>Per-scrape deadline, capped below Prometheus' <c>X-Prometheus-Scrape-Timeout-Seconds</c>.</summary>
    public TimeSpan ScrapeTimeout { get; init; } = ExporterFlags.ScrapeTimeout.Default;

    /// <summary>Margin subtracted from Prometheus' scrape timeout header.</summary>
    public TimeSpan ScrapeTimeoutOffset { get; init; } = ExporterFlags.ScrapeTimeoutOffset.Default;

    /// <summary>
    /// Background collection period; zero (the default) collects on every scrape. When set, a scrape is
    /// answered from the newest snapshot if that snapshot started at most this long ago, otherwise a fresh
    /// round runs: no served sample is older than the interval.
    /// </summary>
    public TimeSpan CollectionInterval { get; init; } = ExporterFlags.CollectionInterval.Default;

    /// <summary>Only domains whose name matches (anchored), or null for all.</summary>
    public Regex? DomainInclude { get; init; }

    /// <summary>Domains whose name matches (anchored) are skipped, or null.</summary>
    public Regex? DomainExclude { get; init; }

    /// <summary>Only these domain UUIDs (lower-case), or empty for all.</summary>
    public IReadOnlySet<string> DomainUuids { get; init; } = ExporterFlags.DomainUuids.Default;

    /// <summary>Minimum log level.</summary>
    public LogLevel LogLevel { get; init; } = ExporterFlags.LogLevel.Default;

    /// <summary>The YAML config file that was read, or null.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Enabled collector names.</summary>
    public IReadOnlySet<string> EnabledCollectors { get; init; } =
        new HashSet<string>(KnownCollectors.Where(c => !DisabledByDefault.Contains(c)), StringComparer.Ordinal);

    /// <summary>cgroup v2 mount point, or null to discover it from <c>/proc/self/mountinfo</c>.</summary>
    public string? CgroupPath { get; init; }

    /// <summary>procfs mount point.</summary>
    public string ProcPath { get; init; } = ExporterFlags.ProcPath.Default!;

    /// <summary>sysfs mount point.</summary>
    public string SysPath { get; init; } = ExporterFlags.SysPath.Default!;

    /// <summary>Raw <c>influx.*</c> settings (name without prefix → value), interpreted by the InfluxDB push.</summary>
    public IReadOnlyDictionary<string, string> Influx { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>True when the collector is enabled.</summary>
    public bool IsEnabled(string collector) => EnabledCollectors.Contains(collector);

    /// <summary>True when a domain passes the include/exclude/UUID filters.</summary>
    public bool Admits(string name, string uuid)
    {
        if (DomainUuids.Count > 0 && !DomainUuids.Contains(uuid))
        {
            return false;
        }

        if (DomainInclude is not null && !DomainInclude.IsMatch(name))
        {
            return false;
        }

        return DomainExclude is null || !DomainExclude.IsMatch(name);
    }

    /// <summary>The libvirt connection options these settings imply.</summary>
    public LibvirtOptions ToLibvirtOptions() =>
        new(LibvirtUri, keepAliveInterval: LibvirtKeepAliveInterval, keepAliveCount: LibvirtKeepAliveCount, parallelChunks: ParallelChunks);

    /// <summary>
    /// Builds options from flags, environment and the config file they name; returns every problem found
    /// (each names the option, the source and the accepted range) instead of throwing.
    /// </summary>
    /// <param name="args">Command-line arguments (<c>--name=value</c>, <c>--name value</c>, <c>--collector.X</c>, <c>--no-collector.X</c>).</param>
    /// <param name="environment">Environment variables (<c>KVM_EXPORTER_*</c>); others are ignored. Null means none.</param>
    public static OptionsParseResult Parse(IReadOnlyList<string> args, IDictionary? environment = null) =>
        OptionParser.Parse(args, environment);
}

/// <summary>The outcome of <see cref="ExporterOptions.Parse"/>: options when valid, otherwise the errors.</summary>
/// <param name="Options">The validated options, or null when <see cref="Errors"/> is not empty.</param>
/// <param name="Errors">One message per problem, naming the option, where it came from and what is accepted.</param>
public sealed record OptionsParseResult(ExporterOptions? Options, IReadOnlyList<string> Errors)
{
    /// <summary>True when the options are valid.</summary>
    public bool IsValid => Options is not null && Errors.Count == 0;
}
