using System.Globalization;
using KvmMetrics.Exporter.Influx;
using KvmMetrics.Options;

namespace KvmMetrics.Exporter.Options;

/// <summary>
/// Definitions of the <c>--influx.*</c> push settings for <c>--help</c>, docs and environment names. The values are
/// checked together by <see cref="InfluxPushOptions.FromSettings"/> (they depend on each other: v1 vs v2, secrets);
/// the defaults shown are read from <see cref="InfluxPushOptions"/> itself, so they are written once.
/// </summary>
public static class InfluxFlags
{
    private static readonly InfluxPushOptions Defaults = new() { Url = new Uri("http://influxdb:8086") };

    /// <summary>Every <c>--influx.*</c> setting, in the order of <see cref="InfluxPushOptions.SettingNames"/>.</summary>
    public static IReadOnlyList<OptionDefinition> All { get; } =
    [
        Doc("url", "(none: push off)", "an absolute URL such as http://influxdb:8086", "Base URL of InfluxDB; setting it enables the push."),
        Doc("api-version", Defaults.ApiVersion == KvmMetrics.Influx.InfluxApiVersion.V1 ? "v1" : "v2", "v1 or v2", "InfluxDB HTTP API: v1 (InfluxDB 1.x, /write) or v2 (InfluxDB 2.x/Cloud, VictoriaMetrics, /api/v2/write)."),
        Doc("database", Defaults.Database, "a database name", "v1: database to write to."),
        Doc("retention-policy", "(database default)", "a retention policy name", "v1: retention policy."),
        Doc("org", "(none)", "an organization name or ID", "v2: organization (required for v2)."),
        Doc("bucket", "(none)", "a bucket name", "v2: bucket (required for v2)."),
        Doc("username", "(none)", "a user name", "v1: user name for basic auth."),
        Doc("password", "(none)", "a password", "v1: password; visible in ps, prefer --influx.password-file or KVM_EXPORTER_INFLUX_PASSWORD."),
        Doc("password-file", "(none)", "a readable file", "v1: file holding the password (trailing newline ignored)."),
        Doc("token", "(none)", "an API token", "v2: API token; visible in ps, prefer --influx.token-file or KVM_EXPORTER_INFLUX_TOKEN."),
        Doc("token-file", "(none)", "a readable file", "v2: file holding the API token (trailing newline ignored)."),
        Doc("interval", Duration.Format(Defaults.Interval), "a duration 1s..1h", "How often the samples are pushed."),
        Doc("buffer-dir", "(in memory)", "a writable directory", "Directory of the on-disk buffer that survives restarts; unset keeps the buffer in memory."),
        Doc("buffer-max-bytes", Defaults.BufferMaxBytes.ToString(CultureInfo.InvariantCulture), "bytes, or a size such as 512KiB, 64MiB, 1GiB", "Buffer size limit; the oldest data is dropped (and counted) beyond it."),
        Doc("batch-size", Defaults.BatchSize.ToString(CultureInfo.InvariantCulture), "a whole number", "Most points per write request."),
        Doc("timeout", Duration.Format(Defaults.Timeout), Duration.Syntax, "Timeout of one HTTP request."),
        Doc("gzip", Defaults.Gzip ? "true" : "false", "true or false", "Compress request bodies."),
        Doc("host-tag", "(the machine name)", "a non-empty tag value", "Value of the host tag added to every point."),
        Doc("precision", Defaults.Precision switch { KvmMetrics.Influx.LineProtocol.WritePrecision.Milliseconds => "ms", KvmMetrics.Influx.LineProtocol.WritePrecision.Microseconds => "us", KvmMetrics.Influx.LineProtocol.WritePrecision.Nanoseconds => "ns", _ => "s" }, "s, ms, us, ns", "Timestamp precision of the points."),
    ];

    private static Option<string?> Doc(string name, string defaultText, string accepted, string description) =>
        new("influx." + name, null, accepted, description, (string t, out string? v, out string? p) =>
        {
            v = t;
            p = null;
            return true;
        }, v => v ?? "(none)", defaultText)
        { IsSecret = name is "password" or "token" };
}
