using System.Text.RegularExpressions;
using KvmMetrics.Libvirt;
using KvmMetrics.Options;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Exporter.Options;

/// <summary>
/// The definition of every exporter option: name, default (written here only; <see cref="ExporterOptions"/>
/// reads it), accepted range and description. Parsing, <c>--help</c> and docs/exporter.md all come from these.
/// </summary>
public static partial class ExporterFlags
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary><c>--config.file</c>.</summary>
    public static readonly Option<string?> ConfigFile = Opt.InputFile("config.file", "YAML",
        "YAML file whose keys are these flag names (nested maps are joined with '.'); flags and environment override it.");

    /// <summary><c>--web.listen-address</c>.</summary>
    public static readonly Option<string?> ListenAddress = Opt.Text("web.listen-address", ":9177", "[host]:port with port 0..65535",
        "Address on which to expose metrics, the landing page and /healthz.", v => IsListenAddress(v) ? null : "is not a [host]:port address");

    /// <summary><c>--web.telemetry-path</c>.</summary>
    public static readonly Option<string?> TelemetryPath = Opt.Text("web.telemetry-path", "/metrics", "an absolute URL path other than / and /healthz",
        "Path under which to expose metrics.", v => IsTelemetryPath(v) ? null : "is not a usable path");

    /// <summary><c>--web.config.file</c>.</summary>
    public static readonly Option<string?> WebConfigFile = Opt.InputFile("web.config.file", "exporter-toolkit web config",
        "Web config file (exporter-toolkit format) enabling TLS and/or bcrypt basic auth.");

    /// <summary><c>--libvirt.uri</c>.</summary>
    public static readonly Option<string?> LibvirtUri = Opt.Text("libvirt.uri", LibvirtOptions.DefaultUri, "a libvirt URI such as qemu:///system",
        "libvirt connection URI; the connection is opened read-only.", v => v.Contains(':', StringComparison.Ordinal) ? null : "is not a libvirt URI");

    /// <summary><c>--libvirt.stats-groups</c>.</summary>
    public static readonly Option<StatsGroups> StatsGroups = Groups("libvirt.stats-groups", Libvirt.StatsGroups.All,
        "Statistics groups requested from libvirt (virsh domstats names).");

    /// <summary><c>--libvirt.parallel-chunks</c>.</summary>
    public static readonly Option<int> ParallelChunks = Opt.Int("libvirt.parallel-chunks", 4, 1, 64,
        "Domain chunks fetched concurrently from libvirt (1 = one bulk virConnectGetAllDomainStats call).");

    /// <summary><c>--libvirt.keepalive-interval</c>.</summary>
    public static readonly Option<TimeSpan> KeepAliveInterval = Opt.Duration("libvirt.keepalive-interval", TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10),
        "libvirt client keepalive probe interval, to notice a dead remote daemon (qemu+tcp, qemu+ssh). Off by default; when on, libvirt calls run one at a time and statistics come in one bulk call, because libvirt 9.0 crashes when keepalive closes a connection with several calls waiting (docs/reliability.md).",
        zeroMeansOff: true);

    /// <summary><c>--libvirt.keepalive-count</c>.</summary>
    public static readonly Option<int> KeepAliveCount = Opt.Int("libvirt.keepalive-count", 3, 1, 100,
        "Unanswered keepalive probes before the connection is closed and reopened.");

    /// <summary><c>--libvirt.slow-groups</c>.</summary>
    public static readonly Option<StatsGroups> SlowGroups = Groups("libvirt.slow-groups", Libvirt.StatsGroups.None,
        "Statistics groups that change slowly and are fetched only every --libvirt.slow-refresh (their last values are served in between).");

    /// <summary><c>--libvirt.slow-refresh</c>.</summary>
    public static readonly Option<TimeSpan> SlowRefresh = Opt.Duration("libvirt.slow-refresh", TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), TimeSpan.FromHours(24),
        "Refresh period of the --libvirt.slow-groups.");

    /// <summary><c>--scrape.timeout</c>.</summary>
    public static readonly Option<TimeSpan> ScrapeTimeout = Opt.Duration("scrape.timeout", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5),
        "Deadline of one scrape; collectors that miss it are reported failed and the page carries what the others produced.");

    /// <summary><c>--scrape.timeout-offset</c>.</summary>
    public static readonly Option<TimeSpan> ScrapeTimeoutOffset = Opt.Duration("scrape.timeout-offset", TimeSpan.FromMilliseconds(500), TimeSpan.Zero, TimeSpan.FromSeconds(10),
        "Margin subtracted from Prometheus' X-Prometheus-Scrape-Timeout-Seconds header; the smaller of the two deadlines applies.");

    /// <summary><c>--collection.interval</c>.</summary>
    public static readonly Option<TimeSpan> CollectionInterval = Opt.Duration("collection.interval", TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1),
        "Background collection period; a scrape is answered from the newest snapshot when it started at most this long ago, otherwise a fresh round runs. 0s collects on every scrape.",
        zeroMeansOff: true);

    /// <summary><c>--domain.include</c>.</summary>
    public static readonly Option<Regex?> DomainInclude = Pattern("domain.include", "(all)", "Only domains whose name matches are exported.");

    /// <summary><c>--domain.exclude</c>.</summary>
    public static readonly Option<Regex?> DomainExclude = Pattern("domain.exclude", "(none)", "Domains whose name matches are not exported.");

    /// <summary><c>--domain.uuid</c>.</summary>
    public static readonly Option<IReadOnlySet<string>> DomainUuids = new("domain.uuid", new HashSet<string>(StringComparer.Ordinal),
        "a comma-separated list of UUIDs", "Only domains with one of these UUIDs are exported.", TryUuids, s => string.Join(',', s), "(all)");

    /// <summary><c>--path.cgroup</c>.</summary>
    public static readonly Option<string?> CgroupPath = new("path.cgroup", null, "a directory path",
        "Mount point of the cgroup v2 hierarchy (e.g. /host/sys/fs/cgroup in a container).", TryPath, v => v ?? "(none)", "(from /proc/self/mountinfo)");

    /// <summary><c>--path.proc</c>.</summary>
    public static readonly Option<string?> ProcPath = new("path.proc", "/proc", "a directory path", "procfs mount point (mountinfo and QEMU pid lookups).", TryPath);

    /// <summary><c>--path.sys</c>.</summary>
    public static readonly Option<string?> SysPath = new("path.sys", "/sys", "a directory path", "sysfs mount point (block device names).", TryPath);

    /// <summary><c>--log.level</c>.</summary>
    public static readonly Option<LogLevel> LogLevel = new("log.level", Microsoft.Extensions.Logging.LogLevel.Information, "debug, info, warn, error",
        "Minimum level of log messages.", TryLogLevel, FormatLogLevel);

    /// <summary>True for <c>[host]:port</c> (host empty, a name, IPv4, or a bracketed IPv6) with port 0..65535.</summary>
    public static bool IsListenAddress(string v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var m = ListenRegex().Match(v);
        return m.Success && int.TryParse(m.Groups["port"].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port <= 65535;
    }

    private static bool IsTelemetryPath(string v) =>
        v.StartsWith('/') && v.Length > 1 && v != "/healthz" && !v.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '?' or '#');

    private static Option<StatsGroups> Groups(string name, StatsGroups defaultValue, string description) =>
        new(name, defaultValue, StatsGroupNames.Accepted, description,
            (string t, out StatsGroups v, out string? p) => StatsGroupNames.TryParse(t, out v, out p),
            StatsGroupNames.Format);

    private static Option<Regex?> Pattern(string name, string defaultText, string description) =>
        new(name, null, "a .NET regular expression, anchored", description,
            (string t, out Regex? v, out string? p) =>
            {
                v = null;
                p = null;
                try
                {
                    v = new Regex("^(?:" + t + ")$", RegexOptions.CultureInvariant, RegexTimeout);
                    return true;
                }
                catch (ArgumentException ex)
                {
                    p = "is an invalid regular expression (" + ex.Message + ")";
                    return false;
                }
            },
            r => r?.ToString() ?? "(none)", defaultText);

    private static bool TryUuids(string text, out IReadOnlySet<string> set, out string? problem)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        set = result;
        problem = null;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Guid.TryParseExact(part, "D", out var guid))
            {
                problem = $"contains '{part}', which is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)";
                return false;
            }

            result.Add(guid.ToString("D"));
        }

        return true;
    }

    private static bool TryPath(string text, out string? value, out string? problem)
    {
        value = text;
        problem = text.Length == 0 || text.Contains('\0', StringComparison.Ordinal) ? "is not a path" : null;
        return problem is null;
    }

    private static bool TryLogLevel(string text, out LogLevel level, out string? problem)
    {
        level = text.ToLowerInvariant() switch
        {
            "debug" => Microsoft.Extensions.Logging.LogLevel.Debug,
            "info" => Microsoft.Extensions.Logging.LogLevel.Information,
            "warn" or "warning" => Microsoft.Extensions.Logging.LogLevel.Warning,
            "error" => Microsoft.Extensions.Logging.LogLevel.Error,
            _ => Microsoft.Extensions.Logging.LogLevel.None,
        };
        problem = level == Microsoft.Extensions.Logging.LogLevel.None ? "is not a level" : null;
        return problem is null;
    }

    private static string FormatLogLevel(LogLevel level) => level switch
    {
        Microsoft.Extensions.Logging.LogLevel.Debug => "debug",
        Microsoft.Extensions.Logging.LogLevel.Warning => "warn",
        Microsoft.Extensions.Logging.LogLevel.Error => "error",
        _ => "info",
    };

    [GeneratedRegex(@"^(\[[0-9A-Fa-f:.%a-z0-9]+\]|[A-Za-z0-9.\-]*):(?<port>[0-9]{1,5})$", RegexOptions.CultureInvariant)]
    private static partial Regex ListenRegex();
}
