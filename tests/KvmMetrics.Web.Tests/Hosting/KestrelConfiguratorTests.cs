using System.Net;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using KvmMetrics.Exposition;
using KvmMetrics.Web.Configuration;
using KvmMetrics.Web.Hosting;
using KvmMetrics.Web.Tests.Support;

namespace KvmMetrics.Web.Tests.Hosting;

public class KestrelConfiguratorTests
{
    private static readonly MetricDescriptor Up = new("kvm_up", MetricType.Gauge, "Up.");

    private static MetricSet Set()
    {
        var b = new MetricSetBuilder();
        b.Add(Up, 1);
        return b.Build();
    }

    private static HttpClient TrustingOnly(X509Certificate2 server, X509Certificate2? clientCertificate = null)
    {
        var handler = new HttpClientHandler
        {
            // Trust exactly the certificate made in the test, nothing else.
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.Thumbprint == server.Thumbprint,
        };
        if (clientCertificate is not null)
        {
            handler.ClientCertificateOptions = ClientCertificateOption.Manual;
            handler.ClientCertificates.Add(clientCertificate);
        }

        return new HttpClient(handler);
    }

    [Fact]
    public async Task Tls_FromWebConfigFile_ServesMetricsOverHttps()
    {
        using var dir = new TempDir();
        using var server = TestCertificates.SelfSignedServer();
        TestCertificates.WritePem(dir, server, "server");
        var configFile = dir.Write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS12\n");
        var config = WebConfigLoader.Load(configFile);

        await using var host = await TestWebHost.StartAsync(config, app => app.MapKvmMetrics("/metrics", _ => Task.FromResult(Set())));
        Assert.Equal("https", host.BaseAddress.Scheme);
        using var client = TrustingOnly(server);

        using var response = await client.GetAsync(new Uri(host.BaseAddress, "/metrics"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("# HELP kvm_up Up.\n# TYPE kvm_up gauge\nkvm_up 1\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Tls_PlainHttpRequest_IsNotServed()
    {
        using var dir = new TempDir();
        using var server = TestCertificates.SelfSignedServer();
        TestCertificates.WritePem(dir, server, "server");
        var config = WebConfigLoader.Load(dir.Write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"));
        await using var host = await TestWebHost.StartAsync(config, app => app.MapKvmHealthz());
        using var client = new HttpClient();

        var plain = new UriBuilder(host.BaseAddress) { Scheme = "http" }.Uri;
        var ok = false;
        try
        {
            using var response = await client.GetAsync(new Uri(plain, "/healthz"));
            ok = response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
        }

        Assert.False(ok);
    }

    [Fact]
    public async Task MutualTls_RequireAndVerify_AcceptsSignedClientAndRejectsOthers()
    {
        using var dir = new TempDir();
        using var server = TestCertificates.SelfSignedServer();
        TestCertificates.WritePem(dir, server, "server");
        using var ca = TestCertificates.Ca("kvm test client CA");
        dir.Write("ca.crt", ca.ExportCertificatePem());
        using var otherCa = TestCertificates.Ca("someone else");
        using var good = TestCertificates.Client(ca, "prometheus.example");
        using var stranger = TestCertificates.Client(otherCa, "prometheus.example");
        var config = WebConfigLoader.Load(dir.Write("web.yml",
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n"));
        await using var host = await TestWebHost.StartAsync(config, app => app.MapKvmHealthz());
        var url = new Uri(host.BaseAddress, "/healthz");

        using (var client = TrustingOnly(server, good))
        {
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        foreach (var certificate in new[] { stranger, null })
        {
            using var client = TrustingOnly(server, certificate);
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync(url));
        }
    }

    [Fact]
    public async Task OversizedHeaders_AreRejectedWith431()
    {
        await using var host = await TestWebHost.StartAsync(WebConfig.Default, app => app.MapKvmHealthz());
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.TryAddWithoutValidation("X-Big", new string('a', KestrelConfigurator.MaxRequestHeadersTotalSize + 1));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("/../../etc/passwd")]
    [InlineData("/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/metrics/../../../etc/shadow")]
    [InlineData("/static/..%2f..%2fetc%2fpasswd")]
    public async Task PathTraversal_IsNeverAFile(string path)
    {
        await using var host = await TestWebHost.StartAsync(WebConfig.Default, app => app.MapKvmHealthz());
        using var client = new HttpClient();

        using var response = await client.GetAsync(host.BaseAddress + path.TrimStart('/'));
        var body = await response.Content.ReadAsStringAsync();

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Responses_CarryNoServerHeader()
    {
        await using var host = await TestWebHost.StartAsync(WebConfig.Default, app => app.MapKvmHealthz());
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Empty(response.Headers.Server);
    }
}
