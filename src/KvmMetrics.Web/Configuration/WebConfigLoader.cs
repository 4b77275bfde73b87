using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KvmMetrics.Web.Cryptography;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KvmMetrics.Web.Configuration;

/// <summary>
/// Loads and validates an exporter-toolkit web configuration file. Unknown fields are errors (the
/// toolkit parses strictly too); every error names the file, the field and what to do. Relative
/// paths are resolved against the directory of the file. Certificates and keys are loaded once here
/// so a bad PEM stops the process at start, not at the first TLS handshake. Unlike the Go toolkit,
/// the file is read once at start (restart to change users or headers); the certificate and key
/// files are re-read by <see cref="Hosting.KestrelConfigurator"/> whenever they change.
/// </summary>
public static class WebConfigLoader
{
    private const string Doc = "see https://github.com/prometheus/exporter-toolkit/blob/master/docs/web-configuration.md";

    private static readonly string[] AllowedHeaders =
        ["Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "X-XSS-Protection", "Strict-Transport-Security"];

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <exception cref="WebConfigException">The file is missing, unreadable or invalid.</exception>
    public static WebConfig Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WebConfigException(full, "(file)", $"cannot be read ({e.Message}); check --web.config.file", e);
        }

        return Parse(text, full, Path.GetDirectoryName(full) ?? ".");
    }

    /// <summary>Parses YAML text; <paramref name="sourceName"/> is used in messages, <paramref name="baseDirectory"/> for relative paths.</summary>
    /// <exception cref="WebConfigException">The text is invalid.</exception>
    public static WebConfig Parse(string yaml, string sourceName, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var ctx = new Ctx(sourceName, baseDirectory);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new WebConfigException(sourceName, $"line {e.Start.Line}", "is not valid YAML: " + e.Message, e);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            return WebConfig.Default with { SourcePath = sourceName };
        }

        if (stream.Documents.Count > 1)
        {
            throw ctx.Error("(file)", "holds more than one YAML document; keep one");
        }

        var root = ctx.Mapping(stream.Documents[0].RootNode, "(root)");
        var config = new WebConfig { SourcePath = sourceName };
        foreach (var (key, value) in ctx.Entries(root, "(root)"))
        {
            config = key switch
            {
                "tls_server_config" => config with { Tls = IsNull(value) ? null : ParseTls(ctx, value) },
                "http_server_config" => config with { Http = IsNull(value) ? new HttpServerConfig() : ParseHttp(ctx, value) },
                "basic_auth_users" => config with { BasicAuthUsers = IsNull(value) ? new Dictionary<string, string>() : ParseUsers(ctx, value) },
                "rate_limit" => config with { RateLimit = IsNull(value) ? null : ParseRateLimit(ctx, value) },
                _ => throw ctx.Error(key, $"unknown field; allowed: tls_server_config, http_server_config, basic_auth_users, rate_limit ({Doc})"),
            };
        }

        return config;
    }

    private static TlsServerConfig ParseTls(Ctx ctx, YamlNode node)
    {
        const string S = "tls_server_config";
        var tls = new TlsServerConfig();
        foreach (var (key, value) in ctx.Entries(ctx.Mapping(node, S), S))
        {
            var field = S + "." + key;
            tls = key switch
            {
                "cert" => tls with { CertPem = ctx.String(value, field) },
                "key" => tls with { KeyPem = ctx.String(value, field) },
                "client_ca" => tls with { ClientCaPem = ctx.String(value, field) },
                "cert_file" => tls with { CertFile = ctx.FilePath(value, field) },
                "key_file" => tls with { KeyFile = ctx.FilePath(value, field) },
                "client_ca_file" => tls with { ClientCaFile = ctx.FilePath(value, field) },
                "client_auth_type" => tls with { ClientAuth = ParseClientAuth(ctx, value, field) },
                "client_allowed_sans" => tls with { ClientAllowedSans = ctx.StringList(value, field) },
                "min_version" => tls with { MinVersion = ParseVersion(ctx, value, field) },
                "max_version" => tls with { MaxVersion = ParseVersion(ctx, value, field) },
                "cipher_suites" => tls with { CipherSuites = ParseCipherSuites(ctx, value, field) },
                // Validated but without effect: OpenSSL servers already prefer their own order.
                "prefer_server_cipher_suites" => ctx.Bool(value, field) ? tls : tls,
                "curve_preferences" => ctx.StringList(value, field).Count == 0
                    ? tls
                    : throw ctx.Error(field, "is not supported here (TLS key exchange uses the OpenSSL defaults); remove the field"),
                _ => throw ctx.Error(field, $"unknown field ({Doc})"),
            };
        }

        if (tls.CertPem is not null && tls.CertFile is not null)
        {
            throw ctx.Error(S + ".cert", "both cert and cert_file are set; keep one");
        }

        if (tls.KeyPem is not null && tls.KeyFile is not null)
        {
            throw ctx.Error(S + ".key", "both key and key_file are set; keep one");
        }

        if (tls.ClientCaPem is not null && tls.ClientCaFile is not null)
        {
            throw ctx.Error(S + ".client_ca", "both client_ca and client_ca_file are set; keep one");
        }

        if (tls.CertPem is null && tls.CertFile is null)
        {
            throw ctx.Error(S + ".cert_file", "is required when tls_server_config is present (PEM certificate of this server)");
        }

        if (tls.KeyPem is null && tls.KeyFile is null)
        {
            throw ctx.Error(S + ".key_file", "is required when tls_server_config is present (PEM private key of cert_file)");
        }

        var hasCa = tls.ClientCaPem is not null || tls.ClientCaFile is not null;
        if (hasCa && tls.ClientAuth == ClientAuthType.NoClientCert)
        {
            throw ctx.Error(S + ".client_auth_type", "client_ca_file is set but client_auth_type is NoClientCert; set RequireAndVerifyClientCert");
        }

        if (!hasCa && tls.ClientAuth is ClientAuthType.VerifyClientCertIfGiven or ClientAuthType.RequireAndVerifyClientCert)
        {
            throw ctx.Error(S + ".client_ca_file", $"is required with client_auth_type {tls.ClientAuth} (the CA that signs client certificates)");
        }

        if (tls.ClientAllowedSans.Count > 0 && tls.ClientAuth is not (ClientAuthType.RequireAnyClientCert or ClientAuthType.RequireAndVerifyClientCert))
        {
            throw ctx.Error(S + ".client_allowed_sans", "needs client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert");
        }

        if (tls.MinVersion > tls.MaxVersion)
        {
            throw ctx.Error(S + ".min_version", "is higher than max_version");
        }

        // Load once now: a wrong path or PEM is reported at start with the field that names it.
        using (LoadServerCertificate(tls, ctx.Source))
        {
        }

        if (hasCa)
        {
            _ = LoadClientCas(tls, ctx.Source);
        }

        return tls;
    }

    /// <summary>Loads the server certificate with its private key from <paramref name="tls"/>.</summary>
    /// <exception cref="WebConfigException">The PEM cannot be read or does not hold a matching certificate and key.</exception>
    public static X509Certificate2 LoadServerCertificate(TlsServerConfig tls, string source)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var field = "tls_server_config." + (tls.CertFile is not null ? "cert_file" : "cert");
        try
        {
            return tls.CertFile is not null && tls.KeyFile is not null
                ? X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile)
                : X509Certificate2.CreateFromPem(
                    tls.CertPem ?? File.ReadAllText(tls.CertFile!),
                    tls.KeyPem ?? File.ReadAllText(tls.KeyFile!));
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new WebConfigException(source, field + "/key_file", $"cannot load a PEM certificate with its private key ({e.Message}); check both files", e);
        }
    }

    /// <summary>Loads the client CA certificates.</summary>
    /// <exception cref="WebConfigException">The PEM cannot be read or holds no certificate.</exception>
    public static X509Certificate2Collection LoadClientCas(TlsServerConfig tls, string source)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var field = "tls_server_config." + (tls.ClientCaFile is not null ? "client_ca_file" : "client_ca");
        var collection = new X509Certificate2Collection();
        try
        {
            if (tls.ClientCaFile is not null)
            {
                collection.ImportFromPemFile(tls.ClientCaFile);
            }
            else if (tls.ClientCaPem is not null)
            {
                collection.ImportFromPem(tls.ClientCaPem);
            }
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new WebConfigException(source, field, $"cannot load PEM CA certificates ({e.Message})", e);
        }

        if (collection.Count == 0)
        {
            throw new WebConfigException(source, field, "holds no PEM certificate");
        }

        return collection;
    }

    private static ClientAuthType ParseClientAuth(Ctx ctx, YamlNode value, string field)
    {
        var text = ctx.String(value, field);
        return Enum.TryParse<ClientAuthType>(text, ignoreCase: false, out var result) && Enum.IsDefined(result) && !char.IsAsciiDigit(text[0])
            ? result
            : throw ctx.Error(field, $"'{text}' is not one of {string.Join(", ", Enum.GetNames<ClientAuthType>())}");
    }

    private static SslProtocols ParseVersion(Ctx ctx, YamlNode value, string field)
    {
        var text = ctx.String(value, field);
#pragma warning disable SYSLIB0039 // Accepted because the toolkit accepts them; the default stays TLS 1.2.
        return text switch
        {
            "TLS10" => SslProtocols.Tls,
            "TLS11" => SslProtocols.Tls11,
            "TLS12" => SslProtocols.Tls12,
            "TLS13" => SslProtocols.Tls13,
            _ => throw ctx.Error(field, $"'{text}' is not one of TLS10, TLS11, TLS12, TLS13"),
        };
#pragma warning restore SYSLIB0039
    }

    private static List<TlsCipherSuite> ParseCipherSuites(Ctx ctx, YamlNode value, string field)
    {
        var result = new List<TlsCipherSuite>();
        foreach (var name in ctx.StringList(value, field))
        {
            // Go's names (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) are the IANA names .NET uses too.
            if (!name.StartsWith("TLS_", StringComparison.Ordinal) || !Enum.TryParse<TlsCipherSuite>(name, ignoreCase: false, out var suite))
            {
                throw ctx.Error(field, $"'{name}' is not a known cipher suite name (IANA names such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
            }

            result.Add(suite);
        }

        return result;
    }

    private static HttpServerConfig ParseHttp(Ctx ctx, YamlNode node)
    {
        const string S = "http_server_config";
        var http = new HttpServerConfig();
        foreach (var (key, value) in ctx.Entries(ctx.Mapping(node, S), S))
        {
            var field = S + "." + key;
            http = key switch
            {
                "http2" => http with { Http2 = ctx.Bool(value, field) },
                "headers" => http with { Headers = IsNull(value) ? new Dictionary<string, string>() : ParseHeaders(ctx, value, field) },
                _ => throw ctx.Error(field, $"unknown field; allowed: http2, headers ({Doc})"),
            };
        }

        return http;
    }

    private static Dictionary<string, string> ParseHeaders(Ctx ctx, YamlNode node, string section)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in ctx.Entries(ctx.Mapping(node, section), section))
        {
            var field = section + "." + key;
            var name = AllowedHeaders.FirstOrDefault(h => h.Equals(key, StringComparison.OrdinalIgnoreCase))
                ?? throw ctx.Error(field, $"is not a header that can be set; allowed: {string.Join(", ", AllowedHeaders)}");
            var text = ctx.String(value, field);
            if (text.AsSpan().ContainsAny('\r', '\n') || text.Any(char.IsControl))
            {
                throw ctx.Error(field, "contains control characters");
            }

            if (text.Length == 0)
            {
                continue;
            }

            if (name == "X-Frame-Options" && !text.Equals("deny", StringComparison.OrdinalIgnoreCase) && !text.Equals("sameorigin", StringComparison.OrdinalIgnoreCase))
            {
                throw ctx.Error(field, $"'{text}' is not deny or sameorigin");
            }

            if (name == "X-Content-Type-Options" && !text.Equals("nosniff", StringComparison.OrdinalIgnoreCase))
            {
                throw ctx.Error(field, $"'{text}' is not nosniff");
            }

            headers[name] = text;
        }

        return headers;
    }

    private static Dictionary<string, string> ParseUsers(Ctx ctx, YamlNode node)
    {
        const string S = "basic_auth_users";
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (user, value) in ctx.Entries(ctx.Mapping(node, S), S))
        {
            // The hash is never echoed in messages: it is a secret too.
            var field = S + "." + user;
            if (user.Length == 0 || user.Contains(':', StringComparison.Ordinal))
            {
                throw ctx.Error(field, "a user name must be non-empty and must not contain ':'");
            }

            var hash = ctx.String(value, field);
            if (!Bcrypt.LooksLikeBcrypt(hash))
            {
                throw ctx.Error(field, "is not a bcrypt hash ($2a$/$2b$/$2y$, 60 characters); create one with: htpasswd -nBC 10 \"\" | tr -d ':\\n'");
            }

            users[user] = hash;
        }

        return users;
    }

    private static RateLimitConfig ParseRateLimit(Ctx ctx, YamlNode node)
    {
        const string S = "rate_limit";
        var interval = TimeSpan.Zero;
        var burst = 0;
        foreach (var (key, value) in ctx.Entries(ctx.Mapping(node, S), S))
        {
            var field = S + "." + key;
            switch (key)
            {
                case "interval":
                    interval = KvmMetrics.Options.Duration.TryParse(ctx.String(value, field), out var d) && d >= TimeSpan.Zero
                        ? d
                        : throw ctx.Error(field, "is not a duration such as 1s, 500ms or 0");
                    break;
                case "burst":
                    burst = int.TryParse(ctx.String(value, field), NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                        ? b
                        : throw ctx.Error(field, "is not a non-negative integer");
                    break;
                default:
                    throw ctx.Error(field, "unknown field; allowed: interval, burst");
            }
        }

        if (interval > TimeSpan.Zero && burst < 1)
        {
            throw ctx.Error(S + ".burst", "must be at least 1 when interval is set");
        }

        return new RateLimitConfig(interval, burst);
    }

    private static bool IsNull(YamlNode node) => node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    /// <summary>Error helpers bound to one file.</summary>
    private sealed class Ctx(string source, string baseDirectory)
    {
        public string Source { get; } = source;

        public WebConfigException Error(string field, string problem) => new(Source, field, problem);

        public YamlMappingNode Mapping(YamlNode node, string field) =>
            node as YamlMappingNode ?? throw Error(field, $"must be a mapping (line {node.Start.Line})");

        public IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode mapping, string field)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in mapping.Children)
            {
                var key = (entry.Key as YamlScalarNode)?.Value ?? throw Error(field, $"has a non-scalar key at line {entry.Key.Start.Line}");
                if (!seen.Add(key))
                {
                    throw Error(field + "." + key, $"appears twice (line {entry.Key.Start.Line})");
                }

                yield return (key, entry.Value);
            }
        }

        public string String(YamlNode node, string field) =>
            node is YamlScalarNode scalar
                ? scalar.Value ?? string.Empty
                : throw Error(field, $"must be a string (line {node.Start.Line})");

        public bool Bool(YamlNode node, string field) => String(node, field) switch
        {
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            var other => throw Error(field, $"'{other}' is not true or false"),
        };

        public List<string> StringList(YamlNode node, string field)
        {
            if (IsNull(node))
            {
                return [];
            }

            if (node is not YamlSequenceNode sequence)
            {
                throw Error(field, $"must be a list (line {node.Start.Line})");
            }

            return sequence.Children.Select(c => String(c, field)).ToList();
        }

        public string FilePath(YamlNode node, string field)
        {
            var text = String(node, field);
            if (text.Length == 0)
            {
                throw Error(field, "is empty");
            }

            var full = Path.GetFullPath(Path.Combine(baseDirectory, text));
            return File.Exists(full) ? full : throw Error(field, $"file '{full}' does not exist (relative paths are resolved against the config file's directory)");
        }
    }
}
