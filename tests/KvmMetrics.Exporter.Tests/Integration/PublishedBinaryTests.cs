using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using KvmMetrics.TestSupport;
using KvmMetrics.TestSupport.Libvirt;
using KvmMetrics.TestSupport.Processes;

namespace KvmMetrics.Exporter.Tests.Integration;

/// <summary>
/// The shipped Native AOT binary, run as a process: it serves /metrics against the real libvirtd, and every start-up
/// failure (busy port, bad TLS files, unreachable libvirt) is one line on stderr naming the flag, exit code 2, and no
/// stack trace.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class PublishedBinaryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task Binary_AgainstRealLibvirtd_ServesDomainSeries()
    {
        var host = LibvirtTestHost.Require();
        var binary = await PublishedExporter.PathAsync();
        var suffix = "-aot" + Guid.NewGuid().ToString("N")[..6];
        var guest = await GuestFactory.CreateAsync(host, GuestKind.Idle, new GuestOptions { NameSuffix = suffix });
        try
        {
            await using var exporter = await ChildProcess.StartAsync(binary,
                ["--web.listen-address=127.0.0.1:0", "--domain.include=.*" + suffix, "--no-collector.cgroup"], ListeningRegex());
            using var http = new HttpClient { BaseAddress = exporter.BaseAddress, Timeout = Timeout };
            var page = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            var lines = ExpositionText.Parse(page);
            Assert.Equal(1, lines.Single("kvm_libvirt_up"));
            Assert.Equal(1, lines.Single("kvm_exporter_collector_success", null, ("collector", "domain")));
            Assert.Contains(lines, l => l.Name == "kvm_domain_info" && l.Labels.Values.Contains(guest.Name));
            Assert.Contains(lines, l => l.Name == "kvm_domain_cpu_time_seconds_total" && l.Labels.Values.Contains(guest.Name));
        }
        finally
        {
            await GuestFactory.DisposeAllAsync([guest]);
        }
    }

    [Fact]
    public async Task Binary_PortInUse_ExitsTwoWithOneLineNamingTheFlag()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var (code, stderr) = await RunAsync($"--web.listen-address=127.0.0.1:{port}", "--libvirt.uri=test:///default");
        AssertOneLineError(code, stderr, $"--web.listen-address=127.0.0.1:{port}: address already in use", "pass a free --web.listen-address");
    }

    [Fact]
    public async Task Binary_LibvirtUnreachable_ExitsTwoWithOneLineNamingTheFlag()
    {
        const string Uri = "qemu+unix:///system?socket=/nonexistent/libvirt-sock";
        var (code, stderr) = await RunAsync("--web.listen-address=127.0.0.1:0", "--libvirt.uri=" + Uri);
        AssertOneLineError(code, stderr, $"--libvirt.uri={Uri}: cannot connect to libvirt", "No such file or directory", "start libvirtd");
    }

    public static TheoryData<string, string> BadTlsFiles => new()
    {
        { "missing", "does not exist" },
        { "not-pem", "cannot load a PEM certificate with its private key" },
        { "key-mismatch", "cannot load a PEM certificate with its private key" },
        { "directory", "tls_server_config.cert_file" },
    };

    [Theory]
    [MemberData(nameof(BadTlsFiles))]
    public async Task Binary_BadTlsFiles_ExitsTwoWithOneLineNamingTheFileAndFlag(string kind, string expected)
    {
        var dir = Directory.CreateTempSubdirectory("kmt-tls-");
        try
        {
            var cert = Path.Combine(dir.FullName, "server.crt");
            var key = Path.Combine(dir.FullName, "server.key");
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            switch (kind)
            {
                case "missing":
                    await File.WriteAllTextAsync(key, rsa.ExportPkcs8PrivateKeyPem());
                    break;
                case "not-pem":
                    await File.WriteAllTextAsync(cert, "this is not a certificate\n");
                    await File.WriteAllTextAsync(key, rsa.ExportPkcs8PrivateKeyPem());
                    break;
                case "key-mismatch":
                    using (var other = RSA.Create(2048))
                    {
                        await File.WriteAllTextAsync(cert, self.ExportCertificatePem());
                        await File.WriteAllTextAsync(key, other.ExportPkcs8PrivateKeyPem());
                    }

                    break;
                default:
                    Directory.CreateDirectory(cert);
                    await File.WriteAllTextAsync(key, rsa.ExportPkcs8PrivateKeyPem());
                    break;
            }

            var webConfig = Path.Combine(dir.FullName, "web.yml");
            await File.WriteAllTextAsync(webConfig, $"tls_server_config:\n  cert_file: {cert}\n  key_file: {key}\n");
            var (code, stderr) = await RunAsync("--web.listen-address=127.0.0.1:0", "--libvirt.uri=test:///default", "--web.config.file=" + webConfig);
            AssertOneLineError(code, stderr, "--web.config.file", webConfig, expected);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<(int Code, string Stderr)> RunAsync(params string[] args)
    {
        var binary = await PublishedExporter.PathAsync();
        var (code, _, stderr) = await ProcessRunner.RunAsync(binary, args, Timeout);
        return (code, stderr);
    }

    private static void AssertOneLineError(int code, string stderr, params string[] expected)
    {
        Assert.Equal(2, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("kvm-exporter: error: ", line, StringComparison.Ordinal);
        foreach (var e in expected)
        {
            Assert.Contains(e, line, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningRegex();
}
