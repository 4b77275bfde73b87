using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Influx;

namespace KvmMetrics.Analyzer.Sources.Influx;

/// <summary>
/// The <c>--influx.*</c> connection options shared by the InfluxDB source and the result write-back. The flag
/// names follow the exporter's (<c>--influx.url</c>, <c>--influx.database</c>, ...). Secrets are only read from a
/// file or the environment (<c>KVM_ANALYZER_INFLUX_PASSWORD</c>, <c>KVM_ANALYZER_INFLUX_TOKEN</c>), never taken
/// from the command line, where <c>ps</c> shows them, and never printed.
/// </summary>
public static class InfluxCommandLine
{
    /// <summary>Environment variable holding the v1 password.</summary>
    public const string PasswordVariable = "KVM_ANALYZER_INFLUX_PASSWORD";

    /// <summary>Environment variable holding the v2 token.</summary>
    public const string TokenVariable = "KVM_ANALYZER_INFLUX_TOKEN";

    /// <summary>Usage lines for the connection options.</summary>
    public const string Usage =
        "  --influx.url URL                   InfluxDB base URL, e.g. http://influxdb:8086 (influx source, write-back)\n" +
        "  --influx.api-version v1|v2         v1: InfluxQL over /query (default); v2: Flux over /api/v2/query\n" +
        "  --influx.database kvm [--influx.retention-policy RP]   v1 database (default kvm, as the exporter)\n" +
        "  --influx.org ORG --influx.bucket B  v2 organization and bucket\n" +
        "  --influx.username U --influx.password-file F   v1 credentials (or KVM_ANALYZER_INFLUX_PASSWORD)\n" +
        "  --influx.token-file F              v2 token (or KVM_ANALYZER_INFLUX_TOKEN)\n" +
        "  --influx.timeout 30s               per request";

    /// <summary>Reads the connection options, or returns null when <c>--influx.url</c> is absent.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="environment">Environment lookup (injected for tests).</param>
    /// <exception cref="UsageException">A value is malformed, a secret file is missing or empty, or a required option is absent; the message names it.</exception>
    public static InfluxConnectionOptions? Connection(CommandArgs args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var url = args.String("influx.url");
        var apiText = args.String("influx.api-version", "v1")!;
        var database = args.String("influx.database", "kvm");
        var retentionPolicy = args.String("influx.retention-policy");
        var org = args.String("influx.org");
        var bucket = args.String("influx.bucket");
        var username = args.String("influx.username");
        var passwordFile = args.String("influx.password-file");
        var tokenFile = args.String("influx.token-file");
        var timeout = args.Duration("influx.timeout", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        if (url is null)
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.UserInfo.Length > 0)
        {
            throw new UsageException($"--influx.url must be an absolute http(s) URL without credentials, such as http://influxdb:8086, got '{url}'");
        }

        var api = apiText.ToLowerInvariant() switch
        {
            "v1" or "1" => InfluxApiVersion.V1,
            "v2" or "2" => InfluxApiVersion.V2,
            _ => throw new UsageException($"--influx.api-version must be v1 (InfluxDB 1.x, InfluxQL) or v2 (InfluxDB 2.x, Flux), got '{apiText}'"),
        };
        string? password = null, token = null;
        if (api == InfluxApiVersion.V1)
        {
            password = Secret("--influx.password-file", passwordFile, PasswordVariable, environment);
            if (password is not null && username is null)
            {
                throw new UsageException("a password is given (--influx.password-file or " + PasswordVariable + ") but --influx.username is not; give both or neither");
            }
        }
        else
        {
            token = Secret("--influx.token-file", tokenFile, TokenVariable, environment)
                ?? throw new UsageException($"--influx.api-version v2 needs a token: --influx.token-file FILE or the {TokenVariable} environment variable");
            if (string.IsNullOrWhiteSpace(org))
            {
                throw new UsageException("--influx.api-version v2 needs --influx.org (organization name or ID)");
            }
        }

        return new InfluxConnectionOptions
        {
            Url = uri,
            ApiVersion = api,
            Database = api == InfluxApiVersion.V1 ? database : null,
            RetentionPolicy = retentionPolicy,
            Organization = org,
            Bucket = bucket,
            Username = username,
            Password = password,
            Token = token,
            Timeout = timeout,
        };
    }

    private static string? Secret(string flag, string? file, string variable, Func<string, string?> environment)
    {
        if (file is null)
        {
            return environment(variable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        }

        if (!File.Exists(file))
        {
            throw new UsageException($"{flag} '{file}' does not exist (put the secret on one line in that file)");
        }

        var text = File.ReadAllText(file).TrimEnd('\r', '\n');
        return text.Length > 0 ? text : throw new UsageException($"{flag} '{file}' is empty");
    }
}
