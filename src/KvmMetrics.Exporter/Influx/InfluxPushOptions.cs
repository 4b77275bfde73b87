using System.Globalization;
using KvmMetrics.Exporter.Options;
using KvmMetrics.Influx;
using KvmMetrics.Influx.LineProtocol;
using KvmMetrics.Influx.Write;

namespace KvmMetrics.Exporter.Influx;

/// <summary>
/// Settings of the optional InfluxDB push (<c>--influx.*</c> flags). Each property names its flag;
/// the environment variable is <c>KVM_EXPORTER_INFLUX_</c> + the flag suffix in upper case with
/// '-' as '_' (e.g. <c>KVM_EXPORTER_INFLUX_TOKEN</c>), and the config-file key is the flag name.
/// Build it with <see cref="FromSettings"/>; the push is off when no <c>--influx.*</c> setting is given.
/// </summary>
public sealed record InfluxPushOptions
{
    /// <summary><c>--influx.url</c>: base URL of InfluxDB, e.g. <c>http://influxdb:8086</c>. Required to enable the push.</summary>
    public required Uri Url { get; init; }

    /// <summary><c>--influx.api-version</c>: <c>v1</c> (default; InfluxDB 1.x) or <c>v2</c> (InfluxDB 2.x/Cloud).</summary>
    public InfluxApiVersion ApiVersion { get; init; } = InfluxApiVersion.V1;

    /// <summary><c>--influx.database</c> (v1): database to write to. Default <c>kvm</c>.</summary>
    public string Database { get; init; } = "kvm";

    /// <summary><c>--influx.retention-policy</c> (v1): retention policy; default the database's default.</summary>
    public string? RetentionPolicy { get; init; }

    /// <summary><c>--influx.org</c> (v2): organization name or ID. Required for v2.</summary>
    public string? Organization { get; init; }

    /// <summary><c>--influx.bucket</c> (v2): bucket. Required for v2.</summary>
    public string? Bucket { get; init; }

    /// <summary><c>--influx.username</c> (v1): user name for basic auth.</summary>
    public string? Username { get; init; }

    /// <summary><c>--influx.password</c> (v1): password; prefer <see cref="PasswordFile"/> or the environment.</summary>
    public string? Password { get; init; }

    /// <summary><c>--influx.password-file</c> (v1): file holding the password (trailing newline ignored).</summary>
    public string? PasswordFile { get; init; }

    /// <summary><c>--influx.token</c> (v2): API token; prefer <see cref="TokenFile"/> or <c>KVM_EXPORTER_INFLUX_TOKEN</c>.</summary>
    public string? Token { get; init; }

    /// <summary><c>--influx.token-file</c> (v2): file holding the API token (trailing newline ignored).</summary>
    public string? TokenFile { get; init; }

    /// <summary><c>--influx.interval</c>: how often the samples are pushed. Default 15 s, 1 s to 1 h.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary><c>--influx.buffer-dir</c>: directory of the on-disk buffer (survives restarts); unset keeps the buffer in memory.</summary>
    public string? BufferDirectory { get; init; }

    /// <summary><c>--influx.buffer-max-bytes</c>: buffer size limit; the oldest data is dropped (and counted) beyond it. Default 64 MiB (accepts suffixes KiB, MiB, GiB).</summary>
    public long BufferMaxBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary><c>--influx.batch-size</c>: most points per write request. Default 5000.</summary>
    public int BatchSize { get; init; } = 5000;

    /// <summary><c>--influx.timeout</c>: timeout of one HTTP request. Default 10 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>--influx.gzip</c>: compress request bodies. Default true.</summary>
    public bool Gzip { get; init; } = true;

    /// <summary><c>--influx.host-tag</c>: value of the <c>host</c> tag added to every point. Default the machine name.</summary>
    public string HostTag { get; init; } = Environment.MachineName;

    /// <summary><c>--influx.precision</c>: timestamp precision, <c>s</c> (default), <c>ms</c>, <c>us</c> or <c>ns</c>.</summary>
    public WritePrecision Precision { get; init; } = WritePrecision.Seconds;

    /// <summary>The setting names <see cref="FromSettings"/> understands (flag names without <c>influx.</c>).</summary>
    public static IReadOnlyList<string> SettingNames { get; } =
    [
        "url", "api-version", "database", "retention-policy", "org", "bucket", "username", "password", "password-file",
        "token", "token-file", "interval", "buffer-dir", "buffer-max-bytes", "batch-size", "timeout", "gzip", "host-tag", "precision",
    ];

    /// <summary>
    /// Builds the options from raw <c>influx.*</c> settings (name without the prefix → value), as
    /// collected by the exporter's option parser. Returns null options and no errors when
    /// <paramref name="settings"/> is empty (push disabled); otherwise the options, or every
    /// problem found (each naming the flag and the accepted values).
    /// </summary>
    public static (InfluxPushOptions? Options, IReadOnlyList<string> Errors) FromSettings(IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Count == 0)
        {
            return (null, []);
        }

        var errors = new List<string>();
        foreach (var key in settings.Keys.Where(k => !SettingNames.Contains(k)))
        {
            errors.Add($"--influx.{key}: unknown setting; known: {string.Join(", ", SettingNames.Select(n => "--influx." + n))}.");
        }

        if (!settings.TryGetValue("url", out var urlText) || !Uri.TryCreate(urlText, UriKind.Absolute, out var url))
        {
            errors.Add($"--influx.url: '{urlText}' is not an absolute URL; give e.g. http://influxdb:8086 (required when any --influx.* flag is set).");
            return (null, errors);
        }

        var o = new InfluxPushOptions { Url = url };
        string? Get(string name) => settings.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        if (Get("api-version") is { } api)
        {
            o = api.ToLowerInvariant() switch
            {
                "v1" or "1" => o with { ApiVersion = InfluxApiVersion.V1 },
                "v2" or "2" => o with { ApiVersion = InfluxApiVersion.V2 },
                _ => Error(o, errors, $"--influx.api-version: '{api}' is not v1 or v2."),
            };
        }

        o = o with
        {
            Database = Get("database") ?? o.Database,
            RetentionPolicy = Get("retention-policy"),
            Organization = Get("org"),
            Bucket = Get("bucket"),
            Username = Get("username"),
            Password = Get("password"),
            PasswordFile = Get("password-file"),
            Token = Get("token"),
            TokenFile = Get("token-file"),
            BufferDirectory = Get("buffer-dir"),
            HostTag = Get("host-tag") ?? o.HostTag,
        };
        if (Get("interval") is { } interval)
        {
            o = KvmMetrics.Options.Duration.TryParse(interval, out var d) ? o with { Interval = d } : Error(o, errors, $"--influx.interval: '{interval}' is not a duration such as 15s or 1m.");
        }

        if (Get("timeout") is { } timeout)
        {
            o = KvmMetrics.Options.Duration.TryParse(timeout, out var d) ? o with { Timeout = d } : Error(o, errors, $"--influx.timeout: '{timeout}' is not a duration such as 10s.");
        }

        if (Get("buffer-max-bytes") is { } max)
        {
            o = TryParseBytes(max, out var bytes) ? o with { BufferMaxBytes = bytes } : Error(o, errors, $"--influx.buffer-max-bytes: '{max}' is not a size such as 67108864, 512KiB, 64MiB or 1GiB.");
        }

        if (Get("batch-size") is { } batch)
        {
            o = int.TryParse(batch, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? o with { BatchSize = n } : Error(o, errors, $"--influx.batch-size: '{batch}' is not a whole number.");
        }

        if (Get("gzip") is { } gzip)
        {
            o = bool.TryParse(gzip, out var b) ? o with { Gzip = b } : Error(o, errors, $"--influx.gzip: '{gzip}' is not true or false.");
        }

        if (Get("precision") is { } precision)
        {
            o = precision switch
            {
                "s" => o with { Precision = WritePrecision.Seconds },
                "ms" => o with { Precision = WritePrecision.Milliseconds },
                "us" => o with { Precision = WritePrecision.Microseconds },
                "ns" => o with { Precision = WritePrecision.Nanoseconds },
                _ => Error(o, errors, $"--influx.precision: '{precision}' is not s, ms, us or ns."),
            };
        }

        errors.AddRange(o.Validate());
        return errors.Count == 0 ? (o, []) : (null, errors);
    }

    /// <summary>Every problem with these options, naming the flag and the accepted range; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromHours(1))
        {
            errors.Add($"--influx.interval: {Interval.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s is out of range; use 1s to 1h.");
        }

        if (!string.IsNullOrEmpty(Token) && !string.IsNullOrEmpty(TokenFile))
        {
            errors.Add("--influx.token and --influx.token-file are both set; use one.");
        }

        if (!string.IsNullOrEmpty(Password) && !string.IsNullOrEmpty(PasswordFile))
        {
            errors.Add("--influx.password and --influx.password-file are both set; use one.");
        }

        foreach (var (flag, file) in new[] { ("--influx.token-file", TokenFile), ("--influx.password-file", PasswordFile) })
        {
            if (file is not null && !File.Exists(file))
            {
                errors.Add($"{flag}: file '{file}' does not exist.");
            }
        }

        if (string.IsNullOrWhiteSpace(HostTag))
        {
            errors.Add("--influx.host-tag: must not be empty.");
        }

        if (ApiVersion == InfluxApiVersion.V2 && string.IsNullOrEmpty(Token) && TokenFile is null)
        {
            errors.Add("--influx.token (or --influx.token-file, or KVM_EXPORTER_INFLUX_TOKEN) is required with --influx.api-version=v2.");
        }

        if (errors.Count == 0)
        {
            var writeOptions = ToWriteOptions(resolveSecrets: false);
            errors.AddRange(writeOptions.Validate().Select(e => "--influx: " + FlagNames(e)));
        }

        return errors;
    }

    /// <summary>The library options for <see cref="InfluxWriter"/>; reads the token/password files.</summary>
    /// <exception cref="IOException">A secret file cannot be read.</exception>
    public InfluxWriteOptions ToWriteOptions() => ToWriteOptions(resolveSecrets: true);

    private InfluxWriteOptions ToWriteOptions(bool resolveSecrets)
    {
        var token = Token ?? (resolveSecrets && TokenFile is not null ? ReadSecret(TokenFile) : TokenFile is null ? null : "(from file)");
        var password = Password ?? (resolveSecrets && PasswordFile is not null ? ReadSecret(PasswordFile) : PasswordFile is null ? null : "(from file)");
        return new InfluxWriteOptions
        {
            Connection = new InfluxConnectionOptions
            {
                Url = Url,
                ApiVersion = ApiVersion,
                Database = Database,
                RetentionPolicy = RetentionPolicy,
                Organization = Organization,
                Bucket = Bucket,
                Username = Username,
                Password = password,
                Token = token,
                Timeout = Timeout,
            },
            Precision = Precision,
            Gzip = Gzip,
            BatchSize = BatchSize,
            FlushInterval = TimeSpan.FromSeconds(1),
            BufferDirectory = BufferDirectory,
            BufferMaxBytes = BufferMaxBytes,
        };
    }

    /// <summary>Never prints secrets.</summary>
    public override string ToString() => $"{Url.GetLeftPart(UriPartial.Path)} ({ApiVersion}, every {Interval.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s)";

    private static string ReadSecret(string path) => File.ReadAllText(path).TrimEnd('\r', '\n');

    private static string FlagNames(string libraryError) => libraryError
        .Replace("BufferMaxBytes", "buffer-max-bytes", StringComparison.Ordinal)
        .Replace("BatchSize", "batch-size", StringComparison.Ordinal)
        .Replace("Timeout", "timeout", StringComparison.Ordinal)
        .Replace("Organization", "org", StringComparison.Ordinal)
        .Replace("Bucket", "bucket", StringComparison.Ordinal)
        .Replace("Database", "database", StringComparison.Ordinal);

    private static InfluxPushOptions Error(InfluxPushOptions o, List<string> errors, string error)
    {
        errors.Add(error);
        return o;
    }

    internal static bool TryParseBytes(string text, out long bytes)
    {
        bytes = 0;
        text = text.Trim();
        (string Suffix, long Factor)[] units = [("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("B", 1)];
        long factor = 1;
        foreach (var (suffix, f) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                text = text[..^suffix.Length].Trim();
                factor = f;
                break;
            }
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > long.MaxValue / factor)
        {
            return false;
        }

        bytes = n * factor;
        return true;
    }
}
