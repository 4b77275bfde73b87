using KvmMetrics.Analyzer.Cli;
using KvmMetrics.Influx;
using I = KvmMetrics.Analyzer.Cli.AnalyzerFlags.Influx;

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

    /// <summary>Reads the connection options, or returns null when <c>--influx.url</c> is absent.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="environment">Environment lookup (injected for tests).</param>
    /// <exception cref="UsageException">A value is malformed, a secret file is missing or empty, or a required option is absent; the message names it.</exception>
    public static InfluxConnectionOptions? Connection(CommandArgs args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var uri = args.Get(I.Url);
        var api = args.Get(I.ApiVersion) == "v2" ? InfluxApiVersion.V2 : InfluxApiVersion.V1;
        var database = args.Get(I.Database);
        var retentionPolicy = args.Get(I.RetentionPolicy);
        var org = args.Get(I.Org);
        var bucket = args.Get(I.Bucket);
        var username = args.Get(I.Username);
        var passwordFile = args.Get(I.PasswordFile);
        var tokenFile = args.Get(I.TokenFile);
        var timeout = args.Get(I.Timeout);
        if (uri is null)
        {
            return null;
        }

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
