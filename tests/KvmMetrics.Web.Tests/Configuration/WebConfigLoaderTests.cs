using System.Security.Authentication;
using KvmMetrics.Web.Configuration;
using KvmMetrics.Web.Tests.Support;

namespace KvmMetrics.Web.Tests.Configuration;

public sealed class WebConfigLoaderTests : IDisposable
{
    private const string Hash = "$2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG";
    private readonly TempDir _dir = new();

    public WebConfigLoaderTests()
    {
        using var server = TestCertificates.SelfSignedServer();
        TestCertificates.WritePem(_dir, server, "server");
        using var ca = TestCertificates.Ca("ca");
        _dir.Write("ca.crt", ca.ExportCertificatePem());
        _dir.Write("garbage.crt", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_FullValidFile_ParsesEverySection()
    {
        var file = _dir.Write("web.yml", $"""
            tls_server_config:
              cert_file: server.crt
              key_file: server.key
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca.crt
              client_allowed_sans: [prometheus.example]
              min_version: TLS13
              cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]
              prefer_server_cipher_suites: true
            http_server_config:
              http2: false
              headers:
                X-Frame-Options: deny
                Strict-Transport-Security: max-age=31536000
            basic_auth_users:
              alice: {Hash}
            rate_limit:
              interval: 1s
              burst: 20
            """);

        var config = WebConfigLoader.Load(file);

        Assert.Equal(file, config.SourcePath);
        var tls = config.Tls!;
        Assert.Equal(Path.Combine(_dir.Path, "server.crt"), tls.CertFile);
        Assert.Equal(ClientAuthType.RequireAndVerifyClientCert, tls.ClientAuth);
        Assert.Equal(["prometheus.example"], tls.ClientAllowedSans);
        Assert.Equal(SslProtocols.Tls13, tls.EnabledProtocols);
        Assert.Single(tls.CipherSuites);
        Assert.False(config.Http.Http2);
        Assert.Equal("deny", config.Http.Headers["X-Frame-Options"]);
        Assert.Equal(Hash, config.BasicAuthUsers["alice"]);
        Assert.Equal(new RateLimitConfig(TimeSpan.FromSeconds(1), 20), config.RateLimit);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("basic_auth_users:\n")]
    public void Load_EmptyFile_IsDefault(string yaml)
    {
        var config = WebConfigLoader.Load(_dir.Write("web.yml", yaml));

        Assert.Null(config.Tls);
        Assert.Empty(config.BasicAuthUsers);
    }

    [Theory]
    [InlineData("tls_server_confg:\n  cert_file: server.crt\n", "tls_server_confg: unknown field")]
    [InlineData("tls_server_config:\n  cert_file: server.crt\n", "tls_server_config.key_file: is required")]
    [InlineData("tls_server_config:\n  key_file: server.key\n", "tls_server_config.cert_file: is required")]
    [InlineData("tls_server_config:\n  cert_file: missing.crt\n  key_file: server.key\n", "tls_server_config.cert_file: file '")]
    [InlineData("tls_server_config:\n  cert_file: garbage.crt\n  key_file: server.key\n", "tls_server_config.cert_file/key_file: cannot load")]
    [InlineData("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: Require\n", "tls_server_config.client_auth_type: 'Require' is not one of")]
    [InlineData("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n", "tls_server_config.client_ca_file: is required")]
    [InlineData("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_ca_file: ca.crt\n", "tls_server_config.client_auth_type: client_ca_file is set")]
    [InlineData("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS14\n", "tls_server_config.min_version: 'TLS14'")]
    [InlineData("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS13\n  max_version: TLS12\n", "tls_server_config.min_version: is higher")]
    [InlineData("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  cipher_suites: [TLS_FAKE]\n", "tls_server_config.cipher_suites: 'TLS_FAKE'")]
    [InlineData("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  curve_preferences: [X25519]\n", "tls_server_config.curve_preferences: is not supported")]
    [InlineData("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_allowed_sans: [a]\n", "tls_server_config.client_allowed_sans: needs")]
    [InlineData("tls_server_config: yes\n", "tls_server_config: must be a mapping")]
    [InlineData("http_server_config:\n  headers:\n    X-Powered-By: me\n", "http_server_config.headers.X-Powered-By: is not a header")]
    [InlineData("http_server_config:\n  headers:\n    X-Frame-Options: allow\n", "http_server_config.headers.X-Frame-Options: 'allow' is not deny")]
    [InlineData("http_server_config:\n  http2: maybe\n", "http_server_config.http2: 'maybe' is not true or false")]
    [InlineData("basic_auth_users:\n  alice: secret-in-plain-text\n", "basic_auth_users.alice: is not a bcrypt hash")]
    [InlineData("basic_auth_users:\n  alice: [a]\n", "basic_auth_users.alice: must be a string")]
    [InlineData("basic_auth_users: [alice]\n", "basic_auth_users: must be a mapping")]
    [InlineData("rate_limit:\n  interval: fast\n  burst: 1\n", "rate_limit.interval: is not a duration")]
    [InlineData("rate_limit:\n  interval: 1s\n  burst: 0\n", "rate_limit.burst: must be at least 1")]
    [InlineData("tls_server_config:\n  cert_file: [\n", "line ")]
    [InlineData("basic_auth_users:\n  alice: x\n  alice: y\n", "line 3: is not valid YAML")]
    public void Load_InvalidFile_ErrorNamesFileAndField(string yaml, string expected)
    {
        var file = _dir.Write("web.yml", yaml);

        var e = Assert.Throws<WebConfigException>(() => WebConfigLoader.Load(file));

        Assert.StartsWith($"web config '{file}': ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidHash_DoesNotEchoTheSecret()
    {
        var file = _dir.Write("web.yml", "basic_auth_users:\n  alice: hunter2-plaintext\n");

        var e = Assert.Throws<WebConfigException>(() => WebConfigLoader.Load(file));

        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
        Assert.Equal("basic_auth_users.alice", e.Field);
    }

    [Fact]
    public void Load_MissingFile_NamesTheFile()
    {
        var path = Path.Combine(_dir.Path, "nope.yml");

        var e = Assert.Throws<WebConfigException>(() => WebConfigLoader.Load(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be read", e.Message, StringComparison.Ordinal);
    }
}
