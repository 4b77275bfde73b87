using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace KvmMetrics.Exporter.Options;

/// <summary>The table of every exporter setting: the single source of flags, environment variables,
/// config-file keys, defaults, validation and the generated flags reference in docs/exporter.md.</summary>
public static partial class OptionTable
{
    /// <summary>Prefix of every environment variable read by the exporter.</summary>
    public const string EnvironmentPrefix = "KVM_EXPORTER_";

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>Every setting except the per-collector switches (<c>--collector.NAME</c>), in documentation order.</summary>
    public static IReadOnlyList<OptionSpec> Specs { get; } =
    [
        new("config.file", "(none)", "a readable YAML file", "YAML file whose keys are these flag names (nested maps are joined with '.'); flags and environment override it.",
            (o, v) => File.Exists(v) ? (o with { ConfigFile = v }, null) : (null, "file not found")),
        new("web.listen-address", ":9177", "[host]:port with port 0..65535", "Address on which to expose metrics, the landing page and /healthz.",
            (o, v) => IsListenAddress(v) ? (o with { ListenAddress = v }, null) : (null, "not a [host]:port address")),
        new("web.telemetry-path", "/metrics", "an absolute URL path other than / and /healthz", "Path under which to expose metrics.",
            (o, v) => IsTelemetryPath(v) ? (o with { TelemetryPath = v }, null) : (null, "not a usable path")),
        new("web.config.file", "(none)", "a readable exporter-toolkit web config file", "Web config file (exporter-toolkit format) enabling TLS and/or bcrypt basic auth.",
            (o, v) => File.Exists(v) ? (o with { WebConfigFile = v }, null) : (null, "file not found")),
        new("libvirt.uri", "qemu:///system", "a libvirt URI such as qemu:///system", "libvirt connection URI; the connection is opened read-only.",
            (o, v) => !string.IsNullOrWhiteSpace(v) && v.Contains(':', StringComparison.Ordinal) && !v.Contains('\0', StringComparison.Ordinal)
                ? (o with { LibvirtUri = v }, null) : (null, "not a libvirt URI")),
        new("libvirt.stats-groups", "all", StatsGroupNames.Accepted, "Statistics groups requested from libvirt (virsh domstats names).",
            (o, v) => StatsGroupNames.TryParse(v, out var g, out var e) ? (o with { StatsGroups = g }, null) : (null, e)),
        new("libvirt.parallel-chunks", "4", "an integer 1..64", "Domain chunks fetched concurrently from libvirt (1 = one bulk virConnectGetAllDomainStats call).",
            (o, v) => TryInt(v, 1, 64, out var n) ? (o with { ParallelChunks = n }, null) : (null, "out of range")),
        new("libvirt.keepalive-interval", "0s", "0s (off) or a duration 1s..10m", "libvirt client keepalive probe interval, to notice a dead remote daemon (qemu+tcp, qemu+ssh). Off by default; when on, libvirt calls run one at a time and statistics come in one bulk call, because libvirt 9.0 crashes when keepalive closes a connection with several calls waiting (docs/reliability.md).",
            (o, v) => TryDuration(v, TimeSpan.Zero, TimeSpan.FromMinutes(10), out var d) && (d == TimeSpan.Zero || d >= TimeSpan.FromSeconds(1))
                ? (o with { LibvirtKeepAliveInterval = d }, null) : (null, "out of range")),
        new("libvirt.keepalive-count", "3", "an integer 1..100", "Unanswered keepalive probes before the connection is closed and reopened.",
            (o, v) => TryInt(v, 1, 100, out var n) ? (o with { LibvirtKeepAliveCount = n }, null) : (null, "out of range")),
        new("libvirt.slow-groups", "none", StatsGroupNames.Accepted, "Statistics groups that change slowly and are fetched only every --libvirt.slow-refresh (their last values are served in between).",
            (o, v) => StatsGroupNames.TryParse(v, out var g, out var e) ? (o with { SlowGroups = g }, null) : (null, e)),
        new("libvirt.slow-refresh", "1m", "a duration 1s..24h", "Refresh period of the --libvirt.slow-groups.",
            (o, v) => TryDuration(v, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24), out var d) ? (o with { SlowRefresh = d }, null) : (null, "out of range")),
        new("scrape.timeout", "10s", "a duration 100ms..5m", "Deadline of one scrape; collectors that miss it are reported failed and the page carries what the others produced.",
            (o, v) => TryDuration(v, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5), out var d) ? (o with { ScrapeTimeout = d }, null) : (null, "out of range")),
        new("scrape.timeout-offset", "500ms", "a duration 0s..10s", "Margin subtracted from Prometheus' X-Prometheus-Scrape-Timeout-Seconds header; the smaller of the two deadlines applies.",
            (o, v) => TryDuration(v, TimeSpan.Zero, TimeSpan.FromSeconds(10), out var d) ? (o with { ScrapeTimeoutOffset = d }, null) : (null, "out of range")),
        new("collection.interval", "0s", "0s (collect on every scrape) or a duration 1s..1h", "Background collection period; a scrape is answered from the newest snapshot when it started at most this long ago, otherwise a fresh round runs.",
            (o, v) => TryDuration(v, TimeSpan.Zero, TimeSpan.FromHours(1), out var d) && (d == TimeSpan.Zero || d >= TimeSpan.FromSeconds(1))
                ? (o with { CollectionInterval = d }, null) : (null, "out of range")),
        new("domain.include", "(all)", "a .NET regular expression, anchored", "Only domains whose name matches are exported.",
            (o, v) => TryRegex(v, out var r, out var e) ? (o with { DomainInclude = r }, null) : (null, e)),
        new("domain.exclude", "(none)", "a .NET regular expression, anchored", "Domains whose name matches are not exported.",
            (o, v) => TryRegex(v, out var r, out var e) ? (o with { DomainExclude = r }, null) : (null, e)),
        new("domain.uuid", "(all)", "a comma-separated list of UUIDs", "Only domains with one of these UUIDs are exported.",
            (o, v) => TryUuids(v, out var set, out var e) ? (o with { DomainUuids = set }, null) : (null, e)),
        new("path.cgroup", "(from /proc/self/mountinfo)", "a directory path", "Mount point of the cgroup v2 hierarchy (e.g. /host/sys/fs/cgroup in a container).",
            (o, v) => IsPath(v) ? (o with { CgroupPath = v }, null) : (null, "not a path")),
        new("path.proc", "/proc", "a directory path", "procfs mount point (mountinfo and QEMU pid lookups).",
            (o, v) => IsPath(v) ? (o with { ProcPath = v }, null) : (null, "not a path")),
        new("path.sys", "/sys", "a directory path", "sysfs mount point (block device names).",
            (o, v) => IsPath(v) ? (o with { SysPath = v }, null) : (null, "not a path")),
        new("log.level", "info", "debug, info, warn, error", "Minimum level of log messages.",
            (o, v) => TryLogLevel(v, out var l) ? (o with { LogLevel = l }, null) : (null, "unknown level")),
    ];

    /// <summary>Finds a spec by flag name.</summary>
    public static OptionSpec? Find(string name) => Specs.FirstOrDefault(s => s.Name == name);

    internal static bool TryBool(string v, out bool value)
    {
        switch (v.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on":
                value = true;
                return true;
            case "false" or "0" or "no" or "off":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private static bool TryInt(string v, int min, int max, out int value) =>
        int.TryParse(v.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static bool TryDuration(string v, TimeSpan min, TimeSpan max, out TimeSpan value) =>
        DurationText.TryParse(v, out value) && value >= min && value <= max;

    private static bool TryRegex(string v, out Regex? regex, out string? error)
    {
        regex = null;
        error = null;
        if (v.Length == 0)
        {
            return true;
        }

        try
        {
            regex = new Regex("^(?:" + v + ")$", RegexOptions.CultureInvariant, RegexTimeout);
            return true;
        }
        catch (ArgumentException ex)
        {
            error = "invalid regular expression (" + ex.Message + ")";
            return false;
        }
    }

    private static bool TryUuids(string v, out IReadOnlySet<string> set, out string? error)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        set = result;
        error = null;
        foreach (var part in v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Guid.TryParseExact(part, "D", out var guid))
            {
                error = $"'{part}' is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)";
                return false;
            }

            result.Add(guid.ToString("D"));
        }

        return true;
    }

    private static bool TryLogLevel(string v, out LogLevel level)
    {
        level = v.Trim().ToLowerInvariant() switch
        {
            "debug" => LogLevel.Debug,
            "info" => LogLevel.Information,
            "warn" or "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => LogLevel.None,
        };
        return level != LogLevel.None;
    }

    private static bool IsPath(string v) => !string.IsNullOrWhiteSpace(v) && !v.Contains('\0', StringComparison.Ordinal);

    private static bool IsTelemetryPath(string v) =>
        v.StartsWith('/') && v.Length > 1 && v != "/healthz" && !v.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '?' or '#');

    /// <summary>True for <c>[host]:port</c> (host empty, a name, IPv4, or a bracketed IPv6) with port 0..65535.</summary>
    public static bool IsListenAddress(string v)
    {
        var m = ListenRegex().Match(v);
        return m.Success && int.TryParse(m.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535;
    }

    [GeneratedRegex(@"^(\[[0-9A-Fa-f:.%a-z0-9]+\]|[A-Za-z0-9.\-]*):(?<port>[0-9]{1,5})$", RegexOptions.CultureInvariant)]
    private static partial Regex ListenRegex();
}
