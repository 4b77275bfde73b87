using System.Net.Security;
using System.Security.Authentication;

namespace KvmMetrics.Web.Configuration;

/// <summary>TLS client-certificate policy, named as in Go's <c>crypto/tls.ClientAuthType</c> (the exporter-toolkit values).</summary>
public enum ClientAuthType
{
    /// <summary>No client certificate is requested.</summary>
    NoClientCert,

    /// <summary>A certificate is requested but not required and not verified.</summary>
    RequestClientCert,

    /// <summary>A certificate is required but not verified against a CA.</summary>
    RequireAnyClientCert,

    /// <summary>A certificate is optional; when given it must chain to <c>client_ca_file</c>.</summary>
    VerifyClientCertIfGiven,

    /// <summary>A certificate is required and must chain to <c>client_ca_file</c> (the only secure mTLS choice).</summary>
    RequireAndVerifyClientCert,
}

/// <summary>The <c>tls_server_config</c> section. Paths are absolute (resolved against the config file's directory).</summary>
public sealed record TlsServerConfig
{
    /// <summary>PEM certificate file (or <see cref="CertPem"/>).</summary>
    public string? CertFile { get; init; }

    /// <summary>PEM private key file (or <see cref="KeyPem"/>).</summary>
    public string? KeyFile { get; init; }

    /// <summary>Inline PEM certificate (<c>cert</c>).</summary>
    public string? CertPem { get; init; }

    /// <summary>Inline PEM key (<c>key</c>).</summary>
    public string? KeyPem { get; init; }

    /// <summary>Client certificate policy (default <see cref="ClientAuthType.NoClientCert"/>).</summary>
    public ClientAuthType ClientAuth { get; init; } = ClientAuthType.NoClientCert;

    /// <summary>PEM file with the CA(s) that sign client certificates.</summary>
    public string? ClientCaFile { get; init; }

    /// <summary>Inline PEM client CA (<c>client_ca</c>).</summary>
    public string? ClientCaPem { get; init; }

    /// <summary>If not empty, a client certificate must carry one of these DNS names or IP addresses as SAN.</summary>
    public IReadOnlyList<string> ClientAllowedSans { get; init; } = [];

    /// <summary>Minimum TLS version (default TLS 1.2).</summary>
    public SslProtocols MinVersion { get; init; } = SslProtocols.Tls12;

    /// <summary>Maximum TLS version (default TLS 1.3).</summary>
    public SslProtocols MaxVersion { get; init; } = SslProtocols.Tls13;

    /// <summary>Allowed cipher suites (empty = platform defaults). TLS 1.3 suites are added automatically, as in Go.</summary>
    public IReadOnlyList<TlsCipherSuite> CipherSuites { get; init; } = [];

    /// <summary>The enabled protocol set from <see cref="MinVersion"/> to <see cref="MaxVersion"/>.</summary>
    public SslProtocols EnabledProtocols
    {
        get
        {
            var result = SslProtocols.None;
#pragma warning disable SYSLIB0039 // TLS 1.0/1.1 only when the operator asked for them explicitly.
            foreach (var p in new[] { SslProtocols.Tls, SslProtocols.Tls11, SslProtocols.Tls12, SslProtocols.Tls13 })
#pragma warning restore SYSLIB0039
            {
                if (p >= MinVersion && p <= MaxVersion)
                {
                    result |= p;
                }
            }

            return result;
        }
    }
}

/// <summary>The <c>http_server_config</c> section.</summary>
public sealed record HttpServerConfig
{
    /// <summary>Enable HTTP/2 (with TLS only; default true).</summary>
    public bool Http2 { get; init; } = true;

    /// <summary>Extra response headers (only the five the exporter-toolkit allows).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

/// <summary>The <c>rate_limit</c> section: a token bucket.</summary>
/// <param name="Interval">Time for one token to come back; zero disables the limiter.</param>
/// <param name="Burst">Bucket size.</param>
public sealed record RateLimitConfig(TimeSpan Interval, int Burst);

/// <summary>
/// A web configuration file in the Prometheus exporter-toolkit format (<c>--web.config.file</c>):
/// TLS, response headers, bcrypt basic-auth users and a rate limit. Load it with <see cref="WebConfigLoader"/>.
/// </summary>
public sealed record WebConfig
{
    /// <summary>No TLS, no auth: what runs without <c>--web.config.file</c>.</summary>
    public static readonly WebConfig Default = new();

    /// <summary>The file it came from (null for <see cref="Default"/>).</summary>
    public string? SourcePath { get; init; }

    /// <summary>TLS settings, or null to serve plain HTTP.</summary>
    public TlsServerConfig? Tls { get; init; }

    /// <summary>HTTP settings.</summary>
    public HttpServerConfig Http { get; init; } = new();

    /// <summary>User name → bcrypt hash; empty means no authentication.</summary>
    public IReadOnlyDictionary<string, string> BasicAuthUsers { get; init; } = new Dictionary<string, string>();

    /// <summary>Rate limit, or null for none.</summary>
    public RateLimitConfig? RateLimit { get; init; }
}

/// <summary>A web configuration file is invalid. The message names the file, the field and the fix.</summary>
public sealed class WebConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebConfigException(string file, string field, string problem, Exception? inner = null)
        : base($"web config '{file}': {field}: {problem}", inner)
    {
        File = file;
        Field = field;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public WebConfigException()
        : this("?", "?", "invalid")
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public WebConfigException(string message)
        : base(message)
    {
        File = "?";
        Field = "?";
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public WebConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = "?";
        Field = "?";
    }

    /// <summary>The configuration file.</summary>
    public string File { get; }

    /// <summary>The dotted path of the offending field (<c>tls_server_config.cert_file</c>).</summary>
    public string Field { get; }
}
